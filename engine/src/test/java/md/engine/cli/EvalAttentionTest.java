package md.engine.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.core.Cell;
import md.core.SharedData;
import md.core.io.NpyArray;
import md.core.io.Npz;
import md.engine.neighbors.VerletNeighborList;
import md.forcefields.Atoms;
import md.forcefields.ForceField;
import md.forcefields.ForceFieldSpec;
import md.forcefields.ForceFields;
import md.forcefields.autodiff.Tensor;
import md.forcefields.geomatt.GeomAttInspector;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFile;

/**
 * {@code md eval --attention} with the imported reference fixture (geomatt-reference/ethanol-k234: streams of orders 2,
 * 3, 4, three layers each, random weights): the maps in attention.npz against {@link GeomAttInspector} run here and
 * against the authors' own α (the fixture's intermediates.npz), NumPy reading the file, the HTML's figures, and the
 * errors for a model that is not GeomAtt and for a periodic structure.
 */
// swaps System.out/err (to read what a command printed): not beside another class that does (pom.xml runs two at a time)
@org.junit.jupiter.api.parallel.ResourceLock(org.junit.jupiter.api.parallel.Resources.SYSTEM_OUT)
@org.junit.jupiter.api.parallel.ResourceLock(org.junit.jupiter.api.parallel.Resources.SYSTEM_ERR)
class EvalAttentionTest {
    @TempDir Path dir;
    private Path model;

    private static Path fixture(String file) { return SharedData.require("geomatt-reference/ethanol-k234/" + file); }

    private static final String[] NAMES = {"stream0_order2_layer0", "stream0_order2_layer1", "stream0_order2_layer2",
            "stream1_order3_layer0", "stream1_order3_layer1", "stream1_order3_layer2",
            "stream2_order4_layer0", "stream2_order4_layer1", "stream2_order4_layer2"};

    @BeforeEach void importFixture() {
        model = dir.resolve("fixture.zip");
        Result r = md("import", "geomatt", fixture("config.yaml").toString(), fixture("weights.npz").toString(), "-o", model.toString());
        assertEquals(0, r.rc, r.err);
    }

