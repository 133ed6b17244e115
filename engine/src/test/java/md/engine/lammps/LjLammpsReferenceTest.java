package md.engine.lammps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import md.core.Cell;
import md.core.Elements;
import md.engine.neighbors.VerletNeighborList;
import md.forcefields.Atoms;
import md.forcefields.classical.LennardJones;

/**
 * Independent check against LAMMPS (29 Sep 2021, Debian package): the same configurations
 * (lammps/*.data) evaluated by LAMMPS {@code pair_style lj/cut} (with and without energy shift) and
 * {@code lj/smooth/linear} (shifted force), reference numbers committed in lammps/reference/ by
 * lammps/run_reference.sh. Energy, every atom's force and the virial agree to 1e-8 relative.
 * Runs without LAMMPS installed.
 */
class LjLammpsReferenceTest {
    /** LAMMPS' conversion for units metal (update.cpp): bar per eV/Å³, an older CODATA value than the exact 1.602176634e6. */
    static final double LAMMPS_METAL_NKTV2P = 1.6021765e6;
    static final double TOLERANCE = 1e-8;

    static Path lammpsDir() {
        String root = System.getProperty("md.repo.root", "..");
        Path p = Path.of(root, "lammps");
        return Files.isDirectory(p) ? p : Path.of("..", "lammps");
    }

    record Configuration(Atoms atoms, List<double[]> referenceForces) {}

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "argon_cut,        argon_fcc500.data,      NONE",
        "argon_smooth,     argon_fcc500.data,      FORCE",
        "arkr_tri_shifted, arkr_triclinic256.data, ENERGY"})
    void energyForcesAndVirialAgreeWithLammps(String name, String dataFile, LennardJones.Shift shift) throws IOException {
        Path dir = lammpsDir();
        Atoms atoms = readData(dir.resolve(dataFile));
        Map<String, Double> thermo = readThermo(dir.resolve("reference/" + name + ".thermo"));
        double[][] refForces = readDumpForces(dir.resolve("reference/" + name + ".dump"), atoms.size());

        LennardJones lj = LennardJones.builder().species(18, 0.0104, 3.40).species(36, 0.0140, 3.65)
                .cutoff(8.5).shift(shift).build();
        VerletNeighborList neighbors = new VerletNeighborList(lj.cutoffAngstrom(), 1.0);
        neighbors.update(atoms);
        double[] f = new double[3 * atoms.size()];
        double[] w = new double[9];
        double energy = lj.compute(atoms, neighbors.list(), f, w);

        double eRef = thermo.get("energy_eV");
        assertEquals(eRef, energy, TOLERANCE * Math.abs(eRef), "energy vs LAMMPS");

        double rms = 0;
        for (double[] r : refForces) rms += r[0] * r[0] + r[1] * r[1] + r[2] * r[2];
        rms = Math.sqrt(rms / refForces.length);
        double worst = 0;
        for (int i = 0; i < atoms.size(); i++) {
            double[] r = refForces[i];
            double dx = f[3 * i] - r[0], dy = f[3 * i + 1] - r[1], dz = f[3 * i + 2] - r[2];
            double scale = Math.max(Math.sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]), 1e-3 * rms);
            worst = Math.max(worst, Math.sqrt(dx * dx + dy * dy + dz * dz) / scale);
        }
        assertTrue(worst < TOLERANCE, "largest relative force difference vs LAMMPS " + worst);

        double volume = thermo.get("volume_A3");
        assertEquals(atoms.cell().volume(), volume, 1e-12 * volume);
        double[] wRef = new double[9];
        String[] keys = {"pxx_bar", "pxy_bar", "pxz_bar", "pxy_bar", "pyy_bar", "pyz_bar", "pxz_bar", "pyz_bar", "pzz_bar"};
        double wMax = 0;
        for (int k = 0; k < 9; k++) { wRef[k] = thermo.get(keys[k]) * volume / LAMMPS_METAL_NKTV2P; wMax = Math.max(wMax, Math.abs(wRef[k])); }
        for (int k = 0; k < 9; k++) assertEquals(wRef[k], w[k], TOLERANCE * wMax, "virial component " + k + " vs LAMMPS");
    }

    /** LAMMPS data file (atom_style atomic), types mapped to elements by their masses. */
    static Atoms readData(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        double[] lo = new double[3], hi = new double[3];
        double xy = 0, xz = 0, yz = 0;
        Map<Integer, Integer> elementOfType = new HashMap<>();
        List<int[]> ids = new ArrayList<>();
        List<double[]> xyz = new ArrayList<>();
        String section = "";
        for (String raw : lines) {
            String line = raw.replaceAll("#.*", "").strip();
            if (line.isEmpty()) continue;
            String[] t = line.split("\\s+");
            if (line.endsWith("xlo xhi")) { lo[0] = Double.parseDouble(t[0]); hi[0] = Double.parseDouble(t[1]); }
            else if (line.endsWith("ylo yhi")) { lo[1] = Double.parseDouble(t[0]); hi[1] = Double.parseDouble(t[1]); }
            else if (line.endsWith("zlo zhi")) { lo[2] = Double.parseDouble(t[0]); hi[2] = Double.parseDouble(t[1]); }
            else if (line.endsWith("xy xz yz")) { xy = Double.parseDouble(t[0]); xz = Double.parseDouble(t[1]); yz = Double.parseDouble(t[2]); }
            else if (line.equals("Masses") || line.equals("Atoms") || line.equals("Velocities")) section = line;
            else if (section.equals("Masses")) {
                double m = Double.parseDouble(t[1]);
                int z = 1;
                while (Elements.massAmu(z) != m) z++;
                elementOfType.put(Integer.parseInt(t[0]), z);
            } else if (section.equals("Atoms")) {
                ids.add(new int[] {Integer.parseInt(t[0]), Integer.parseInt(t[1])});
                xyz.add(new double[] {Double.parseDouble(t[2]), Double.parseDouble(t[3]), Double.parseDouble(t[4])});
            }
        }
        int n = ids.size();
        int[] z = new int[n];
        double[] x = new double[3 * n];
        for (int k = 0; k < n; k++) {
            int i = ids.get(k)[0] - 1;
            z[i] = elementOfType.get(ids.get(k)[1]);
            System.arraycopy(xyz.get(k), 0, x, 3 * i, 3);
        }
        Cell cell = new Cell(new double[] {hi[0] - lo[0], 0, 0, xy, hi[1] - lo[1], 0, xz, yz, hi[2] - lo[2]}, new boolean[] {true, true, true});
        return new Atoms(z, x, cell);
    }

    static Map<String, Double> readThermo(Path file) throws IOException {
        Map<String, Double> out = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            String[] t = line.strip().split("\\s+");
            if (t.length == 2) out.put(t[0], Double.parseDouble(t[1]));
        }
        return out;
    }

    /** Forces by atom id from a {@code dump custom id type x y z fx fy fz} (sorted by id). */
    static double[][] readDumpForces(Path file, int n) throws IOException {
        double[][] f = new double[n][];
        boolean atoms = false;
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("ITEM: ATOMS")) { atoms = true; continue; }
            if (!atoms) continue;
            String[] t = line.strip().split("\\s+");
            f[Integer.parseInt(t[0]) - 1] = new double[] {Double.parseDouble(t[5]), Double.parseDouble(t[6]), Double.parseDouble(t[7])};
        }
        return f;
    }
}
