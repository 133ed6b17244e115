package md.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coupling: flexible} through {@code md run}, on the 256-atom Lennard-Jones fcc argon crystal
 * (40 K, 800 bar, as NptEnsembleTest's anisotropic check) started in a homogeneously sheared triclinic
 * cell: the shear relaxes away, so the mean off-diagonal cell components and shear stresses are zero and
 * the mean shape cubic; the cell stays in its triangular form; thermo.csv's cell columns match the
 * trajectory's Lattice; a run resumes bit for bit; the effective energy is as flat as NVE's energy. The
 * ensemble (volume fluctuations against the NVT compressibility) is NptEnsembleTest's flexible case,
 * and the exact distribution of the cell's shape FlexibleCellRescalingTest's.
 */
class NptFlexibleTest {
    @TempDir Path dir;

    /** The fcc crystal (4×4×4 cells of 5.33 Å) with a = (L,0,0), b = (0.05L, L, 0), c = (0.03L, −0.03L, L): shear strains of 3–5%. */
    static Path shearedCrystal(Path file) throws IOException {
        double a = 5.33, l = 4 * a;
        double[] h = {l, 0, 0, 0.05 * l, l, 0, 0.03 * l, -0.03 * l, l};
        double[][] basis = {{0, 0, 0}, {.5, .5, 0}, {.5, 0, .5}, {0, .5, .5}};
        StringBuilder sb = new StringBuilder("256\nLattice=\"");
        for (int k = 0; k < 9; k++) sb.append(k > 0 ? " " : "").append(h[k]);
        sb.append("\" pbc=\"T T T\" Properties=species:S:1:pos:R:3\n");
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                for (int k = 0; k < 4; k++)
                    for (double[] b : basis) {
                        double s0 = (i + b[0]) / 4, s1 = (j + b[1]) / 4, s2 = (k + b[2]) / 4;
                        sb.append(String.format(Locale.ROOT, "Ar %.10f %.10f %.10f%n", s0 * h[0] + s1 * h[3] + s2 * h[6],
                                s0 * h[1] + s1 * h[4] + s2 * h[7], s0 * h[2] + s1 * h[5] + s2 * h[8]));
                    }
        return Cli.write(file, sb.toString());
    }

    private Path input(Path folder, String dynamics, String output) throws IOException {
        return Cli.write(folder.resolve("input.yaml"), "structure: {file: " + shearedCrystal(dir.resolve("sheared.extxyz")) + "}\n"
                + Inputs.ARGON_FORCEFIELD + "velocities: {temperature_K: 40, seed: 3}\ndynamics:\n" + dynamics + "output:\n" + output);
    }

    private static double[] after(double[] x, int first) { return java.util.Arrays.copyOfRange(x, first, x.length); }

    /**
     * About 15 s: 4000 steps of 5 fs, Langevin, C-rescale every step with τ = 100 fs. The shear relaxes in
     * about 1 ps; the last 16 ps are averaged.
     */
    @Test
    void shearedCrystalRelaxesToACubicShapeWithoutShearStress() throws IOException {
        String dynamics = """
                  integrator: langevin
                  timestep_fs: 5
                  steps: 4000
                  temperature_K: 40
                  friction_per_ps: 2
                  barostat: {type: c-rescale, pressure_bar: 800, tau_fs: 100, compressibility_per_bar: 4e-5, every: 1, coupling: flexible}
                """;
        String output = "  directory: out\n  trajectory: {every: 0}\n  thermo: {every: 5}\n  checkpoint: {every: 0}\n  pressure_tensor: true\n";
        Cli.Result r = Cli.run("run", "--quiet", input(dir.resolve("relax"), dynamics, output).toString());
        assertEquals(0, r.exitCode(), r.err());
        Thermo t = Thermo.read(dir.resolve("relax/out/thermo.csv"));
        int first = t.rows().length / 5;   // after 4 ps
        StringBuilder report = new StringBuilder();
        // the start is strained: shear stresses of hundreds of bar
        double pxy0 = t.column("pxy_bar")[0];
        assertTrue(Math.abs(pxy0) > 300, "the sheared start has a shear stress: pxy = " + pxy0);
        for (String c : List.of("cell_ay_A", "cell_az_A", "cell_bz_A"))
            for (double v : t.column(c)) assertEquals(0.0, v, 0.0, c + ": the cell stays triangular");
        for (String c : List.of("cell_bx_A", "cell_cx_A", "cell_cy_A")) {
            NptEnsembleTest.Averages a = NptEnsembleTest.averages(after(t.column(c), first), 10);
            report.append(String.format(Locale.ROOT, "%s %.4f ± %.4f (start %.3f); ", c, a.mean(), a.error(), t.column(c)[0]));
            assertEquals(0.0, a.mean(), 4 * a.error() + 0.01, c + ": " + report);
            assertTrue(a.error() < 0.05, "precise enough: " + report);
        }
        for (String c : List.of("pxy_bar", "pxz_bar", "pyz_bar")) {
            NptEnsembleTest.Averages a = NptEnsembleTest.averages(after(t.column(c), first), 10);
            report.append(String.format(Locale.ROOT, "%s %.1f ± %.1f; ", c, a.mean(), a.error()));
            assertEquals(0.0, a.mean(), 4 * a.error() + 5, c + ": " + report);
        }
        NptEnsembleTest.Averages ax = NptEnsembleTest.averages(after(t.column("cell_ax_A"), first), 10),
                by = NptEnsembleTest.averages(after(t.column("cell_by_A"), first), 10),
                cz = NptEnsembleTest.averages(after(t.column("cell_cz_A"), first), 10),
                p = NptEnsembleTest.averages(after(t.column("pressure_bar"), first), 10);
        report.append(String.format(Locale.ROOT, "a_x %.4f ± %.4f, b_y %.4f ± %.4f, c_z %.4f ± %.4f; <P> %.1f ± %.1f bar",
                ax.mean(), ax.error(), by.mean(), by.error(), cz.mean(), cz.error(), p.mean(), p.error()));
        System.out.println("NptFlexibleTest: " + report);
        assertEquals(ax.mean(), by.mean(), 4 * Math.hypot(ax.error(), by.error()) + 0.01, "cubic: " + report);
        assertEquals(by.mean(), cz.mean(), 4 * Math.hypot(by.error(), cz.error()) + 0.01, "cubic: " + report);
        assertEquals(800, p.mean(), 4 * p.error() + 5, report.toString());
    }

    private static String chain(long steps) {
        return """
                  integrator: nose-hoover-chain
                  timestep_fs: 5
                  steps: %d
                  temperature_K: 40
                  tau_fs: 500
                  barostat: {type: c-rescale, pressure_bar: 800, tau_fs: 200, compressibility_per_bar: 4e-5, coupling: flexible, every: 3, seed: 4}
                """.formatted(steps);
    }

    @Test
    void flexibleRunWritesTheCellAndResumesBitIdentically() throws IOException {
        String output = "  directory: out\n  trajectory: {every: 10, formats: [extxyz, h5]}\n  thermo: {every: 5}\n  checkpoint: {every: 50}\n";
        Path whole = dir.resolve("whole"), split = dir.resolve("split");
        Cli.Result r = Cli.run("run", "--quiet", input(whole, chain(200), output).toString());
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(0, Cli.run("run", "--quiet", input(split, chain(120), output).toString()).exitCode());
        Cli.Result resumed = Cli.run("run", "--quiet", "--resume", input(split, chain(200), output).toString());
        assertEquals(0, resumed.exitCode(), resumed.err());
        ResumeTest.assertSameOutputs(whole.resolve("out"), split.resolve("out"));

        Thermo t = Thermo.read(whole.resolve("out/thermo.csv"));
        assertEquals(List.of("step", "time_ps", "epot_eV", "ekin_eV", "etot_eV", "temperature_K", "conserved_eV", "pressure_bar",
                "volume_A3", "cell_ax_A", "cell_ay_A", "cell_az_A", "cell_bx_A", "cell_by_A", "cell_bz_A", "cell_cx_A", "cell_cy_A", "cell_cz_A",
                "steps_per_s"), t.header());
        double[] step = t.column("step"), v = t.column("volume_A3"), bx = t.column("cell_bx_A");
        String[] names = {"cell_ax_A", "cell_ay_A", "cell_az_A", "cell_bx_A", "cell_by_A", "cell_bz_A", "cell_cx_A", "cell_cy_A", "cell_cz_A"};
        double[][] cells = new double[9][];
        for (int k = 0; k < 9; k++) cells[k] = t.column(names[k]);
        for (int i = 0; i < v.length; i++)
            assertEquals(cells[0][i] * cells[4][i] * cells[8][i], v[i], 1e-9 * v[i], "volume of the triangular cell");
        int last = v.length - 1;
        assertTrue(Math.abs(bx[last] - bx[0]) > 1e-3, "the shear changed: b_x " + bx[0] + " → " + bx[last]);

        // every trajectory frame's Lattice is the cell thermo.csv reports at that step
        Matcher m = Pattern.compile("Lattice=\"([^\"]+)\".*? step=(\\d+)").matcher(Files.readString(whole.resolve("out/trajectory.extxyz")));
        int frames = 0;
        while (m.find()) {
            long s = Long.parseLong(m.group(2));
            int row = -1;
            for (int i = 0; i < step.length; i++) if (step[i] == s) row = i;
            assertTrue(row >= 0, "step " + s + " in thermo.csv");
            String[] lattice = m.group(1).trim().split("\\s+");
            for (int k = 0; k < 9; k++) assertEquals(cells[k][row], Double.parseDouble(lattice[k]), 0.0, names[k] + " at step " + s);
            frames++;
        }
        assertEquals(21, frames);
    }

    /**
     * The effective energy with a Nosé–Hoover chain and flexible C-rescale (every 3 steps) against the NVE
     * energy of the same sheared crystal at the same 5 fs step, 15 ps each, fitted after the first 4 ps (a
     * perfect-lattice start settles there: the effective energy rises by about 5e-4 eV with anisotropic
     * coupling from a cubic start just the same). Drift and wobble must be of NVE's size (the crystal's NVE
     * wobble is small, 1.5e-5 eV; the barostat steps add about as much again, as with anisotropic
     * coupling), while E_tot changes by a thousand times more.
     */
    @Test
    void effectiveEnergyIsConservedLikeNveEnergy() throws IOException {
        String output = "  directory: out\n  trajectory: {every: 0}\n  thermo: {every: 10}\n  checkpoint: {every: 0}\n";
        Path nve = dir.resolve("nve"), npt = dir.resolve("npt");
        assertEquals(0, Cli.run("run", "--quiet", input(nve, "  integrator: velocity-verlet\n  timestep_fs: 5\n  steps: 3000\n", output).toString()).exitCode());
        Cli.Result r = Cli.run("run", "--quiet", input(npt, chain(3000), output).toString());
        assertEquals(0, r.exitCode(), r.err());
        Thermo a = Thermo.read(nve.resolve("out/thermo.csv")), b = Thermo.read(npt.resolve("out/thermo.csv"));
        int first = 40;   // rows of 10 steps: 4 ps
        double[] nveStats = NptTest.driftAndWobble(after(a.column("time_ps"), first), after(a.column("conserved_eV"), first));
        double[] nptStats = NptTest.driftAndWobble(after(b.column("time_ps"), first), after(b.column("conserved_eV"), first));
        double[] etot = b.column("etot_eV"), bx = b.column("cell_bx_A");
        double etotRange = range(etot), shearRange = range(bx);
        String report = String.format(Locale.ROOT, "after 4 ps: NVE drift %.2e eV, wobble %.2e eV; flexible C-rescale drift %.2e eV, wobble %.2e eV; "
                + "E range %.3f eV, b_x range %.3f Å", nveStats[0], nveStats[1], nptStats[0], nptStats[1], etotRange, shearRange);
        System.out.println("NptFlexibleTest: " + report);
        assertTrue(etotRange > 0.1 && shearRange > 0.5, "the barostat did work and changed the shape: " + report);
        assertTrue(Math.abs(nptStats[0]) < 3 * Math.abs(nveStats[0]) + 3 * nveStats[1], report);
        assertTrue(nptStats[1] < 4 * nveStats[1], report);
        assertTrue(Math.abs(nptStats[0]) < 1e-4 * etotRange && nptStats[1] < 1e-4 * etotRange, report);
    }

    private static double range(double[] x) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double v : x) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
        return hi - lo;
    }
}
