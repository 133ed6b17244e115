package md.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code md serve --ipi} driven by ASE itself: {@code ase.calculators.socketio.SocketIOCalculator} on
 * a UNIX socket asks md for energies, forces and stress. Periodic argon is checked against ASE's own
 * {@code LennardJones} calculator (energy, forces, stress: an implementation independent of md), an
 * ethanol molecule with Morse bonds against {@code md eval}. Skipped when /usr/bin/python3 (or the
 * python3 on PATH) has no ASE. ASE 3.22 converts with CODATA 2014 Bohr and Hartree, md with CODATA
 * 2018: numbers agree to about 1e-8 relative, not to the last bit.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)  // a protocol bug would otherwise block on a socket forever
class ServeAseTest {
    @TempDir Path dir;

    private static String python;

    private static final String SCRIPT = """
            import sys
            import numpy as np
            from ase.io import read
            from ase.build import bulk
            from ase.calculators.socketio import SocketIOCalculator
            from ase.calculators.lj import LennardJones

            name, mode, infile, outfile = sys.argv[1:5]
            if mode == 'argon':
                frames = []
                rng = np.random.RandomState(5)
                for k in range(3):
                    atoms = bulk('Ar', 'fcc', a=5.3, cubic=True).repeat((2, 2, 2))
                    atoms.set_cell(atoms.cell[:] + [[0, 0, 0], [1.7, 0, 0], [1.1, -0.9, 0]], scale_atoms=True)
                    atoms.positions += 0.08 * rng.standard_normal(atoms.positions.shape)
                    frames.append(atoms)
            else:
                frames = read(infile, index=':')
            with open(outfile, 'w') as out, SocketIOCalculator(unixsocket=name, timeout=60) as calc:
                for k, atoms in enumerate(frames):
                    atoms.calc = calc
                    print(k, 'energy', repr(atoms.get_potential_energy()), file=out)
                    print(k, 'forces', ' '.join(repr(v) for v in atoms.get_forces().ravel()), file=out)
                    if mode == 'argon':
                        print(k, 'stress', ' '.join(repr(v) for v in atoms.get_stress()), file=out)
                        ref = atoms.copy()
                        ref.calc = LennardJones(sigma=3.4, epsilon=0.0103, rc=7.0)
                        print(k, 'ref_energy', repr(ref.get_potential_energy()), file=out)
                        print(k, 'ref_forces', ' '.join(repr(v) for v in ref.get_forces().ravel()), file=out)
                        print(k, 'ref_stress', ' '.join(repr(v) for v in ref.get_stress()), file=out)
            """;

    @BeforeAll
    static void findAse() {
        for (String p : new String[] {"/usr/bin/python3", "python3"}) {
            try {
                Process proc = new ProcessBuilder(p, "-c", "import ase.calculators.socketio, ase.calculators.lj").redirectErrorStream(true).start();
                proc.getInputStream().readAllBytes();
                if (proc.waitFor(60, TimeUnit.SECONDS) && proc.exitValue() == 0) {
                    python = p;
                    return;
                }
            } catch (Exception e) {
                // not this one
            }
        }
    }