    @Test void theMapsAreTheInspectorsSymmetrisedAttentionOfTheChosenFrame() throws Exception {
        Path frames = fixture("frames.npz"), out = dir.resolve("maps");
        int k = 7;
        Result r = md("eval", "--forcefield", model.toString(), "--attention", "--frame", String.valueOf(k), "-o", out.toString(), frames.toString());
        assertEquals(0, r.rc, r.err);
        Map<String, NpyArray> maps = Npz.read(out.resolve("attention.npz"));
        Map<String, NpyArray> ref = Npz.read(frames);
        int n = ref.get("z").asInts().length;
        int[] z = Arrays.copyOfRange(ref.get("Z").asInts(), k * n, (k + 1) * n);
        double[] positions = ref.get("R").slice(k);
        assertArrayEquals(z, maps.get("atomic_numbers").asInts());
        assertEquals("<i8", maps.get("atomic_numbers").dtype());
        assertArrayEquals(positions, maps.get("positions_angstrom").data());
        assertArrayEquals(new int[] {n, 3}, maps.get("positions_angstrom").shape());
        List<String> expectedKeys = new ArrayList<>(List.of("atomic_numbers", "positions_angstrom"));
        expectedKeys.addAll(List.of(NAMES));
        assertEquals(expectedKeys, new ArrayList<>(maps.keySet()), "one map per stream and layer");

        LearnedModel m = ModelFile.read(model);
        int[] types = new int[n];
        for (int i = 0; i < n; i++) types[i] = m.architecture().typeOf(z[i]);
        Map<String, Tensor> values = GeomAttInspector.intermediates(m, Tensor.of(positions.clone(), n, 3), types);
        for (int s = 0, q = 0; s < 3; s++)
            for (int l = 0; l < 3; l++, q++) {
                NpyArray a = maps.get(NAMES[q]);
                assertArrayEquals(new int[] {n, n}, a.shape(), NAMES[q]);
                double[] expected = GeomAttInspector.symmetrisedAttention(values, s, l);
                assertArrayEquals(expected, a.data(), NAMES[q]);
                double max = 0;
                for (int i = 0; i < n; i++) {
                    assertEquals(0.0, a.data()[i * n + i], NAMES[q] + " diagonal");
                    for (int j = 0; j < n; j++) {
                        assertEquals(a.data()[i * n + j], a.data()[j * n + i], NAMES[q] + " symmetric");
                        max = Math.max(max, a.data()[i * n + j]);
                    }
                }
                assertTrue(max > 0, NAMES[q] + " is not all zero");
            }

        // The JSON holds the same numbers, and the model's energy equals the force field's.
        String json = Files.readString(out.resolve("attention.json"));
        Map<?, ?> j = (Map<?, ?>) md.core.io.Json.parse(json);
        assertEquals((long) k, j.get("frame"));
        List<?> jmaps = (List<?>) j.get("maps");
        assertEquals(NAMES.length, jmaps.size());
        for (int q = 0; q < NAMES.length; q++) {
            Map<?, ?> e = (Map<?, ?>) jmaps.get(q);
            assertEquals(NAMES[q], e.get("name"));
            List<?> rows = (List<?>) e.get("matrix");
            for (int i = 0; i < n; i++)
                for (int jj = 0; jj < n; jj++) assertEquals(maps.get(NAMES[q]).data()[i * n + jj], (Double) ((List<?>) rows.get(i)).get(jj), NAMES[q]);
        }
        try (ForceField ff = ForceFields.create(new ForceFieldSpec("learned", Map.of("model", model.toString()), null))) {
            Atoms atoms = new Atoms(z, positions, Cell.NONE);
            double e = ff.compute(atoms, VerletNeighborList.pairsWithin(atoms, ff.cutoffAngstrom()), new double[3 * n], null);
            assertEquals(e, (Double) j.get("energy_eV"), 1e-12 * Math.abs(e));
        }

        // The page: one heat map per stream and layer, each with a cell per atom pair.
        String html = Files.readString(out.resolve("attention.html"));
        for (String name : NAMES) assertTrue(html.contains("<figure id=\"fig-" + name + "\"><svg"), name);
        assertEquals(NAMES.length, count(html, "<figure id=\"fig-"));
        assertEquals(NAMES.length, count(html, "<svg"));
        int outlined = count(html, "class=\"outlined\"");
        assertEquals(NAMES.length * n * n, count(html, "<rect x=") - 2 * NAMES.length - outlined, "cells, beside each figure's frame, colour bar and bond frames");

        // Ethanol's 8 covalent bonds (each H bonded once, the heavy atoms in a chain) are framed in every map, and the
        // bond contrast is the mean over the bonds over the mean over the other 28 pairs, from the npz numbers.
        List<?> bonds = (List<?>) j.get("bonds");
        assertEquals(8, bonds.size());
        assertEquals(NAMES.length * 2 * 8, outlined);
        int[] perAtom = new int[n];
        boolean[] bonded = new boolean[n * n];
        for (Object b : bonds) {
            int a = ((Number) ((List<?>) b).get(0)).intValue(), c = ((Number) ((List<?>) b).get(1)).intValue();
            perAtom[a]++;
            perAtom[c]++;
            bonded[a * n + c] = true;
            double[] d = {positions[3 * a] - positions[3 * c], positions[3 * a + 1] - positions[3 * c + 1], positions[3 * a + 2] - positions[3 * c + 2]};
            assertTrue(Math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]) < 1.7, "bond " + b + " is short");
        }
        for (int i = 0; i < n; i++) assertEquals(z[i] == 1 ? 1 : z[i] == 8 ? 2 : 4, perAtom[i], "bonds of atom " + i + " (Z " + z[i] + ")");
        for (int q = 0; q < NAMES.length; q++) {
            double[] a = maps.get(NAMES[q]).data();
            double in = 0, rest = 0;
            for (int i = 0; i < n; i++)
                for (int jj = i + 1; jj < n; jj++) {
                    if (bonded[i * n + jj]) in += a[i * n + jj];
                    else rest += a[i * n + jj];
                }
            double expected = (in / 8) / (rest / (n * (n - 1) / 2 - 8));
            assertEquals(expected, (Double) ((Map<?, ?>) jmaps.get(q)).get("bond_contrast"), 1e-12 * expected, NAMES[q]);
        }
        assertTrue(html.contains("<title>C0 – O2: "), "cells are labelled by element and index");
    }

    @Test void frameZeroMatchesTheAuthorsAttention() throws Exception {
        // The fixture's intermediates.npz holds α of frame 0 as the authors' PyTorch code computed it.
        Path out = dir.resolve("frame0");
        Result r = md("eval", "--forcefield", model.toString(), "--attention", "--quiet", "-o", out.toString(), fixture("frames.npz").toString());
        assertEquals(0, r.rc, r.err);
        Map<String, NpyArray> maps = Npz.read(out.resolve("attention.npz")), ref = Npz.read(fixture("intermediates.npz"));
        for (int s = 0, q = 0; s < 3; s++)
            for (int l = 0; l < 3; l++, q++) {
                double[] alpha = ref.get("stream" + s + ".layer" + l + ".alpha").data(), ours = maps.get(NAMES[q]).data();
                int n = (int) Math.round(Math.sqrt(alpha.length));
                double scale = 0;
                for (double v : alpha) scale = Math.max(scale, Math.abs(v));
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < n; j++) {
                        double expected = i == j ? 0 : (Math.abs(alpha[i * n + j]) + Math.abs(alpha[j * n + i])) / 2;
                        assertEquals(expected, ours[i * n + j], 1e-14 * scale, NAMES[q] + " [" + i + ", " + j + "]");
                    }
            }
    }

    @Test void numpyReadsTheMaps() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(python), "no /usr/bin/python3");
        Assumptions.assumeTrue(md.core.PythonWorker.imports(python.toString(), "numpy"), "no numpy for /usr/bin/python3");
        Path out = dir.resolve("np");
        Result r = md("eval", "--forcefield", model.toString(), "--attention", "--quiet", "--frame", "-1", "-o", out.toString(), fixture("frames.npz").toString());
        assertEquals(0, r.rc, r.err);
        String script = """
                import sys, numpy as np
                d = np.load(sys.argv[1])
                for k in d.files:
                    a = d[k]
                    sym = float(abs(a - a.T).max()) if a.ndim == 2 and a.shape[0] == a.shape[1] else -1.0
                    print(k, a.dtype, 'x'.join(map(str, a.shape)), repr(float(a.sum())), sym)
                """;
        md.core.PythonWorker.Result run = md.core.PythonWorker.run(python.toString(), java.util.List.of("-c", script, out.resolve("attention.npz").toString()), 120);
        assertEquals(0, run.exitCode(), run.output());
        String text = run.stdout();
        Map<String, NpyArray> ours = Npz.read(out.resolve("attention.npz"));
        String[] lines = text.strip().split("\n");
        assertEquals(ours.size(), lines.length, text);
        for (String line : lines) {
            String[] f = line.split(" ");
            NpyArray a = ours.get(f[0]);
            assertTrue(a != null, "NumPy sees '" + f[0] + "', which we did not write");
            assertEquals(f[0].equals("atomic_numbers") ? "int64" : "float64", f[1], line);
            assertEquals(String.join("x", Arrays.stream(a.shape()).mapToObj(String::valueOf).toArray(String[]::new)), f[2], line);
            double sum = 0;
            for (double v : a.data()) sum += v;
            assertEquals(sum, Double.parseDouble(f[3]), 1e-12 * Math.max(1, Math.abs(sum)), line);
            if (f[0].startsWith("stream")) assertEquals(0.0, Double.parseDouble(f[4]), line + ": symmetric");
        }
    }

    @Test void aModelThatIsNotGeomAttIsAClearError() {
        Path et = Path.of("../inputs/models/ethanol-et.etm").toAbsolutePath();
        Assumptions.assumeTrue(Files.isRegularFile(et), "no " + et);
        Result r = md("eval", "--forcefield", et.toString(), "--attention", "-o", dir.resolve("x").toString(), fixture("frames.npz").toString());
        assertEquals(2, r.rc, r.err);
        assertTrue(r.err.contains(et.toString()) && r.err.contains("attention maps are a GeomAtt feature"), r.err);
        assertFalse(r.err.contains("Exception"), r.err);

        Result lj = md("eval", "--forcefield", "{type: lennard-jones, cutoff: 8.5, species: {C: {epsilon: 0.01, sigma: 3.4}}}", "--attention",
                "-o", dir.resolve("y").toString(), fixture("frames.npz").toString());
        assertEquals(2, lj.rc, lj.err);
        assertTrue(lj.err.contains("lennard-jones") && lj.err.contains("attention maps are a GeomAtt feature"), lj.err);
    }

    @Test void aPeriodicStructureOrAnUnknownElementIsAClearError() throws Exception {
        Path periodic = dir.resolve("periodic.extxyz");
        Files.writeString(periodic, """
                3
                Lattice="20 0 0 0 20 0 0 0 20" Properties=species:S:1:pos:R:3 pbc="T T T"
                O 0 0 0
                H 0.96 0 0
                H -0.24 0.93 0
                """);
        Result r = md("eval", "--forcefield", model.toString(), "--attention", "-o", dir.resolve("p").toString(), periodic.toString());
        assertEquals(2, r.rc, r.err);
        assertTrue(r.err.contains(periodic.toString() + ", frame 0: a periodic structure") && r.err.contains("isolated"), r.err);
        assertFalse(Files.exists(dir.resolve("p").resolve("attention.npz")));

        Path nitrogen = dir.resolve("nh3.xyz");
        Files.writeString(nitrogen, "2\n\nN 0 0 0\nH 1.01 0 0\n");
        Result u = md("eval", "--forcefield", model.toString(), "--attention", "-o", dir.resolve("u").toString(), nitrogen.toString());
        assertEquals(2, u.rc, u.err);
        assertTrue(u.err.contains("atom 0 is N, which the model has no embedding for"), u.err);
    }

    @Test void plainEvalOfOneFrameWithFrame() throws Exception {
        // --frame also picks one frame for energies and forces; the reference's physical energy of frame 5.
        Path out = dir.resolve("five.extxyz");
        Result r = md("eval", "--forcefield", model.toString(), "--frame", "5", "--quiet", "-o", out.toString(), fixture("frames.npz").toString());
        assertEquals(0, r.rc, r.err);
        List<String> lines = Files.readAllLines(out);
        assertEquals(2 + 9, lines.size(), "one frame of 9 atoms");
        Matcher m = Pattern.compile("(?<![_a-z])energy=(\\S+)").matcher(lines.get(1));
        assertTrue(m.find(), lines.get(1));
        double e = Npz.read(fixture("frames.npz")).get("E_phys").data()[5] * md.core.Units.KCAL_PER_MOL_TO_EV;
        assertEquals(e, Double.parseDouble(m.group(1)), 1e-12 * Math.abs(e));
    }

    private static int count(String s, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(s);
        int c = 0;
        while (m.find()) c++;
        return c;
    }

    private record Result(int rc, String err) {}

    private static Result md(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream()));
            int rc = Main.run(args, new PrintStream(err, true, StandardCharsets.UTF_8));
            return new Result(rc, err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(saved);
        }
    }
}
