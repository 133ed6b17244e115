package md.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import md.core.Cell;
import md.core.Elements;
import md.core.Units;
import md.core.io.Json;
import md.engine.system.Frame;

/**
 * A reference file written by our extxyz writer ({@code written-by-md.extxyz}) and what ASE 3.22.1 read
 * from it ({@code written-by-md.ase.json}, made by {@code scripts/reference/ase_reads_md_extxyz.py}). The
 * expected values on ASE's side come from ASE, not from this code: velocities, kinetic energy and
 * temperature are what {@code atoms.get_velocities()}, {@code get_kinetic_energy()} and
 * {@code get_temperature()} returned, and the mass table is {@code ase.data.atomic_masses}.
 *
 * <p>The first test pins the committed file to what the writer writes today, so ASE's reading of it
 * speaks for the current writer. After a deliberate change of the format: regenerate both files with
 * {@code ./run-tests -pl engine -am -Dmd.each.module -Dtest=AseReadsOurExtxyzTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dmd.regenerateReference=true} (it writes into the engine module's folder) and then
 * {@code /usr/bin/python3 scripts/reference/ase_reads_md_extxyz.py}.
 */
class AseReadsOurExtxyzTest {
    private static final String FILE = "written-by-md.extxyz", ASE_READING = "written-by-md.ase.json";

    /** Two frames with four elements: a periodic triclinic cell (water, methane's C, argon) and an isolated CO. */
    static List<Frame> frames() {
        Map<String, Object> info0 = new LinkedHashMap<>();
        info0.put("step", 100L);
        info0.put("time_fs", 50.0);
        Frame a = new Frame(new int[] {8, 1, 1, 6, 18},
                new double[] {1.0, 1.2, 0.9, 1.76, 1.2, 1.48, 0.24, 1.2, 1.48, 5.5, 4.25, 3.0, 8.125, 2.5, 7.75},
                new Cell(new double[] {10.0, 0, 0, 1.5, 9.5, 0, -0.5, 0.75, 11.0}, new boolean[] {true, true, true}),
                -12.345678901234567,
                new double[] {0.5, -0.25, 1.0e-3, -0.3, 0.125, 0.0, -0.2, 0.125, -1.0e-3, 2.0e-6, -3.5, 0.75, 0.01, 0.02, -0.03},
                new double[] {0.0012, -0.0034, 0.0056, 0.0234, 0.0111, -0.0187, -0.0301, 0.0072, 0.0159, 0.0041, -0.0063, 0.0019, -0.0025, 0.0031, -0.0007},
                info0);
        Map<String, Object> info1 = new LinkedHashMap<>();
        info1.put("step", 200L);
        info1.put("time_fs", 100.0);
        Frame b = new Frame(new int[] {6, 8}, new double[] {0, 0, 0, 0, 0, 1.128}, Cell.NONE, -0.5,
                new double[] {0, 0, 1.5, 0, 0, -1.5}, new double[] {0.001, 0.002, 0.0125, -0.00075, -0.0015, -0.009375}, info1);
        return List.of(a, b);
    }

