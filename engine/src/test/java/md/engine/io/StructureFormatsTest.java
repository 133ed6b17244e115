package md.engine.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.engine.cli.Main;
import md.engine.cli.UserError;
import md.engine.system.Frame;

/**
 * POSCAR/CONTCAR, LAMMPS data, PDB and CIF readers against files ASE 3.22 wrote
 * (scripts/reference/make_structure_formats.py writes them, and next to each an extended XYZ of the same
 * Atoms: the independent reference, read by the extxyz reader). Tolerances are the formats' printed
 * precision: 1e-6 Å for POSCAR and LAMMPS (the reference extxyz prints 8 decimals; the cells agree to 1e-12), 1e-3 Å for PDB, 1e-5 fractional for CIF.
 */
class StructureFormatsTest {
    @TempDir Path dir;

    static Path res(String name) {
        try {
            return Path.of(StructureFormatsTest.class.getResource("/structures/formats/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Frame ref(String name) { return ExtxyzReader.readAll(res(name)).get(0); }

    static void assertSame(Frame ref, Frame got, double posTol, double cellTol, Double velTol) {
        assertArrayEquals(ref.atomicNumbers(), got.atomicNumbers(), "species");
        assertArrayEquals(ref.positions(), got.positions(), posTol, "positions");
        assertArrayEquals(ref.cell().pbc(), got.cell().pbc(), "pbc");
        assertArrayEquals(ref.cell().vectors(), got.cell().vectors(), cellTol, "cell");
        if (velTol != null) {
            assertNotNull(got.velocities(), "velocities");
            assertArrayEquals(ref.velocities(), got.velocities(), velTol, "velocities");
        }
    }

    static String message(Runnable r) {
        UserError e = assertThrows(UserError.class, r::run);
        return e.getMessage();
    }

    // ---------------------------------------------------------------- POSCAR

    @Test void poscarDirectCartesianSelectiveAndVasp4MatchAse() {
        Frame ref = ref("crystal.POSCAR.ref.extxyz");
        assertEquals(StructureReader.Format.VASP, StructureReader.formatOf(res("crystal.POSCAR")));
        assertSame(ref, StructureReader.read(res("crystal.POSCAR"), 0), 1e-6, 1e-12, null);
        assertSame(ref, StructureReader.read(res("crystal-cartesian.vasp"), 0), 1e-6, 1e-12, null);
        assertSame(ref, StructureReader.read(res("crystal-selective.vasp"), 0), 1e-6, 1e-12, null);
        assertNull(StructureReader.read(res("crystal.POSCAR"), 0).velocities());
        // VASP 4: species from the key; without it a located error asking for them
        var opts = new StructureReader.Options(null, Map.of(1, 12, 2, 8, 3, 14, 4, 8), null, null);
        assertSame(ref, StructureReader.read(res("crystal-vasp4.vasp"), 0, opts), 1e-6, 1e-12, null);
        String m = message(() -> StructureReader.read(res("crystal-vasp4.vasp"), 0));
        assertTrue(m.contains("crystal-vasp4.vasp:6:") && m.contains("species: [Si, O]"), m);
    }

    @Test void contcarVelocityBlockInAngstromPerFs() {
        Frame got = StructureReader.read(res("CONTCAR"), -1);
        assertSame(ref("crystal.POSCAR.ref.extxyz"), got, 1e-6, 1e-12, 1e-6);
    }

    @Test void poscarMoleculeInABox() {
        assertSame(ref("molecule.vasp.ref.extxyz"), StructureReader.read(res("molecule.vasp"), null), 1e-6, 1e-12, null);
    }

    @Test void poscarNegativeScaleIsTheVolume() throws Exception {
        List<String> lines = Files.readAllLines(res("crystal.POSCAR"));
        Frame ref = ref("crystal.POSCAR.ref.extxyz");
        double v = ref.cell().volume();
        lines.set(1, " -" + (8 * v));   // twice every length
        Path p = dir.resolve("double.vasp");
        Files.write(p, lines);
        Frame got = StructureReader.read(p, 0);
        for (int k = 0; k < 9; k++) assertEquals(2 * ref.cell().vectors()[k], got.cell().vectors()[k], 1e-9);
        for (int k = 0; k < ref.positions().length; k++) assertEquals(2 * ref.positions()[k], got.positions()[k], 1e-6);
    }

    @Test void malformedPoscars() throws Exception {
        List<String> lines = Files.readAllLines(res("crystal.POSCAR"));
        Path p = dir.resolve("POSCAR");
        Files.write(p, lines.subList(0, 10));   // truncated: 2 of 4 atoms
        String m = message(() -> StructureReader.read(p, 0));
        assertTrue(m.contains("POSCAR:") && m.contains("file ends early at atom 3 of 4"), m);

        List<String> wrong = new java.util.ArrayList<>(lines);
        wrong.set(6, "   1   1   1");   // 3 counts for 4 species
        Files.write(p, wrong);
        m = message(() -> StructureReader.read(p, 0));
        assertTrue(m.contains("POSCAR:6:") && m.contains("names 4 species") && m.contains("3 counts"), m);

        wrong = new java.util.ArrayList<>(lines);
        wrong.set(5, " Mg  O   Qq  O");
        Files.write(p, wrong);
        m = message(() -> StructureReader.read(p, 0));
        assertTrue(m.contains("POSCAR:6:") && m.contains("unknown element 'Qq'"), m);

        wrong = new java.util.ArrayList<>(lines);
        wrong.set(6, "   1   1   1   0");   // one atom fewer than position lines
        Files.write(p, wrong);
        m = message(() -> StructureReader.read(p, 0));
        assertTrue(m.contains("POSCAR:12:") && m.contains("counts line may be too small"), m);
    }

    // ---------------------------------------------------------------- LAMMPS data

    @Test void lammpsFullWithMassesAndAtomicWithSpeciesMatchAse() {
        Frame ref = ref("crystal-lammps.ref.extxyz");
        assertEquals(StructureReader.Format.LAMMPS_DATA, StructureReader.formatOf(res("crystal-full.data")));
        // metal units: Å/ps in the file, Å/fs here
        assertSame(ref, StructureReader.read(res("crystal-full.data"), 0), 1e-6, 1e-12, 1e-6);
        var species = new StructureReader.Options(null, Map.of(1, 12, 2, 8, 3, 14), null, null);
        assertSame(ref, StructureReader.read(res("crystal-atomic.data"), 0, species), 1e-6, 1e-12, 1e-6);
        var forced = new StructureReader.Options(null, Map.of(1, 12, 2, 8, 3, 14), "atomic", "metal");
        assertSame(ref, StructureReader.read(res("crystal-atomic.data"), 0, forced), 1e-6, 1e-12, 1e-6);
        var real = new StructureReader.Options(null, null, null, "real");
        Frame r = StructureReader.read(res("crystal-full.data"), 0, real);
        assertEquals(1000 * ref.velocities()[4], r.velocities()[4], 1e-5);
        assertSame(ref("molecule-lammps.ref.extxyz"), StructureReader.read(res("molecule-full.data"), 0), 1e-6, 1e-12, 1e-6);
    }

    @Test void malformedLammpsData() throws Exception {
        String m = message(() -> StructureReader.read(res("crystal-atomic.data"), 0));
        assertTrue(m.contains("crystal-atomic.data:") && m.contains("no Masses section") && m.contains("species: {1: Ar, 2: O}"), m);
        String full = Files.readString(res("crystal-full.data"));
        Path p = dir.resolve("bad.data");
        Files.writeString(p, full.replace("4 \t atoms", "5 atoms"));
        m = message(() -> StructureReader.read(p, 0));
        assertTrue(m.contains("bad.data:") && m.contains("4 lines, but the header declares 5 atoms"), m);
        Files.writeString(p, full.replace("2 15.999", "2 15.5"));
        m = message(() -> StructureReader.read(p, 0));
        assertTrue(m.contains("bad.data:11:") && m.contains("mass 15.5 of atom type 2"), m);
        Files.writeString(p, full.substring(0, full.indexOf("Atoms") + 60));   // truncated inside Atoms
        m = message(() -> StructureReader.read(p, 0));
        assertTrue(m.contains("bad.data:") && m.contains("header declares 4 atoms"), m);
        Files.writeString(p, full.replace("     2   0   2   0.0 ", "     2   0   2 "));
        m = message(() -> StructureReader.read(p, 0));
        assertTrue(m.contains("bad.data:") && m.contains("expected 7 columns"), m);
    }

    // ---------------------------------------------------------------- PDB

    @Test void pdbCrystalAndModelsMatchAse() {
        assertSame(ref("crystal.pdb.ref.extxyz"), StructureReader.read(res("crystal.pdb"), 0), 5.1e-4, 1e-9, null);
        List<Frame> refs = ExtxyzReader.readAll(res("molecule.pdb.ref.extxyz"));
        List<Frame> got = StructureReader.readAll(res("molecule.pdb"));
        assertEquals(2, got.size());
        for (int k = 0; k < 2; k++) assertSame(refs.get(k), got.get(k), 5.1e-4, 0, null);
        assertSame(refs.get(1), StructureReader.read(res("molecule.pdb"), -1), 5.1e-4, 0, null);
        assertFalse(got.get(0).cell().isPeriodic());
    }

    @Test void pdbElementFromAtomNameAndErrors() throws Exception {
        Path p = dir.resolve("x.pdb");
        Files.writeString(p, """
                ATOM      1  CA  ALA A   1       1.000   2.000   3.000  1.00  0.00
                HETATM    2 FE   HEM A   2       4.000   5.000   6.000  1.00  0.00
                ATOM      3   Mg MOL     1       7.000   8.000   9.000  1.00  0.00
                END
                """);
        Frame f = StructureReader.read(p, 0);
        assertArrayEquals(new int[] {6, 26, 12}, f.atomicNumbers());
        Files.writeString(p, "ATOM      1  CA  ALA A   1       1.000   2.000   3.000  1.00  0.00          QQ\n");
        String m = message(() -> StructureReader.read(p, 0));
        assertTrue(m.contains("x.pdb:1:") && m.contains("unknown element 'QQ'"), m);
        Files.writeString(p, "CRYST1   10.000   10.000\nATOM      1  CA  ALA A   1       1.000   2.000\n");
        m = message(() -> StructureReader.read(p, 0));
        assertTrue(m.contains("x.pdb:1:") && m.contains("CRYST1 needs"), m);
        m = message(() -> StructureReader.read(res("molecule.pdb"), 2));
        assertTrue(m.contains("frame 2 requested") && m.contains("2 frames"), m);
    }

    // ---------------------------------------------------------------- CIF

    @Test void cifP1MatchesAse() {
        assertSame(ref("crystal.cif.ref.extxyz"), StructureReader.read(res("crystal.cif"), 0), 1e-4, 1e-9, null);
        assertSame(ref("molecule.cif.ref.extxyz"), StructureReader.read(res("molecule.cif"), 0), 1e-4, 1e-9, null);
    }

    static final String NACL = """
            data_NaCl
            _cell_length_a 5.64(1)
            _cell_length_b 5.64
            _cell_length_c 5.64
            _cell_angle_alpha 90
            _cell_angle_beta 90
            _cell_angle_gamma 90
            _symmetry_space_group_name_H-M 'F m -3 m'
            loop_
            _symmetry_equiv_pos_as_xyz
              'x, y, z'
              '-x, -y, z'
            loop_
            _atom_site_label
            _atom_site_fract_x
            _atom_site_fract_y
            _atom_site_fract_z
            Na1 0 0 0
            Cl1 0.5 0.5 0.5
            """;

    @Test void cifWithSymmetryOrWithoutP1IsRefused() throws Exception {
        Path p = dir.resolve("nacl.cif");
        Files.writeString(p, NACL);
        String m = message(() -> StructureReader.read(p, 0));
        assertTrue(m.contains("nacl.cif:12:") && m.contains("'-x, -y, z'") && m.contains("ase convert in.cif out.extxyz"), m);
        Files.writeString(p, NACL.replace("  '-x, -y, z'\n", "").replace("'F m -3 m'", "'P 1'"));
        Frame f = StructureReader.read(p, 0);
        assertArrayEquals(new int[] {11, 17}, f.atomicNumbers());
        assertEquals(2.82, f.positions()[3], 1e-12);
        Files.writeString(p, NACL.replace("loop_\n_symmetry_equiv_pos_as_xyz\n  'x, y, z'\n  '-x, -y, z'\n", ""));
        m = message(() -> StructureReader.read(p, 0));
        assertTrue(m.contains("nacl.cif:8:") && m.contains("space group F m -3 m") && m.contains("ase convert"), m);
        Files.writeString(p, NACL.replace("loop_\n_symmetry_equiv_pos_as_xyz\n  'x, y, z'\n  '-x, -y, z'\n", "").replace("_symmetry_space_group_name_H-M 'F m -3 m'\n", ""));
        m = message(() -> StructureReader.read(p, 0));
        assertTrue(m.contains("nacl.cif:1:") && m.contains("no space group"), m);
    }

    @Test void malformedCifs() throws Exception {
        Path p = dir.resolve("bad.cif");
        String cif = Files.readString(res("crystal.cif"));
        Files.writeString(p, cif.substring(0, cif.lastIndexOf("1.0000")));   // truncated last row
        String m = message(() -> StructureReader.read(p, 0));
        assertTrue(m.contains("bad.cif:") && m.contains("not a whole number of rows"), m);
        Files.writeString(p, cif.replace("  Si  Si1", "  Xx  Xx1"));
        m = message(() -> StructureReader.read(p, 0));
        assertTrue(m.contains("bad.cif:28:") && m.contains("unknown element"), m);
        Files.writeString(p, cif.replace("_cell_length_b       4.7\n", ""));
        m = message(() -> StructureReader.read(p, 0));
        assertTrue(m.contains("bad.cif:1:") && m.contains("_cell_length_b"), m);
    }

    // ---------------------------------------------------------------- md run on a POSCAR

    @Test void mdRunOnAPoscarWithLennardJones() throws Exception {
        Path input = dir.resolve("argon.yaml");
        Files.writeString(input, String.join("\n",
                "structure: {file: '" + res("POSCAR-argon") + "'}",
                "forcefield: {type: lennard-jones, cutoff: 7.0, shift: force, species: {Ar: {epsilon: 0.010341, sigma: 3.4}}}",
                "velocities: {temperature_K: 50, seed: 3}",
                "dynamics: {integrator: velocity-verlet, timestep_fs: 5, steps: 20}",
                "output: {directory: '" + dir.resolve("out") + "', thermo: {every: 5}}",
                ""));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = Main.run(new String[] {"run", "--quiet", input.toString()}, new PrintStream(out));
        assertEquals(0, rc, out.toString());
        List<String> thermo = Files.readAllLines(dir.resolve("out").resolve("thermo.csv"));
        assertEquals(1 + 5, thermo.size(), String.join("\n", thermo));

        // a format key the file is not read with, and a LAMMPS key on a POSCAR: located config errors
        Files.writeString(input, Files.readString(input).replace("{file: '" + res("POSCAR-argon") + "'}",
                "{file: '" + res("POSCAR-argon") + "', units: real}"));
        out.reset();
        assertNotEquals(0, Main.run(new String[] {"run", "--quiet", input.toString()}, new PrintStream(out)));
        assertTrue(out.toString().contains("'units' applies to LAMMPS data files only"), out.toString());
    }
}
