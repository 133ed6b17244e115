package md.engine.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code md run} with a model's direct force head ({@code forces: direct}, the SE(3)-Transformer's type-1
 * output, here the reference fixture's random weights): the run works, says once that the energy is not
 * conserved, and thermo.csv gains {@code nonconservative_work_eV} = E_pot − E_pot(0) + ∫F·dx. In NVE the
 * work–energy theorem makes E_tot − W_nc constant up to the integrator's error, while E_tot itself drifts:
 * that checks the work integral against the dynamics. A resumed run continues the integral exactly.
 */
// swaps System.out/err (to read what a command printed): not beside another class that does (pom.xml runs two at a time)
@org.junit.jupiter.api.parallel.ResourceLock(org.junit.jupiter.api.parallel.Resources.SYSTEM_OUT)
@org.junit.jupiter.api.parallel.ResourceLock(org.junit.jupiter.api.parallel.Resources.SYSTEM_ERR)
// also opens OpenCL (PoCL) force fields: not beside another class that does
@org.junit.jupiter.api.parallel.ResourceLock("md.device-backends")
class DirectForcesRunTest {
    @TempDir Path dir;

    private Path importModel() {
        Path out = dir.resolve("ethanol-se3t.model");
        int rc = Main.run(new String[] {"import", "se3t", Se3tImportCommandTest.fixture("config.yaml").toString(),
                Se3tImportCommandTest.fixture("weights.npz").toString(), "-o", out.toString()}, new PrintStream(new ByteArrayOutputStream()));
        assertEquals(0, rc);
        return out;
    }

    private Path input(String name, String forcefield, long steps, String extra) throws Exception {
        Path input = dir.resolve(name + ".yaml");
        Files.writeString(input, String.join("\n", List.of(
                "structure:",
                "  file: " + Path.of("../inputs/structures/ethanol-rmd17.extxyz").toAbsolutePath(),
                "forcefield: " + forcefield,
                "velocities: {temperature_K: 300, seed: 5, remove_com: true, remove_rotation: true}",
                "dynamics: {integrator: velocity-verlet, timestep_fs: 0.25, steps: " + steps + "}",
                "output:",
                "  directory: " + dir.resolve(name),
                "  thermo: {every: 10}",
                "  checkpoint: {every: 50}",
                extra,
                "")));
        return input;
    }

    /** Main.run with System.err (where md run's warning goes) captured into {@code err} as well. */
    static int run(ByteArrayOutputStream err, String... args) {
        PrintStream old = System.err;
        PrintStream capture = new PrintStream(err, true);
        System.setErr(capture);
        try {
            return Main.run(args, capture);
        } finally {
            System.setErr(old);
        }
    }

