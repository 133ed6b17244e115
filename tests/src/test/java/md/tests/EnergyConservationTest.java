package md.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NVE with the shifted-force Lennard-Jones liquid: the total energy shows no systematic drift, and its
 * fluctuations shrink about 4× when the timestep halves (Velocity Verlet is second order). The liquid
 * is first melted from an fcc lattice; production runs start from that run's checkpoint.
 */
class EnergyConservationTest {
    @TempDir Path dir;

    private static final String FF = Inputs.ARGON_FORCEFIELD;

    /** Equilibrates, then runs {@code durationFs} at each timestep; returns {fluctuation σ, drift over the run} per timestep, eV. */
    private double[][] measure(String structure, long equilibrationSteps, double durationFs, double... timestepsFs) throws IOException {
        Path eq = Cli.write(dir.resolve("eq.yaml"), structure + FF + """
                velocities: {temperature_K: 180, seed: 5}
                dynamics: {integrator: velocity-verlet, timestep_fs: 5, steps: %d}
                output: {directory: eq, trajectory: {every: 0}, thermo: {every: 100}, checkpoint: {every: %d}}
                """.formatted(equilibrationSteps, equilibrationSteps));
        Cli.Result r = Cli.run("run", "--quiet", eq.toString());
        assertEquals(0, r.exitCode(), r.err());
        double[][] out = new double[timestepsFs.length][];
        for (int k = 0; k < timestepsFs.length; k++) {
            double dt = timestepsFs[k];
            long steps = Math.round(durationFs / dt), every = Math.round(20 / dt);  // samples every 20 fs at every timestep
            Path p = Cli.write(dir.resolve("nve" + k + ".yaml"), "structure: {file: eq/checkpoint.mdchk}\n" + FF + """
                    dynamics: {integrator: velocity-verlet, timestep_fs: %s, steps: %d}
                    output: {directory: nve%d, trajectory: {every: 0}, thermo: {every: %d}, checkpoint: {every: 0}}
                    """.formatted(dt, steps, k, every));
            r = Cli.run("run", "--quiet", p.toString());
            assertEquals(0, r.exitCode(), r.err());
            Thermo thermo = Thermo.read(dir.resolve("nve" + k + "/thermo.csv"));
            out[k] = fluctuationAndDrift(thermo.column("time_ps"), thermo.column("etot_eV"));
        }
        return out;
    }

    /** Standard deviation of E about its least-squares line, and the line's rise over the run. */
    static double[] fluctuationAndDrift(double[] t, double[] e) {
        int n = t.length;
        double mt = 0, me = 0;
        for (int i = 0; i < n; i++) { mt += t[i] / n; me += e[i] / n; }
        double stt = 0, ste = 0;
        for (int i = 0; i < n; i++) { stt += (t[i] - mt) * (t[i] - mt); ste += (t[i] - mt) * (e[i] - me); }
        double slope = ste / stt, ss = 0;
        for (int i = 0; i < n; i++) { double d = e[i] - me - slope * (t[i] - mt); ss += d * d; }
        return new double[] {Math.sqrt(ss / (n - 2)), slope * (t[n - 1] - t[0])};
    }

    private static void assertSecondOrderWithoutDrift(double[][] m, double... timesteps) {
        for (int k = 0; k < m.length; k++) {
            System.out.printf("NVE shifted-force LJ: dt = %s fs, sigma(Etot) = %.4g eV, drift = %.3g eV%n", timesteps[k], m[k][0], m[k][1]);
            String at = "dt = " + timesteps[k] + " fs: σ(E) = " + m[k][0] + " eV, drift = " + m[k][1] + " eV";
            assertTrue(Math.abs(m[k][1]) < 0.3 * m[k][0], "no systematic drift beyond the fluctuations, " + at);
            if (k > 0) {
                double ratio = m[k - 1][0] / m[k][0];
                assertTrue(ratio > 3.2 && ratio < 5.0, "fluctuation ratio " + ratio + " for halving the timestep (expected ≈ 4), " + at);
            }
        }
    }

    @Test
    void secondOrderAndNoDriftFor108Atoms() throws IOException {
        String structure = "structure: {lattice: fcc, element: Ar, a_A: 5.78, repeat: [3, 3, 3]}\n";
        double[][] m = measure(structure, 1000, 4000, 10, 5);
        assertSecondOrderWithoutDrift(m, 10, 5);
    }

    /** The shipped example's 500-atom liquid, 20 ps at 10, 5 and 2.5 fs after 20 ps of melting. */
    @Test
    @Tag("slow")
    void secondOrderAndNoDriftForTheArgonExample() throws IOException {
        String example = Files.readString(Cli.inputs().resolve("argon-nve.yaml"));
        String structure = example.substring(example.indexOf("structure:"), example.indexOf("forcefield:"));
        double[][] m = measure(structure, 4000, 20000, 10, 5, 2.5);
        assertSecondOrderWithoutDrift(m, 10, 5, 2.5);
    }
}
