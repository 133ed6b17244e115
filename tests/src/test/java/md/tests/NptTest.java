package md.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dynamics.barostat} through {@code md run}: thermo.csv's cell columns and the trajectory's
 * Lattice follow the cell; a C-rescale run resumes bit for bit; the C-rescale effective energy
 * ({@code conserved_eV}) stays as flat as the plain NVE energy of the same liquid at the same timestep;
 * bad barostat input gets one clear paragraph. The ensemble itself is checked in {@link NptEnsembleTest}.
 */
class NptTest {
    @TempDir Path dir;

    /** 256 argon atoms (4×4×4 fcc), liquid at 120 K and 1150 bar: box ≈ 23 Å, well above twice the 8.5 Å cutoff. */
    static final String ARGON_256 = """
            structure: {lattice: fcc, element: Ar, a_A: 5.75, repeat: 4}
            """ + Inputs.ARGON_FORCEFIELD;

    private static Path input(Path folder, String dynamics, String output) throws IOException {
        return Cli.write(folder.resolve("input.yaml"), ARGON_256 + "velocities: {temperature_K: 120, seed: 3}\ndynamics:\n" + dynamics
                + "output:\n" + output);
    }

    private static String anisotropic(long steps) {
        return """
                  integrator: nose-hoover-chain
                  timestep_fs: 5
                  steps: %d
                  temperature_K: 120
                  tau_fs: 500
                  barostat: {type: c-rescale, pressure_bar: 1150, tau_fs: 200, compressibility_per_bar: 1.4e-4, coupling: anisotropic, every: 3, seed: 4}
                """.formatted(steps);
    }

    private static final String OUTPUT = """
              directory: out
              trajectory: {every: 10, formats: [extxyz, h5]}
              thermo: {every: 5}
              checkpoint: {every: 50}
            """;

    @Test
    void anisotropicCRescaleWritesTheCellAndResumesBitIdentically() throws IOException {
        Path whole = dir.resolve("whole"), split = dir.resolve("split");
        Cli.Result r = Cli.run("run", "--quiet", input(whole, anisotropic(200), OUTPUT).toString());
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(0, Cli.run("run", "--quiet", input(split, anisotropic(120), OUTPUT).toString()).exitCode());
        Cli.Result resumed = Cli.run("run", "--quiet", "--resume", input(split, anisotropic(200), OUTPUT).toString());
        assertEquals(0, resumed.exitCode(), resumed.err());
        ResumeTest.assertSameOutputs(whole.resolve("out"), split.resolve("out"));

        Thermo t = Thermo.read(whole.resolve("out/thermo.csv"));
        assertEquals(List.of("step", "time_ps", "epot_eV", "ekin_eV", "etot_eV", "temperature_K", "conserved_eV", "pressure_bar",
                "volume_A3", "cell_x_A", "cell_y_A", "cell_z_A", "steps_per_s"), t.header());
        double[] v = t.column("volume_A3"), lx = t.column("cell_x_A"), ly = t.column("cell_y_A"), lz = t.column("cell_z_A"), step = t.column("step");
        assertEquals(23.0 * 23.0 * 23.0, v[0], 1e-9);
        for (int i = 0; i < v.length; i++) assertEquals(lx[i] * ly[i] * lz[i], v[i], 1e-9 * v[i]);
        int last = v.length - 1;
        assertTrue(Math.abs(v[last] / v[0] - 1) > 1e-3, "the volume changed: " + v[0] + " → " + v[last]);
        assertTrue(Math.abs(lx[last] - ly[last]) > 1e-6 && Math.abs(ly[last] - lz[last]) > 1e-6, "the axes moved independently");

        // every trajectory frame's Lattice is the cell thermo.csv reports at that step (written independently of the lattice)
        Matcher m = Pattern.compile("Lattice=\"(\\S+) 0\\.0 0\\.0 0\\.0 (\\S+) 0\\.0 0\\.0 0\\.0 (\\S+)\".*? step=(\\d+)")
                .matcher(Files.readString(whole.resolve("out/trajectory.extxyz")));
        int frames = 0;
        while (m.find()) {
            long s = Long.parseLong(m.group(4));
            int row = -1;
            for (int i = 0; i < step.length; i++) if (step[i] == s) row = i;
            assertTrue(row >= 0, "step " + s + " in thermo.csv");
            assertEquals(lx[row], Double.parseDouble(m.group(1)), 0.0, "a at step " + s);
            assertEquals(ly[row], Double.parseDouble(m.group(2)), 0.0, "b at step " + s);
            assertEquals(lz[row], Double.parseDouble(m.group(3)), 0.0, "c at step " + s);
            frames++;
        }
        assertEquals(21, frames);
    }