    /** thermo.csv rows as numbers, and the header. */
    private static List<double[]> rows(Path thermo, List<String> headerOut) throws Exception {
        List<String> lines = Files.readAllLines(thermo);
        headerOut.addAll(List.of(lines.get(0).split(",")));
        List<double[]> rows = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            String[] c = l.split(",");
            double[] v = new double[c.length];
            for (int i = 0; i < c.length; i++) v[i] = Double.parseDouble(c[i]);
            rows.add(v);
        }
        return rows;
    }

    @Test void directForcesRunWithTheWorkOfTheirNonConservativePart() throws Exception {
        Path model = importModel();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, run(err, "run", "--quiet", input("direct", "{type: learned, model: '" + model + "', forces: direct}", 400, "").toString()), err.toString());
        assertTrue(err.toString().contains("not a conserved quantity"), err.toString());
        assertEquals(1, err.toString().lines().filter(l -> l.contains("warning")).count(), "one warning line");
        List<String> header = new ArrayList<>();
        List<double[]> rows = rows(dir.resolve("direct/thermo.csv"), header);
        int etot = header.indexOf("etot_eV"), ekin = header.indexOf("ekin_eV"), wnc = header.indexOf("nonconservative_work_eV");
        assertEquals(header.size() - 1, wnc, "the last column: " + header);
        double driftTot = 0, driftCorrected = 0, maxKin = 0;
        for (double[] r : rows) {
            driftTot = Math.max(driftTot, Math.abs(r[etot] - rows.get(0)[etot]));
            driftCorrected = Math.max(driftCorrected, Math.abs(r[etot] - r[wnc] - rows.get(0)[etot] + rows.get(0)[wnc]));
            maxKin = Math.max(maxKin, r[ekin]);
        }
        System.out.printf("direct forces, NVE 400 × 0.25 fs: max |ΔE_tot| %.3e eV, max |Δ(E_tot − W_nc)| %.3e eV, max E_kin %.3f eV%n",
                driftTot, driftCorrected, maxKin);
        assertEquals(0.0, rows.get(0)[wnc], 0.0, "no work at step 0");
        assertTrue(driftTot > 1e-2 * maxKin, "direct forces of random weights should visibly not conserve E_tot: " + driftTot);
        assertTrue(driftCorrected < 0.02 * driftTot, "E_tot − W_nc should be constant: " + driftCorrected + " vs drift " + driftTot);

        // the same model's conservative head: no extra column, no warning
        ByteArrayOutputStream err2 = new ByteArrayOutputStream();
        assertEquals(0, run(err2, "run", "--quiet", input("conservative", "{type: learned, model: '" + model + "'}", 20, "").toString()), err2.toString());
        assertFalse(err2.toString().contains("warning"), err2.toString());
        assertFalse(Files.readAllLines(dir.resolve("conservative/thermo.csv")).get(0).contains("nonconservative"));
    }

    @Test void aResumedRunContinuesTheWorkIntegral() throws Exception {
        Path model = importModel();
        String ff = "{type: learned, model: '" + model + "', forces: direct}";
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, run(err, "run", "--quiet", input("whole", ff, 200, "").toString()), err.toString());
        Path part = input("part", ff, 100, "");
        assertEquals(0, run(err, "run", "--quiet", part.toString()), err.toString());
        Files.writeString(part, Files.readString(part).replace("steps: 100", "steps: 200"));
        assertEquals(0, run(err, "run", "--quiet", "--resume", part.toString()), err.toString());
        List<String> h = new ArrayList<>();
        List<double[]> whole = rows(dir.resolve("whole/thermo.csv"), h), resumed = rows(dir.resolve("part/thermo.csv"), new ArrayList<>());
        assertEquals(whole.size(), resumed.size());
        int w = h.indexOf("nonconservative_work_eV"), e = h.indexOf("etot_eV");
        for (int k = 0; k < whole.size(); k++) {
            assertEquals(whole.get(k)[w], resumed.get(k)[w], 0.0, "row " + k);
            assertEquals(whole.get(k)[e], resumed.get(k)[e], 0.0, "row " + k);
        }
        assertNotEquals(0.0, whole.get(whole.size() - 1)[w]);
    }

    @Test void directForcesNeedADirectHeadAndTheHostExecutor() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path et = Path.of("../inputs/models/ethanol-et.etm").toAbsolutePath();
        assertEquals(2, run(err, "run", "--quiet", input("et", "{type: learned, model: '" + et + "', forces: direct}", 10, "").toString()));
        assertTrue(err.toString().contains("forces") && err.toString().contains("direct force head"), err.toString());
        Path model = importModel();
        err.reset();
        assertEquals(2, run(err, "run", "--quiet", input("dev", "{type: learned, model: '" + model + "', forces: direct, device: opencl}", 10, "").toString()));
        assertTrue(err.toString().contains("device: java"), err.toString());
        err.reset();
        assertEquals(2, run(err, "run", "--quiet", input("typo", "{type: learned, model: '" + model + "', forces: gradient}", 10, "").toString()));
        assertTrue(err.toString().contains("conservative or direct"), err.toString());
    }

    @Test void aMoleculeFallingApartStopsTheRunWhenBondsAreWatched() throws Exception {
        // hot enough for the random direct forces to pull the molecule apart within a few hundred steps
        Path model = importModel();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path in = input("apart", "{type: learned, model: '" + model + "', forces: direct}", 4000, "safety: {bond_deviation_A: 0.5}");
        Files.writeString(in, Files.readString(in).replace("temperature_K: 300", "temperature_K: 3000"));
        int rc = run(err, "run", "--quiet", in.toString());
        System.out.println(err);
        assertEquals(4, rc, err.toString());
        assertTrue(err.toString().contains("from its starting length") && err.toString().contains("safety.bond_deviation_A"), err.toString());
    }
}
