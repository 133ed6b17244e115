package md.engine.lammps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import md.engine.run.Simulation;
import md.engine.system.Frame;
import md.engine.system.MolecularSystem;
import md.forcefields.Atoms;
import md.forcefields.classical.LennardJones;
import md.integrators.VelocityVerlet;

/**
 * NVE trajectories against LAMMPS (29 Sep 2021, Debian package) in cells narrower than twice the
 * cutoff, where an atom meets several images of a partner and images of itself: a 32-atom argon
 * cube (11.44 Å, cutoff 8.5 Å) and a 32-atom Ar/Kr cell with tilt factors xy, xz, yz and
 * perpendicular widths 9.6 to 11.6 Å. The run loop of {@code md run} ({@link Simulation}: Verlet list
 * with a 1 Å skin, velocity Verlet, 1 fs) runs 1000 steps from the same positions and velocities as
 * LAMMPS' {@code fix nve} (lammps/in.lj_nve_reference, outputs committed in lammps/reference/ by
 * lammps/run_reference.sh); the unwrapped positions after 1 ps agree to 1e-6 Å.
 */
class LjLammpsNveReferenceTest {
    static final double POSITION_TOLERANCE_A = 1e-6;
    /** LAMMPS metal velocities are Å/ps, ours Å/fs. */
    static final double FS_PER_PS = 1000;

    /** One frame of a {@code dump custom id type xu yu zu vx vy vz fx fy fz}: per atom id, the 9 numbers. */
    record DumpFrame(long step, double[][] columns) {}

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "argon_cube32_nve,  argon_fcc32_nve.data",
        "arkr_skewed32_nve, arkr_skewed32_nve.data"})
    void trajectoryAfterOnePicosecondAgreesWithLammps(String name, String dataFile) throws IOException {
        Path dir = LjLammpsReferenceTest.lammpsDir();
        Atoms atoms = LjLammpsReferenceTest.readData(dir.resolve(dataFile));
        double[] v = readVelocities(dir.resolve(dataFile), atoms.size());
        List<DumpFrame> dump = readDump(dir.resolve("reference/" + name + ".dump"));
        assertEquals(2, dump.size(), "the dump holds the first and the last step");
        DumpFrame last = dump.get(1);
        int n = atoms.size();

        double[] w = atoms.cell().perpendicularWidths();
        for (double width : w) assertTrue(width < 2 * 8.5, "the cell must be narrower than twice the cutoff, width " + width);

        LennardJones lj = LennardJones.builder().species(18, 0.0104, 3.40).species(36, 0.0140, 3.65)
                .cutoff(8.5).shift(LennardJones.Shift.ENERGY).build();
        MolecularSystem system = MolecularSystem.fromFrame(new Frame(atoms.atomicNumbers(), atoms.positions(), atoms.cell(), null, null, v, null), name);
        Simulation sim = new Simulation(system, lj, 1.0, new VelocityVerlet(1.0), 3 * n - 3);
        sim.computeInitialForces();

        // step 0: the forces LAMMPS computed from the same positions
        double[][] first = dump.get(0).columns();
        for (int i = 0; i < n; i++)
            for (int c = 0; c < 3; c++) assertEquals(first[i][6 + c], sim.state().forces[3 * i + c], 1e-10, "step-0 force on atom " + i);

        while (sim.state().step < last.step()) sim.step();
        assertEquals(1000.0, sim.state().timeFs, 1e-9);
        assertTrue(sim.neighbors().rebuildCount() > 1, "the run should reuse and rebuild its Verlet list");

        double worst = 0, worstV = 0;
        for (int i = 0; i < n; i++)
            for (int c = 0; c < 3; c++) {
                worst = Math.max(worst, Math.abs(sim.state().positions[3 * i + c] - last.columns()[i][c]));
                worstV = Math.max(worstV, Math.abs(sim.state().velocities[3 * i + c] * FS_PER_PS - last.columns()[i][3 + c]));
            }
        System.out.printf("%s: largest position difference after 1 ps %.3g Å, velocity %.3g Å/ps, %d list builds%n",
                name, worst, worstV, sim.neighbors().rebuildCount());
        assertTrue(worst < POSITION_TOLERANCE_A, "largest position difference vs LAMMPS after 1 ps: " + worst + " Å");
    }

    /** The Velocities section of a LAMMPS data file, in Å/fs, by atom id. */
    static double[] readVelocities(Path file, int n) throws IOException {
        double[] v = new double[3 * n];
        boolean in = false;
        int seen = 0;
        for (String raw : Files.readAllLines(file)) {
            String line = raw.replaceAll("#.*", "").strip();
            if (line.isEmpty()) continue;
            if (line.matches("[A-Za-z].*")) { in = line.equals("Velocities"); continue; }
            if (!in) continue;
            String[] t = line.split("\\s+");
            int i = Integer.parseInt(t[0]) - 1;
            for (int c = 0; c < 3; c++) v[3 * i + c] = Double.parseDouble(t[1 + c]) / FS_PER_PS;
            seen++;
        }
        assertEquals(n, seen, "velocities in " + file);
        return v;
    }

    static List<DumpFrame> readDump(Path file) throws IOException {
        List<DumpFrame> frames = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int k = 0; k < lines.size(); k++) {
            if (!lines.get(k).startsWith("ITEM: TIMESTEP")) continue;
            long step = Long.parseLong(lines.get(k + 1).strip());
            int n = Integer.parseInt(lines.get(k + 3).strip());
            while (!lines.get(k).startsWith("ITEM: ATOMS")) k++;
            double[][] cols = new double[n][];
            for (int a = 1; a <= n; a++) {
                String[] t = lines.get(k + a).strip().split("\\s+");
                double[] row = new double[t.length - 2];
                for (int c = 2; c < t.length; c++) row[c - 2] = Double.parseDouble(t[c]);
                cols[Integer.parseInt(t[0]) - 1] = row;
            }
            frames.add(new DumpFrame(step, cols));
            k += n;
        }
        return frames;
    }
}
