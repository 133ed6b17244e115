package md.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.engine.cli.Main;

/**
 * thermo.csv's pressure_bar for periodic systems, against two independent programs: the virial part
 * against LAMMPS' compute pressure (lammps/reference, zero velocities), the whole pressure with the
 * kinetic term against ASE's stress with include_ideal_gas (resources/pressure, written by ASE 3.22.1's
 * make_reference.py). With output.pressure_tensor the six components pxx_bar … pxy_bar (and trajectory.h5's
 * pressure_tensor) against LAMMPS' compute pressure, virial and kinetic parts (Σ m v v) separately, of a
 * moving Ar/Kr crystal in a triclinic cell (lammps/reference/arkr_tri_moving.thermo, run_reference.sh).
 * A molecule in open space has no volume and no pressure column.
 */
class PressureTest {
    @TempDir Path dir;

    /** LAMMPS' metal-units conversion, bar per eV/Å³ (update.cpp), an older value than md's exact e·10²⁵. */
    static final double LAMMPS_NKTV2P = 1.6021765e6;

    static Path repo() {
        String root = System.getProperty("md.repo.root", "..");
        return Path.of(root).toAbsolutePath().normalize();
    }

    /** LAMMPS' metal-units mvv2e (update.cpp), eV per amu Å²/ps², an older value than md's. */
    static final double LAMMPS_MVV2E = 1.0364269e-4;

    private Map<String, double[]> run(String structure, String forcefield) throws IOException {
        return run(structure, forcefield, "");
    }