    /**
     * The effective energy of C-rescale with a Nosé–Hoover chain (E + P₀V + chain energy − barostat work)
     * against the energy of plain NVE, both from the same equilibrated liquid at the same 5 fs step: its
     * drift over 20 ps and its wobble must be of the size of NVE's wobble, not of the energies exchanged
     * (the barostat's work and the chain's energy vary by thousands of times more). A Langevin bath would
     * add its own drift (BAOAB's heat bookkeeping drifts by about 1e-4 eV over such a run without any
     * barostat), so the chain is used here.
     */
    @Test
    void cRescaleEffectiveEnergyIsConservedLikeNveEnergy() throws IOException {
        String out = "  directory: out\n  trajectory: {every: 1000, formats: [extxyz]}\n  thermo: {every: 10}\n  checkpoint: {every: 0}\n";
        String npt = """
                  integrator: nose-hoover-chain
                  timestep_fs: 5
                  steps: %d
                  temperature_K: 120
                  tau_fs: 500
                  barostat: {type: c-rescale, pressure_bar: 1150, tau_fs: 1000, compressibility_per_bar: 1.4e-4}
                """;
        Path eq = dir.resolve("equilibrate");
        // melt the lattice at constant volume (at 1150 bar the barostat would first compress it into a superheated
        // crystal that melts later) and settle the temperature, so that the runs compared start in equilibrium
        String melt = "  integrator: langevin\n  timestep_fs: 5\n  steps: 4000\n  temperature_K: 120\n  friction_per_ps: 5\n";
        assertEquals(0, Cli.run("run", "--quiet", input(eq, melt, out).toString()).exitCode());
        String lastFrame = "structure: {file: " + eq.resolve("out/trajectory.extxyz") + ", frame: 4}\n" + Inputs.ARGON_FORCEFIELD;

        Path nve = dir.resolve("nve"), nptDir = dir.resolve("npt");
        Cli.write(nve.resolve("input.yaml"), lastFrame + "dynamics: {integrator: velocity-verlet, timestep_fs: 5, steps: 4000}\noutput:\n" + out);
        Cli.write(nptDir.resolve("input.yaml"), lastFrame + "dynamics:\n" + npt.formatted(4000) + "output:\n" + out);
        for (Path p : List.of(nve, nptDir)) {
            Cli.Result r = Cli.run("run", "--quiet", p.resolve("input.yaml").toString());
            assertEquals(0, r.exitCode(), r.err());
        }
        Thermo a = Thermo.read(nve.resolve("out/thermo.csv")), b = Thermo.read(nptDir.resolve("out/thermo.csv"));
        double[] nveStats = driftAndWobble(a.column("time_ps"), a.column("conserved_eV"));
        double[] nptStats = driftAndWobble(b.column("time_ps"), b.column("conserved_eV"));
        double[] v = b.column("volume_A3"), etot = b.column("etot_eV");
        double pdvRange = (max(v) - min(v)) * 1150 / 1.602176634e6, etotRange = max(etot) - min(etot); // P₀ΔV in eV
        String report = String.format("NVE drift %.2e eV, wobble %.2e eV; C-rescale drift %.2e eV, wobble %.2e eV; E range %.3f eV, P0·ΔV range %.3f eV",
                nveStats[0], nveStats[1], nptStats[0], nptStats[1], etotRange, pdvRange);
        System.out.println("NptTest: " + report);
        assertTrue(etotRange > 0.2 && pdvRange > 0.05, "the baths exchange energy: " + report);
        assertTrue(Math.abs(nptStats[0]) < 3 * Math.abs(nveStats[0]) + 3 * nveStats[1], report);
        assertTrue(nptStats[1] < 3 * nveStats[1], report);
        assertTrue(Math.abs(nptStats[0]) < 0.01 * etotRange && nptStats[1] < 0.003 * etotRange, report);
    }

    /** Drift (slope × duration of a straight-line fit, eV) and wobble (standard deviation about it, eV). */
    static double[] driftAndWobble(double[] t, double[] e) {
        int n = t.length;
        double mt = 0, me = 0;
        for (int i = 0; i < n; i++) { mt += t[i] / n; me += e[i] / n; }
        double sxy = 0, sxx = 0;
        for (int i = 0; i < n; i++) { sxy += (t[i] - mt) * (e[i] - me); sxx += (t[i] - mt) * (t[i] - mt); }
        double slope = sxy / sxx, ss = 0;
        for (int i = 0; i < n; i++) { double r = e[i] - me - slope * (t[i] - mt); ss += r * r; }
        return new double[] {slope * (t[n - 1] - t[0]), Math.sqrt(ss / n)};
    }

    private static double max(double[] x) { double m = Double.NEGATIVE_INFINITY; for (double v : x) m = Math.max(m, v); return m; }
    private static double min(double[] x) { double m = Double.POSITIVE_INFINITY; for (double v : x) m = Math.min(m, v); return m; }

