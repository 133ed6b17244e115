package md.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.core.Cell;
import md.core.SharedData;
import md.engine.cli.UserError;
import md.engine.system.Frame;

class ExtxyzTest {
    @TempDir Path dir;

    static Path resource(String name) {
        try {
            return Path.of(ExtxyzTest.class.getResource("/md/engine/io/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Frame randomFrame(Random rng, Cell cell, boolean labels) {
        int n = 5 + rng.nextInt(5);
        int[] z = new int[n];
        double[] x = new double[3 * n], f = new double[3 * n], v = new double[3 * n];
        for (int i = 0; i < n; i++) z[i] = new int[] {1, 6, 8, 18, 54}[rng.nextInt(5)];
        for (int k = 0; k < 3 * n; k++) { x[k] = 20 * rng.nextGaussian(); f[k] = rng.nextGaussian() * Math.pow(10, rng.nextInt(9) - 6); v[k] = 0.01 * rng.nextGaussian(); }
        Map<String, Object> info = new LinkedHashMap<>();
        if (labels) {
            info.put("step", (long) rng.nextInt(100000));
            info.put("time_fs", rng.nextDouble() * 1e4);
            info.put("label", "liquid argon, run 2");
            info.put("converged", true);
            info.put("temperature_history", new double[] {300.25, 299.5e-3, 1e-300});
        }
        return new Frame(z, x, cell, labels ? -1e4 * rng.nextDouble() : null, labels ? f : null, labels ? v : null, info);
    }

    @Test void roundTripIsBitIdentical() throws IOException {
        Random rng = new Random(1);
        Cell triclinic = new Cell(new double[] {10.1, 0, 0, 3.3, 9.7, 0, -1.1, 2.2, 11.9}, new boolean[] {true, false, true});
        List<Frame> frames = List.of(randomFrame(rng, triclinic, true), randomFrame(rng, Cell.NONE, false), randomFrame(rng, Cell.orthorhombic(5, 6, 7), true));
        Path file = dir.resolve("t.extxyz");
        // the velocities column (Å/fs) keeps velocities bit for bit; momenta are checked below
        ExtxyzWriter.writeAll(file, frames, ExtxyzWriter.VelocityFormat.VELOCITIES_ANGSTROM_PER_FS);
        assertTrue(Files.readString(file).contains("Properties=species:S:1:pos:R:3:velocities:R:3:forces:R:3 "));
        List<Frame> back = ExtxyzReader.readAll(file);
        assertEquals(frames.size(), back.size());
        for (int k = 0; k < frames.size(); k++) {
            Frame a = frames.get(k), b = back.get(k);
            assertArrayEquals(a.atomicNumbers(), b.atomicNumbers());
            assertArrayEquals(a.positions(), b.positions());
            assertArrayEquals(a.cell().vectors(), b.cell().vectors());
            assertArrayEquals(a.cell().pbc(), b.cell().pbc());
            assertEquals(a.energyEv(), b.energyEv());
            assertArrayEquals(a.forces(), b.forces());
            assertArrayEquals(a.velocities(), b.velocities());
            assertEquals(a.info().keySet(), b.info().keySet());
            for (String key : a.info().keySet()) {
                Object va = a.info().get(key), vb = b.info().get(key);
                if (va instanceof double[] d) assertArrayEquals(d, (double[]) vb);
                else assertEquals(va, vb, key);
            }
        }
        assertEquals(frames.get(2).positions()[4], ExtxyzReader.readFrame(file, 2).positions()[4]);
        assertArrayEquals(back.get(2).positions(), ExtxyzReader.readFrame(file, -1).positions());
        assertEquals(3, ExtxyzReader.countFrames(file));
    }

    @Test void momentaByDefaultComeBackToWithinUlps() throws IOException {
        Random rng = new Random(2);
        List<Frame> frames = List.of(randomFrame(rng, Cell.orthorhombic(5, 6, 7), true), randomFrame(rng, Cell.NONE, true));
        Path file = dir.resolve("m.extxyz");
        ExtxyzWriter.writeAll(file, frames);
        String text = Files.readString(file);
        assertTrue(text.contains("Properties=species:S:1:pos:R:3:momenta:R:3:forces:R:3 "), text);
        assertFalse(text.contains("velocities"), text);
        List<Frame> back = ExtxyzReader.readAll(file);
        for (int k = 0; k < frames.size(); k++) {
            double[] v = frames.get(k).velocities(), w = back.get(k).velocities();
            for (int i = 0; i < v.length; i++) assertEquals(v[i], w[i], 4 * Math.ulp(v[i]), "frame " + k + " velocity " + i);
            assertArrayEquals(frames.get(k).forces(), back.get(k).forces());
            assertArrayEquals(frames.get(k).positions(), back.get(k).positions());
        }
        // the unit is checked against ASE in AseReadsOurExtxyzTest; here: the momentum of an atom scales with its mass
        Frame one = new Frame(new int[] {1, 18}, new double[] {0, 0, 0, 3, 0, 0}, Cell.NONE, null, null,
                new double[] {0.01, 0, 0, 0.01, 0, 0}, Map.of());
        String[] lines = ExtxyzWriter.format(one, ExtxyzWriter.DEFAULT_VELOCITY_FORMAT).split("\n");
        double pH = Double.parseDouble(lines[2].strip().split("\\s+")[4]), pAr = Double.parseDouble(lines[3].strip().split("\\s+")[4]);
        assertEquals(39.948 / 1.008, pAr / pH, 1e-12);
    }

    @Test void readsTrajectoriesOfEarlierVersions() throws IOException {
        // md before momenta were the default: velocities (Å/fs) after the forces
        Path old = write("old.extxyz", """
                2
                Lattice="9.0 0.0 0.0 0.0 9.0 0.0 0.0 0.0 9.0" Properties=species:S:1:pos:R:3:forces:R:3:velocities:R:3 energy=-0.125 step=10 time_fs=20.0 pbc="T T T"
                Ar 0.0 0.0 0.0 0.5 0.0 -0.5 0.0025 -0.001 0.0
                Ar 3.5 0.0 0.0 -0.5 0.0 0.5 -0.0025 0.001 0.0
                """);
        Frame f = ExtxyzReader.readAll(old).get(0);
        assertArrayEquals(new double[] {0.5, 0.0, -0.5, -0.5, 0.0, 0.5}, f.forces());
        assertArrayEquals(new double[] {0.0025, -0.001, 0.0, -0.0025, 0.001, 0.0}, f.velocities());
        assertEquals(ExtxyzWriter.VelocityFormat.VELOCITIES_ANGSTROM_PER_FS, ExtxyzWriter.velocityFormatOf(old));
    }

    @Test void momentaAreDividedByTheFilesMassesWhenItHasThem() {
        // Written by ASE 3.22.1 (scripts/reference/ase_extxyz_fixture.py) for heavy water: masses column 2.014102 for H
        Frame d = ExtxyzReader.readAll(resource("written-by-ase-masses.extxyz")).get(0);
        double[] v = {0.001, 0.002, -0.003, 0.02, -0.01, 0.005, -0.015, 0.0, 0.025};
        // ASE printed the momenta with 8 decimals: 1e-6 relative
        for (int k = 0; k < 9; k++) assertEquals(v[k], d.velocities()[k], 1e-6 * Math.abs(v[k]) + 1e-12, "velocity " + k);
    }

    @Test void extraColumnsOfOneOrThreeValuesPerAtom() {
        Frame f = new Frame(new int[] {18, 18}, new double[] {0, 0, 0, 3, 0, 0}, Cell.NONE, -1.0, new double[6], null, Map.of());
        String text = ExtxyzWriter.format(f, ExtxyzWriter.DEFAULT_VELOCITY_FORMAT,
                new LinkedHashMap<>(Map.of("ref_forces", new double[] {1, 2, 3, 4, 5, 6})));
        assertTrue(text.contains("Properties=species:S:1:pos:R:3:forces:R:3:ref_forces:R:3 "), text);
        assertTrue(text.split("\n")[3].strip().endsWith("4.0                      5.0                      6.0"), text);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExtxyzWriter.format(f, ExtxyzWriter.DEFAULT_VELOCITY_FORMAT, Map.of("x", new double[4])));
        assertTrue(e.getMessage().contains("has 4 values for 2 atoms; expected 2 or 6"), e.getMessage());
    }

    @Test void readsFilesWrittenByAse() {
        // Written by ASE 3.22.1 (scripts/reference/ase_extxyz_fixture.py); the values below are the ones that script set.
        List<Frame> frames = ExtxyzReader.readAll(resource("written-by-ase.extxyz"));
        assertEquals(2, frames.size());
        Frame a = frames.get(0);
        assertArrayEquals(new int[] {18, 6, 1}, a.atomicNumbers());
        assertArrayEquals(new double[] {0.5, 1.25, -2.0, 3.0, 0.125, 1.5, -1.75, 2.5, 0.0625}, a.positions());
        assertArrayEquals(new double[] {10, 0, 0, 2.5, 9, 0, -1, 1.5, 8}, a.cell().vectors());
        assertArrayEquals(new boolean[] {true, true, false}, a.cell().pbc());
        assertEquals(-12.5, a.energyEv());
        assertArrayEquals(new double[] {0.1, 0.2, 0.3, -0.1, 0.0, 0.05, 0.0, -0.2, -0.35}, a.forces());
        double[] v = {0.01, -0.02, 0.03, 0.0, 0.005, -0.0025, 0.1, 0.0, -0.05};
        for (int k = 0; k < 9; k++) assertEquals(v[k], a.velocities()[k], 1e-6 * Math.abs(v[k]) + 1e-12, "velocity from ASE momenta, component " + k);
        assertEquals(42L, a.info().get("step"));
        assertEquals("hello world", a.info().get("note"));
        assertArrayEquals(new double[] {0.1, 0.2, 0.3}, (double[]) a.info().get("dipole_guess"));
        Frame b = frames.get(1);
        assertFalse(b.cell().isPeriodic());
        assertEquals(-2078.5, b.energyEv());
        assertNull(b.forces());
        assertNull(b.velocities());
    }

    @Test void aseMomentaSurviveOurWriterToo() throws IOException {
        Frame a = ExtxyzReader.readAll(resource("written-by-ase.extxyz")).get(0);
        Path file = dir.resolve("momenta.extxyz");
        try (ExtxyzWriter w = ExtxyzWriter.open(file, false, ExtxyzWriter.VelocityFormat.ASE_MOMENTA, false)) { w.write(a); }
        assertTrue(Files.readString(file).contains("momenta:R:3"));
        double[] v = ExtxyzReader.readAll(file).get(0).velocities();
        for (int k = 0; k < 9; k++) assertEquals(a.velocities()[k], v[k], 1e-15);
    }

    @Test void readsSharedDataSets() {
        Path md17 = SharedData.require("md17/md17_ethanol_sample2000.extxyz");
        assertEquals(2000, ExtxyzReader.countFrames(md17));
        Frame first = ExtxyzReader.readFrame(md17, 0);
        // Values as printed in the file's first frame.
        assertArrayEquals(new int[] {6, 6, 8, 1, 1, 1, 1, 1, 1}, first.atomicNumbers());
        assertEquals(0.32528930, first.positions()[0]);
        assertEquals(33.37017128, first.forces()[2]);
        assertEquals(-97195.01189948035, first.energyEv());  // the file stores kcal/mol; the reader does not guess units
        assertFalse(first.cell().isPeriodic());

        Path acac = SharedData.require("botnet/acac/test_H_transfer.xyz");
        Frame h = ExtxyzReader.readFrame(acac, 0);
        assertEquals(15, h.size());
        assertEquals(50.0, h.cell().vector(2, 2));
        assertFalse(h.cell().isPeriodic(), "pbc=\"F F F\" with a Lattice is a non-periodic cell");
        assertEquals("H_transfer", h.info().get("config_type"));
        assertNull(h.forces());

        Path water = SharedData.require("ani_models/water_quicktest.xyz");
        Frame w = ExtxyzReader.readFrame(water, 0);
        assertArrayEquals(new int[] {8, 1, 1}, w.atomicNumbers());
        assertEquals("Water", w.info().get("comment"));
        assertEquals(-0.70219605, w.positions()[0]);
    }

    @Test void errorsNameFileLineAndExpectation() throws IOException {
        Path missing = dir.resolve("nope.xyz");
        assertTrue(assertThrows(UserError.class, () -> ExtxyzReader.readAll(missing)).getMessage().contains("nope.xyz: no such file"));

        Path badCount = write("bad-count.xyz", "2\nProperties=species:S:1:pos:R:3\nAr 0 0 0\nAr 0 0 3\nthree\n");
        assertMessage(badCount, "bad-count.xyz:5: expected the number of atoms of a frame, found 'three'");

        Path truncated = write("truncated.xyz", "3\n\nAr 0 0 0\nAr 0 0 3\n");
        assertMessage(truncated, "truncated.xyz:5: file ends inside a frame: 2 of 3 atom lines found");

        Path element = write("element.xyz", "2\n\nAr 0 0 0\nQq 0 0 3\n");
        assertMessage(element, "element.xyz:4: unknown element 'Qq'");

        Path number = write("number.xyz", "1\n\nAr 0 zero 0\n");
        assertMessage(number, "number.xyz:3: 'zero' is not a number (position)");

        Path columns = write("columns.xyz", "1\nProperties=species:S:1:pos:R:3:forces:R:3\nAr 0 0 0 1 1\n");
        assertMessage(columns, "columns.xyz:3: atom line has 6 columns, expected 7");

        Path lattice = write("lattice.xyz", "1\nLattice=\"1 0 0 0 1 0\" pbc=\"T T T\"\nAr 0 0 0\n");
        assertMessage(lattice, "lattice.xyz:2: Lattice=\"1 0 0 0 1 0\" has 6 values; expected 9 numbers");

        Path pbc = write("pbc.xyz", "1\npbc=\"T T T\"\nAr 0 0 0\n");
        assertMessage(pbc, "pbc.xyz:2: pbc=\"T T T\" asks for periodic directions but there is no Lattice");

        Path two = write("two.xyz", "1\n\nAr 0 0 0\n1\n\nAr 0 0 1\n");
        UserError e = assertThrows(UserError.class, () -> ExtxyzReader.readFrame(two, 5));
        assertTrue(e.getMessage().contains("frame 5 requested, but the file has only 2 frame(s) (valid: 0..1)"), e.getMessage());
        e = assertThrows(UserError.class, () -> ExtxyzReader.readFrame(two, -3));
        assertTrue(e.getMessage().contains("frame -3 requested, but the file has only 2 frame(s)"), e.getMessage());
        assertEquals(1.0, ExtxyzReader.readFrame(two, -1).positions()[2]);
    }

    @Test void plainXyzWithAtomicNumbersAndExtraColumns() throws IOException {
        Path p = write("plain.xyz", "2\nsome molecule, energy unknown\n6 0 0 0 0.5\n1 0 0 1.09 0.5\n\n");
        Frame f = ExtxyzReader.readAll(p).get(0);
        assertArrayEquals(new int[] {6, 1}, f.atomicNumbers());
        assertEquals(1.09, f.positions()[5]);
        assertEquals("some molecule, energy unknown", f.info().get("comment"));
    }

    @Test void crashLeavesOnlyCompleteFramesAndResumeTruncates() throws IOException {
        Random rng = new Random(3);
        Path file = dir.resolve("traj.extxyz");
        Frame[] f = new Frame[4];
        for (int k = 0; k < 4; k++) f[k] = randomFrame(rng, Cell.orthorhombic(9, 9, 9), true);
        // The writer is never closed, as after a crash: every finished frame is already in the file.
        ExtxyzWriter w = ExtxyzWriter.open(file, false, ExtxyzWriter.VelocityFormat.VELOCITIES_ANGSTROM_PER_FS, false);
        w.write(f[0]);
        w.write(f[1]);
        w.write(f[2]);
        assertEquals(3, ExtxyzReader.readAll(file).size());
        // A torn last frame (crash inside the OS write) is dropped by the truncation used on resume.
        String torn = ExtxyzWriter.format(f[3], ExtxyzWriter.VelocityFormat.VELOCITIES_ANGSTROM_PER_FS);
        Files.writeString(file, torn.substring(0, torn.length() / 2), java.nio.file.StandardOpenOption.APPEND);
        assertEquals(2, ExtxyzWriter.truncateToFrames(file, 2));
        try (ExtxyzWriter resumed = ExtxyzWriter.open(file, true, ExtxyzWriter.VelocityFormat.VELOCITIES_ANGSTROM_PER_FS, true)) {
            resumed.write(f[3]);
        }
        List<Frame> back = ExtxyzReader.readAll(file);
        assertEquals(3, back.size());
        assertArrayEquals(f[1].positions(), back.get(1).positions());
        assertArrayEquals(f[3].positions(), back.get(2).positions());
        w.close();
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private static void assertMessage(Path file, String expected) {
        UserError e = assertThrows(UserError.class, () -> ExtxyzReader.readAll(file));
        assertTrue(e.getMessage().contains(expected), "message was: " + e.getMessage());
    }
}