    /** Runs the ASE script as the server and md serve as its driver; returns "frame key" → numbers. */
    private Map<String, double[]> runWithAse(String mode, Path input, String... serveArgs) throws Exception {
        Assumptions.assumeTrue(python != null, "no python3 with ASE (ase.calculators.socketio); skipping the ASE check");
        Path script = Cli.write(dir.resolve("server.py"), SCRIPT);
        Path out = dir.resolve(mode + ".txt");
        String name = "mdase_" + ProcessHandle.current().pid() + "_" + System.nanoTime();
        Process proc = new ProcessBuilder(python, script.toString(), name, mode, String.valueOf(input), out.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve(mode + ".log").toFile()).start();
        String[] args = new String[serveArgs.length + 6];
        args[0] = "serve"; args[1] = "--ipi"; args[2] = "unix:" + name; args[3] = "--retry-seconds"; args[4] = "60"; args[5] = "--quiet";
        System.arraycopy(serveArgs, 0, args, 6, serveArgs.length);
        CompletableFuture<Cli.Result> driver = CompletableFuture.supplyAsync(() -> Cli.run(args));
        try {
            assertTrue(proc.waitFor(120, TimeUnit.SECONDS), "the ASE server did not finish");
            String log = Files.readString(dir.resolve(mode + ".log"));
            assertEquals(0, proc.exitValue(), "ASE server failed:\n" + log);
            Cli.Result r = driver.get(60, TimeUnit.SECONDS);
            assertEquals(0, r.exitCode(), r.err());
        } finally {
            proc.destroyForcibly();
            Files.deleteIfExists(Path.of("/tmp/ipi_" + name));
        }
        Map<String, double[]> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(out)) {
            String[] f = line.strip().split("\\s+");
            double[] v = new double[f.length - 2];
            for (int i = 0; i < v.length; i++) v[i] = Double.parseDouble(f[2 + i]);
            values.put(f[0] + " " + f[1], v);
        }
        return values;
    }

    private static void assertClose(double[] expected, double[] actual, double relative, String what) {
        assertEquals(expected.length, actual.length, what);
        double scale = 0;
        for (double e : expected) scale = Math.max(scale, Math.abs(e));
        assertTrue(scale > 0, what + " is all zeros");
        for (int i = 0; i < expected.length; i++)
            assertEquals(expected[i], actual[i], relative * scale, what + " [" + i + "]");
    }

    @Test
    void periodicArgonMatchesAsesLennardJonesIncludingStress() throws Exception {
        Map<String, double[]> v = runWithAse("argon", null,
                "--forcefield", "{type: lennard-jones, cutoff: 7.0, shift: energy, species: {Ar: {epsilon: 0.0103, sigma: 3.4}}}", "--species", "Ar*32");
        for (int k = 0; k < 3; k++) {
            assertClose(v.get(k + " ref_energy"), v.get(k + " energy"), 1e-7, "energy of frame " + k);
            assertClose(v.get(k + " ref_forces"), v.get(k + " forces"), 1e-7, "forces of frame " + k);
            assertClose(v.get(k + " ref_stress"), v.get(k + " stress"), 1e-7, "stress of frame " + k);
        }
    }

    @Test
    void ethanolMoleculeMatchesMdEval() throws Exception {
        Path structure = Cli.inputs().resolve("structures/ethanol-rmd17.extxyz");
        List<String> lines = Files.readAllLines(structure);
        int n = Integer.parseInt(lines.get(0).strip());
        StringBuilder xyz = new StringBuilder();
        Random rnd = new Random(23);
        for (int g = 0; g < 4; g++) {
            xyz.append(n).append("\nProperties=species:S:1:pos:R:3 pbc=\"F F F\"\n");
            for (int i = 0; i < n; i++) {
                String[] f = lines.get(2 + i).strip().split("\\s+");
                xyz.append(f[0]);
                for (int c = 0; c < 3; c++) xyz.append(String.format(Locale.ROOT, " %.17g", Double.parseDouble(f[1 + c]) + 0.05 * rnd.nextGaussian()));
                xyz.append('\n');
            }
        }
        Path frames = Cli.write(dir.resolve("ethanol-frames.extxyz"), xyz.toString());
        String morse = "{type: morse, bonds: auto, parameters: {C-H: {D: 4.28, alpha: 1.77, r0: 1.09}, C-C: {D: 3.61, alpha: 1.99, r0: 1.52}, "
                + "C-O: {D: 3.71, alpha: 2.00, r0: 1.43}, O-H: {D: 4.61, alpha: 2.27, r0: 0.96}}}";
        Map<String, double[]> v = runWithAse("molecule", frames, "--forcefield", morse, "--structure", structure.toString());

        Path evalOut = dir.resolve("eval.extxyz");
        Cli.Result eval = Cli.run("eval", "--quiet", "--forcefield", morse, "-o", evalOut.toString(), frames.toString());
        assertEquals(0, eval.exitCode(), eval.err());
        List<String> out = Files.readAllLines(evalOut);
        for (int g = 0; g < 4; g++) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:^|\\s)energy=(\\S+)").matcher(out.get(g * (n + 2) + 1));
            assertTrue(m.find());
            assertClose(new double[] {Double.parseDouble(m.group(1))}, v.get(g + " energy"), 1e-7, "energy of geometry " + g);
            List<Double> forces = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String[] f = out.get(g * (n + 2) + 2 + i).strip().split("\\s+");
                for (int c = 0; c < 3; c++) forces.add(Double.parseDouble(f[4 + c]));
            }
            assertClose(forces.stream().mapToDouble(Double::doubleValue).toArray(), v.get(g + " forces"), 1e-7, "forces of geometry " + g);
        }
    }
}