    private Map<String, double[]> run(String structure, String forcefield, String outputExtra) throws IOException {
        Path input = dir.resolve("in.yaml");
        Files.writeString(input, """
                structure: {file: '%s'}
                forcefield: %s
                dynamics: {integrator: velocity-verlet, timestep_fs: 1, steps: 1}
                output: {directory: out, trajectory: {every: 0}, thermo: {every: 1}, checkpoint: {every: 0}%s}
                """.formatted(structure, forcefield, outputExtra));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"run", "--quiet", input.toString()}, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        List<String> lines = Files.readAllLines(dir.resolve("out/thermo.csv"));
        String[] header = lines.get(0).split(",");
        Map<String, double[]> columns = new HashMap<>();
        for (int c = 0; c < header.length; c++) {
            double[] v = new double[lines.size() - 1];
            for (int r = 1; r < lines.size(); r++) v[r - 1] = Double.parseDouble(lines.get(r).split(",")[c]);
            columns.put(header[c], v);
        }
        return columns;
    }

    private static Map<String, Double> keyValues(Path file) throws IOException {
        Map<String, Double> m = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] t = line.trim().split("\\s+");
            m.put(t[0], Double.parseDouble(t[1]));
        }
        return m;
    }

    @Test
    void virialPressureAtRestMatchesLammps() throws IOException {
        Path lammps = repo().resolve("lammps");
        Map<String, Double> ref = keyValues(lammps.resolve("reference/argon_smooth.thermo"));
        // lj/smooth/linear = shifted force; the data file has no velocities, so the pressure is the virial's alone
        Map<String, double[]> thermo = run(lammps.resolve("argon_fcc500.data").toString(),
                "{type: lennard-jones, cutoff: 8.5, shift: force, species: {Ar: {epsilon: 0.0104, sigma: 3.40}}}");
        assertEquals(0.0, thermo.get("ekin_eV")[0]);
        double expected = (ref.get("pxx_bar") + ref.get("pyy_bar") + ref.get("pzz_bar")) / 3 / LAMMPS_NKTV2P * md.core.Units.BAR_PER_EV_PER_A3;
        assertEquals(expected, thermo.get("pressure_bar")[0], 1e-8 * Math.abs(expected), "virial pressure vs LAMMPS at step 0");
    }

    @Test
    void pressureWithItsKineticTermMatchesAse() throws IOException {
        Path resources = Path.of("src/test/resources/pressure");
        if (!Files.isDirectory(resources)) resources = repo().resolve("engine/src/test/resources/pressure");
        Map<String, Double> ref = keyValues(resources.resolve("argon108.ase-pressure.txt"));
        // ASE's plain cut (smooth=False) shifts energies only: the forces and virial of shift: energy
        Map<String, double[]> thermo = run(resources.resolve("argon108.extxyz").toAbsolutePath().toString(),
                "{type: lennard-jones, cutoff: 8.5, shift: energy, species: {Ar: {epsilon: 0.010341, sigma: 3.4}}}");
        assertEquals(ref.get("kinetic_energy_eV"), thermo.get("ekin_eV")[0], 1e-12 * ref.get("kinetic_energy_eV"), "the momenta were read as ASE wrote them");
        double p = ref.get("pressure_eV_per_A3") * md.core.Units.BAR_PER_EV_PER_A3;
        assertEquals(p, thermo.get("pressure_bar")[0], 1e-10 * Math.abs(p), "pressure (kinetic + virial) vs ASE at step 0");
        // the kinetic term matters at this scale: without it the pressure is 12% off
        assertTrue(Math.abs(ref.get("virial_pressure_eV_per_A3") * md.core.Units.BAR_PER_EV_PER_A3 - p) > 0.1 * Math.abs(p));
        assertTrue(Double.isFinite(thermo.get("pressure_bar")[1]));
    }

    /** LAMMPS' lj/cut with shift yes on the Ar/Kr mixture (coeffs_arkr.lmp, arithmetic mixing). */
    private static final String ARKR_SHIFTED = "{type: lennard-jones, cutoff: 8.5, shift: energy, "
            + "species: {Ar: {epsilon: 0.0104, sigma: 3.40}, Kr: {epsilon: 0.0140, sigma: 3.65}}}";

    @Test
    void pressureTensorWithItsKineticPartMatchesLammps() throws IOException {
        Path lammps = repo().resolve("lammps");
        Map<String, Double> ref = keyValues(lammps.resolve("reference/arkr_tri_moving.thermo"));
        Map<String, double[]> thermo = run(lammps.resolve("arkr_triclinic256_moving.data").toString(), ARKR_SHIFTED, ", pressure_tensor: true");
        List<String> header = List.of(Files.readAllLines(dir.resolve("out/thermo.csv")).get(0).split(","));
        assertEquals(List.of("pressure_bar", "pxx_bar", "pyy_bar", "pzz_bar", "pyz_bar", "pxz_bar", "pxy_bar", "steps_per_s"),
                header.subList(header.indexOf("pressure_bar"), header.indexOf("steps_per_s") + 1), "Voigt order, steps_per_s last of the fixed columns");
        double kinetic = 0, trace = 0;
        for (String c : List.of("xx", "yy", "zz", "yz", "xz", "xy")) {
            // LAMMPS' two parts in md's units: its virial part over its nktv2p, its kinetic part over mvv2e·nktv2p
            double virial = ref.get("p" + c + "_bar") / LAMMPS_NKTV2P * md.core.Units.BAR_PER_EV_PER_A3;
            double ke = ref.get("ke_p" + c + "_bar") / (LAMMPS_MVV2E * LAMMPS_NKTV2P)
                    * md.core.Units.AMU_ANGSTROM2_PER_FS2_TO_EV * 1e-6 * md.core.Units.BAR_PER_EV_PER_A3; // (Å/ps)² = 1e-6 (Å/fs)²
            double expected = virial + ke;
            assertEquals(expected, thermo.get("p" + c + "_bar")[0], 1e-8 * Math.abs(expected), "p" + c + " vs LAMMPS at step 0");
            kinetic = Math.max(kinetic, Math.abs(ke / expected));
            if (c.charAt(0) == c.charAt(1)) trace += thermo.get("p" + c + "_bar")[0] / 3;
        }
        assertTrue(kinetic > 0.1, "the kinetic part should matter in this test (largest share " + kinetic + ")");
        assertEquals(thermo.get("pressure_bar")[0], trace, 1e-12 * Math.abs(trace), "pressure_bar is a third of the trace");
        for (String c : ThermoLog.PRESSURE_TENSOR) assertTrue(Double.isFinite(thermo.get(c)[1]), c + " after one step");
    }

    @Test
    void pressureTensorIsOptInAndRefusedWithoutAVolume() throws IOException {
        Path lammps = repo().resolve("lammps");
        Map<String, double[]> thermo = run(lammps.resolve("arkr_triclinic256_moving.data").toString(), ARKR_SHIFTED);
        assertTrue(thermo.containsKey("pressure_bar"));
        assertFalse(thermo.containsKey("pxx_bar"), "no tensor columns unless output.pressure_tensor is true");

        Path dimer = dir.resolve("dimer.xyz");
        Files.writeString(dimer, "2\n\nAr 0 0 0\nAr 3.8 0 0\n");
        Path input = dir.resolve("in.yaml");
        Files.writeString(input, """
                structure: {file: '%s'}
                forcefield: {type: lennard-jones, cutoff: 8.5, species: {Ar: {epsilon: 0.0104, sigma: 3.4}}}
                dynamics: {integrator: velocity-verlet, timestep_fs: 1, steps: 1}
                output: {directory: out2, pressure_tensor: true}
                """.formatted(dimer));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"run", "--quiet", input.toString()}, new PrintStream(err, true, StandardCharsets.UTF_8));
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, message);
        assertTrue(message.contains("pressure_tensor") && message.contains("in.yaml") && message.contains("periodic in all three directions"), message);
        assertFalse(message.contains("Exception"), message);
    }

    @Test
    void aMoleculeInOpenSpaceHasNoPressureColumn() throws IOException {
        Path dimer = dir.resolve("dimer.xyz");
        Files.writeString(dimer, "2\n\nAr 0 0 0\nAr 3.8 0 0\n");
        Map<String, double[]> thermo = run(dimer.toString(), "{type: lennard-jones, cutoff: 8.5, species: {Ar: {epsilon: 0.0104, sigma: 3.4}}}");
        assertTrue(thermo.containsKey("temperature_K"));
        assertFalse(thermo.containsKey("pressure_bar"));
    }
}