    /**
     * A box the barostat squeezes below twice the cutoff goes on: the neighbour list then holds every image
     * within the cutoff (as for a starting cell that small). Only a collapsed cell (the cutoff reaching more
     * than 1e5 images) stops a run.
     */
    @Test
    void aCellSqueezedBelowTwiceTheCutoffGoesOnWithImages() throws IOException {
        Path file = Cli.write(dir.resolve("squeeze.yaml"), Inputs.ARGON_108 + "velocities: {temperature_K: 120, seed: 3}\n"
                + "dynamics: {integrator: langevin, timestep_fs: 5, steps: 400, temperature_K: 120,\n"
                + "           barostat: {type: berendsen, pressure_bar: 20000, tau_fs: 100, compressibility_per_bar: 1e-4, every: 1}}\n"
                + "output: {directory: out, trajectory: {every: 0}, thermo: {every: 10}, checkpoint: {every: 0}}\n");
        Cli.Result r = Cli.run("run", "--quiet", file.toString());
        assertEquals(0, r.exitCode(), r.err());
        double[] volume = Thermo.read(dir.resolve("out/thermo.csv")).column("volume_A3");
        double narrowest = Math.cbrt(min(volume)); // a cubic box: its width is V^(1/3)
        assertTrue(narrowest < 2 * 8.5, "the box should have been squeezed below twice the cutoff, narrowest " + narrowest);
        for (double p : Thermo.read(dir.resolve("out/thermo.csv")).column("pressure_bar")) assertTrue(Double.isFinite(p));
    }

    // ------------------------------------------------------------------ bad input

    private String fails(String yaml) throws IOException {
        Path file = Cli.write(dir.resolve("bad.yaml"), yaml);
        Cli.Result r = Cli.run("run", "--quiet", file.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("md run: "), r.err());
        assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
        assertTrue(r.message().contains(file.toString()), "names the file: " + r.message());
        return r.message();
    }

    private static String argon(String barostat) {
        return ARGON_256 + "dynamics:\n  integrator: langevin\n  timestep_fs: 5\n  steps: 10\n  temperature_K: 120\n  barostat: " + barostat
                + "\noutput: {directory: out}\n";
    }

    @Test
    void badBarostatInputIsOneClearParagraph() throws IOException {
        String msg = fails(argon("{type: c-rescale, presure_bar: 1}"));
        assertTrue(msg.contains("presure_bar'") && msg.contains("did you mean 'pressure_bar'?"), msg);

        msg = fails(argon("{type: parrinello-rahman}"));
        assertTrue(msg.contains("c-rescale") && msg.contains("berendsen"), msg);

        msg = fails(argon("{type: c-rescale, coupling: semiisotropic}"));
        assertTrue(msg.contains("isotropic") && msg.contains("anisotropic"), msg);

        msg = fails(argon("{type: c-rescale, tau_fs: -5}"));
        assertTrue(msg.contains("tau_fs"), msg);

        msg = fails(argon("{type: c-rescale, tau_fs: 20, every: 10}"));
        assertTrue(msg.contains("shorter than its step") && msg.contains("at least 50 fs"), msg);

        msg = fails(argon("{type: berendsen, seed: 3}"));
        assertTrue(msg.contains("seed'") && msg.contains("deterministic"), msg);

        msg = fails(argon("c-rescale"));
        assertTrue(msg.contains("expected a mapping"), msg);

        msg = fails(ARGON_256 + "dynamics:\n  integrator: velocity-verlet\n  timestep_fs: 5\n  steps: 10\n  barostat: {type: c-rescale}\noutput: {directory: out}\n");
        assertTrue(msg.contains("needs a thermostat") && msg.contains("berendsen"), msg);
    }

    @Test
    void barostatNeedsAFullyPeriodicOrthorhombicCell() throws IOException {
        Path molecule = Cli.write(dir.resolve("dimer.xyz"), "2\n\nAr 0 0 0\nAr 3.8 0 0\n");
        String msg = fails("structure: {file: " + molecule + "}\n" + Inputs.ARGON_FORCEFIELD
                + "dynamics:\n  integrator: langevin\n  timestep_fs: 5\n  steps: 10\n  temperature_K: 120\n  barostat: {type: berendsen}\noutput: {directory: out}\n");
        assertTrue(msg.contains("not periodic") && msg.contains("barostat"), msg);

        // a slab: periodic in x and y only
        Path slab = Cli.write(dir.resolve("slab.extxyz"), "2\nLattice=\"20 0 0 0 20 0 0 0 20\" pbc=\"T T F\" Properties=species:S:1:pos:R:3\nAr 0 0 0\nAr 3.8 0 0\n");
        msg = fails("structure: {file: " + slab + "}\n" + Inputs.ARGON_FORCEFIELD
                + "dynamics:\n  integrator: langevin\n  timestep_fs: 5\n  steps: 10\n  temperature_K: 120\n  barostat: {type: c-rescale}\noutput: {directory: out}\n");
        assertTrue(msg.contains("periodic only along x, y"), msg);

        Path triclinic = Cli.write(dir.resolve("tri.extxyz"), "2\nLattice=\"20 0 0 5 20 0 0 0 20\" pbc=\"T T T\" Properties=species:S:1:pos:R:3\nAr 0 0 0\nAr 3.8 0 0\n");
        msg = fails("structure: {file: " + triclinic + "}\n" + Inputs.ARGON_FORCEFIELD
                + "dynamics:\n  integrator: langevin\n  timestep_fs: 5\n  steps: 10\n  temperature_K: 120\n  barostat: {type: c-rescale, coupling: anisotropic}\noutput: {directory: out}\n");
        assertTrue(msg.contains("orthorhombic") && msg.contains("coupling'"), msg);
    }
}