    @Test void committedFileIsWhatTheWriterWritesByDefault() throws IOException {
        Path tmp = Files.createTempFile("written-by-md", ".extxyz");
        try {
            ExtxyzWriter.writeAll(tmp, frames());
            String written = Files.readString(tmp);
            if (Boolean.getBoolean("md.regenerateReference"))
                Files.writeString(Path.of("src/test/resources/md/engine/io/" + FILE), written);
            assertEquals(Files.readString(ExtxyzTest.resource(FILE)), written,
                    "the writer's output changed: regenerate " + FILE + " and ASE's reading of it (see this class's comment)");
            assertTrue(written.contains("Properties=species:S:1:pos:R:3:momenta:R:3:forces:R:3 "), written);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> aseFrames() throws IOException {
        Map<String, Object> root = (Map<String, Object>) Json.parse(Files.readString(ExtxyzTest.resource(ASE_READING)));
        return (List<Map<String, Object>>) root.get("frames");
    }

    @SuppressWarnings("unchecked")
    private static double[] flat(Object nested) {
        List<Object> rows = (List<Object>) nested;
        int width = rows.get(0) instanceof List<?> l ? l.size() : 1;
        double[] out = new double[rows.size() * width];
        for (int i = 0; i < rows.size(); i++) {
            if (width == 1) { out[i] = ((Number) rows.get(i)).doubleValue(); continue; }
            List<Object> r = (List<Object>) rows.get(i);
            for (int c = 0; c < width; c++) out[i * width + c] = ((Number) r.get(c)).doubleValue();
        }
        return out;
    }

    private static double kineticEnergyEv(Frame f) {
        double twice = 0;
        for (int i = 0; i < f.size(); i++) {
            double m = Elements.massAmu(f.atomicNumbers()[i]);
            for (int c = 0; c < 3; c++) twice += m * f.velocities()[3 * i + c] * f.velocities()[3 * i + c];
        }
        return 0.5 * twice * Units.AMU_ANGSTROM2_PER_FS2_TO_EV;
    }

    @Test void aseReadsOurVelocitiesKineticEnergyAndTemperature() throws IOException {
        List<Frame> ours = frames();
        List<Map<String, Object>> ase = aseFrames();
        assertEquals(ours.size(), ase.size());
        for (int k = 0; k < ours.size(); k++) {
            Frame f = ours.get(k);
            Map<String, Object> a = ase.get(k);
            assertArrayEquals(f.positions(), flat(a.get("positions")), "positions, frame " + k);
            assertArrayEquals(f.forces(), flat(a.get("forces")), "forces (ASE's calculator), frame " + k);
            assertEquals(f.energyEv(), ((Number) a.get("energy")).doubleValue(), "energy, frame " + k);
            assertEquals(f.info().get("step"), a.get("step"));
            assertArrayEquals(f.cell().vectors(), flat(a.get("cell")), "cell, frame " + k);
            // ASE 3.22's fs (CODATA 2014) differs from ours (CODATA 2018) by 3.9e-9 relative
            double[] v = flat(a.get("velocities_A_per_fs"));
            for (int i = 0; i < v.length; i++)
                assertEquals(f.velocities()[i], v[i], 1e-8 * Math.abs(f.velocities()[i]), "velocity " + i + ", frame " + k);
            // p²/2m is eV in ASE's unit system whatever CODATA it uses: the kinetic energy is ours to rounding
            double ekin = kineticEnergyEv(f), aseEkin = ((Number) a.get("kinetic_energy_eV")).doubleValue();
            assertEquals(ekin, aseEkin, 1e-14 * ekin, "kinetic energy, frame " + k);
            // ASE: T = 2 Ekin / (3N kB); its kB (CODATA 2014) is 3.4e-7 relative below ours
            double t = 2 * ekin / (3 * f.size() * Units.KB_EV_PER_K), aseT = ((Number) a.get("temperature_K")).doubleValue();
            assertEquals(t, aseT, 1e-6 * t, "temperature, frame " + k);
            assertTrue(t > 100, "a real temperature, not ASE's 0 K of an unread velocity column: " + t);
        }
    }

    @Test void ourMassesAreAsesTable() throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) Json.parse(Files.readString(ExtxyzTest.resource(ASE_READING)));
        double[] aseMasses = flat(root.get("ase_atomic_masses_H_to_Xe"));
        assertEquals(Elements.maxAtomicNumber(), aseMasses.length);
        for (int z = 1; z <= Elements.maxAtomicNumber(); z++)
            assertEquals(aseMasses[z - 1], Elements.massAmu(z), Elements.symbol(z) + ": ASE's mass, used for momenta without a masses column");
        // and so ASE took no other masses for the atoms of the file
        for (int k = 0; k < frames().size(); k++) {
            Frame f = frames().get(k);
            double[] m = flat(aseFrames().get(k).get("masses"));
            for (int i = 0; i < f.size(); i++) assertEquals(Elements.massAmu(f.atomicNumbers()[i]), m[i]);
        }
    }

    @Test void ourReaderGetsTheVelocitiesBack() {
        List<Frame> back = ExtxyzReader.readAll(ExtxyzTest.resource(FILE));
        for (int k = 0; k < back.size(); k++) {
            double[] v = frames().get(k).velocities(), w = back.get(k).velocities();
            for (int i = 0; i < v.length; i++) assertEquals(v[i], w[i], 4 * Math.ulp(v[i]), "velocity " + i + ", frame " + k);
        }
    }
}
