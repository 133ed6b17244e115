package md.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.engine.io.H5mdTrajectoryReader;
import md.engine.io.StructureReader;
import md.engine.system.Frame;

/**
 * The H5MD trajectory of {@code md run} read by other tools: h5py checks it against the H5MD 1.1
 * specification (a checker written from the spec text, tests/src/test/resources/h5md/check_h5md_spec.py)
 * and against what MDAnalysis' H5MD reader demands (check_mdanalysis_conventions.py, from its source);
 * h5py's numbers equal md's own reader's and the extended XYZ written beside.
 */
class H5mdInteropTest {
    @TempDir Path dir;

    @BeforeEach void needsH5py() { assumeTrue(H5py.available(), "no Python with h5py"); }

    private Path run(String name, String structure) throws Exception { return run(name, structure, ""); }

    private Path run(String name, String structure, String outputExtra) throws Exception {
        Path input = Cli.write(dir.resolve(name + ".yaml"), structure + Inputs.ARGON_FORCEFIELD + """
                velocities: {temperature_K: 120, seed: 11}
                dynamics: {integrator: nose-hoover-chain, timestep_fs: 5, steps: 40, temperature_K: 120, tau_fs: 100}
                output: {directory: %s, trajectory: {every: 10, formats: [extxyz, h5]}, thermo: {every: 10}%s}
                """.formatted(name, outputExtra));
        Cli.Result r = Cli.run("run", "--quiet", input.toString());
        assertEquals(0, r.exitCode(), r.err());
        return dir.resolve(name + "/trajectory.h5");
    }

    @Test void periodicRunFollowsTheSpecAndMdAnalysisConventions() throws Exception {
        Path h5 = run("bulk", Inputs.ARGON_108.replace(Inputs.ARGON_FORCEFIELD, ""));
        // The one deviation from the units module's SI symbols: "Angstrom" (its symbol is "Ang"), which MDAnalysis needs.
        H5py.Result spec = H5py.script("check_h5md_spec.py", h5.toString(), "Angstrom");
        assertEquals("OK 5", spec.output());
        H5py.Result strictSi = H5py.script("check_h5md_spec.py", h5.toString());
        assertEquals(1, strictSi.exitCode());
        assertTrue(strictSi.output().lines().allMatch(l -> l.contains("'Angstrom' is not a symbol of the units module's SI system")), strictSi.output());
        H5py.Result mda = H5py.script("check_mdanalysis_conventions.py", h5.toString());
        assertEquals("OK 5 108", mda.output());

        // h5py's numbers: every frame's positions, velocities, forces (converted from kJ mol-1 Angstrom-1 with
        // CODATA/NIST's 96.485332 kJ/mol per eV), box and observables against md's reader and the extended XYZ
        H5py.Result values = H5py.code("""
                import sys, h5py, numpy as np
                f = h5py.File(sys.argv[1], 'r'); p = f['particles/all']
                kj_per_mol_per_eV = 96.48533212331
                print(p['position/value'].shape[0])
                for k in range(p['position/value'].shape[0]):
                    print(int(p['position/step'][k]), repr(float(p['position/time'][k])),
                          ' '.join(repr(float(x)) for x in (p['position/value'][k] + p['image/value'][k] @ p['box/edges/value'][k]).ravel()[:6]),
                          ' '.join(repr(float(x)) for x in (p['force/value'][k].ravel()[:3] / kj_per_mol_per_eV)),
                          ' '.join(repr(float(x)) for x in p['box/edges/value'][k].ravel()),
                          repr(float(f['observables/potential_energy/value'][k])), repr(float(f['observables/temperature/value'][k])),
                          repr(float(f['observables/pressure/value'][k])), f['observables/pressure/value'].attrs['unit'])
                """, h5.toString());
        assertEquals(0, values.exitCode(), values.output());
        List<String> lines = values.output().lines().toList();
        List<H5mdTrajectoryReader.Entry> ours = H5mdTrajectoryReader.readTrajectory(h5);
        List<Frame> xyz = StructureReader.readAll(dir.resolve("bulk/trajectory.extxyz"));
        assertEquals(5, Integer.parseInt(lines.get(0)));
        assertEquals(5, ours.size());
        for (int k = 0; k < 5; k++) {
            String[] v = lines.get(k + 1).split(" ");
            assertEquals(10L * k, Long.parseLong(v[0]));
            assertEquals(ours.get(k).step(), Long.parseLong(v[0]));
            assertEquals(50.0 * k, Double.parseDouble(v[1]));
            for (int i = 0; i < 6; i++) {
                // both files hold positions folded into the cell and their image counts (H5MD's particles/all/image):
                // h5py's position + image @ edges, md's readers' pos + images · lattice, equal up to the rounding of that sum
                assertEquals(xyz.get(k).positions()[i], Double.parseDouble(v[2 + i]), 1e-12, "position " + i + " of frame " + k);
                assertEquals(ours.get(k).frame().positions()[i], Double.parseDouble(v[2 + i]), 1e-12, "position " + i + " of frame " + k);
            }
            for (int i = 0; i < 3; i++) assertEquals(xyz.get(k).forces()[i], Double.parseDouble(v[8 + i]), 1e-12 * Math.abs(xyz.get(k).forces()[i]));
            for (int i = 0; i < 9; i++) assertEquals(xyz.get(k).cell().vectors()[i], Double.parseDouble(v[11 + i]));
            assertEquals(xyz.get(k).energyEv(), Double.parseDouble(v[20]));
            assertEquals(ours.get(k).frame().info().get("temperature"), Double.parseDouble(v[21]));
        }
        Thermo thermo = Thermo.read(dir.resolve("bulk/thermo.csv"));
        double[] t = thermo.column("temperature_K");
        for (int k = 0; k < 5; k++) assertEquals(t[k], (Double) ours.get(k).frame().info().get("temperature"));
        // the pressure observable is thermo.csv's pressure_bar (a periodic cell with a virial), in bar
        double[] pBar = thermo.column("pressure_bar");
        for (int k = 0; k < 5; k++) {
            String[] v = lines.get(k + 1).split(" ");
            assertEquals(pBar[k], Double.parseDouble(v[22]), "pressure of frame " + k);
            assertEquals("bar", v[23]);
        }
    }

    /**
     * Python that checks particles/all/image of sys.argv[1] and prints, per frame, the unwrapped positions
     * position + image @ edges (rows of edges = cell vectors); first line: frames, whether image's step and time
     * are position's (hard links), its integer type, how many image counts are non-zero, the largest and smallest
     * fractional coordinate of the stored positions, and whether the cell changes.
     */
    private static final String UNWRAP = """
            import sys, h5py, numpy as np
            p = h5py.File(sys.argv[1], 'r')['particles/all']
            x, n, e = p['position/value'][:], p['image'], p['box/edges/value'][:]
            s = np.einsum('fij,fjk->fik', x, np.linalg.inv(e))
            print(x.shape[0], n['step'] == p['position/step'] and n['time'] == p['position/time'], n['value'].dtype,
                  int(np.count_nonzero(n['value'][:])), repr(float(s.min())), repr(float(s.max())), bool(np.ptp(e, axis=0).max() > 0))
            u = x + np.einsum('fij,fjk->fik', n['value'][:].astype(float), e)
            for k in range(x.shape[0]):
                print(' '.join(repr(float(v)) for v in u[k].ravel()))
            """;

    /** The unwrapped positions of every frame that {@link #UNWRAP} printed must be those of md's extended XYZ, H5MD reader and checkpoint. */
    private static void assertUnwrappedAgree(List<String> lines, List<Frame> xyz, List<H5mdTrajectoryReader.Entry> ours, double[] checkpoint) {
        assertEquals(xyz.size() + 1, lines.size());
        for (int k = 0; k < xyz.size(); k++) {
            double[] u = java.util.Arrays.stream(lines.get(k + 1).split(" ")).mapToDouble(Double::parseDouble).toArray();
            for (int i = 0; i < u.length; i++) {
                assertEquals(xyz.get(k).positions()[i], u[i], 1e-12, "coordinate " + i + " of frame " + k + ": extended XYZ");
                assertEquals(ours.get(k).frame().positions()[i], u[i], 1e-12, "coordinate " + i + " of frame " + k + ": md's H5MD reader");
                // the last frame is the checkpoint's state, whose positions are the engine's unwrapped ones
                if (k == xyz.size() - 1) assertEquals(checkpoint[i], u[i], 1e-11, "coordinate " + i + " of the last frame: checkpoint");
            }
        }
    }

    private static double[] checkpointPositions(Path runDir) {
        return md.engine.run.Checkpoint.read(runDir.resolve("checkpoint.mdchk")).positions();
    }

    /**
     * Under a barostat the cell changes every step: trajectory.h5 holds positions folded into each frame's cell
     * (fractional coordinates in [0, 1)), integer image counts in particles/all/image sharing position's step and
     * time, and h5py's position + image @ edges of the same frame equals the unwrapped positions of the extended XYZ
     * and of md's reader, and at the last frame the checkpoint's.
     */
    @Test void nptRunStoresWrappedPositionsAndImagesThatGiveBackTheUnwrappedPositions() throws Exception {
        Path input = Cli.write(dir.resolve("npt.yaml"), Inputs.argonNpt(200));
        Cli.Result r = Cli.run("run", "--quiet", input.toString());
        assertEquals(0, r.exitCode(), r.err());
        Path h5 = dir.resolve("npt/trajectory.h5");
        assertEquals("OK 21", H5py.script("check_h5md_spec.py", h5.toString(), "Angstrom").output());
        assertEquals("OK 21 108", H5py.script("check_mdanalysis_conventions.py", h5.toString()).output());
        H5py.Result u = H5py.code(UNWRAP, h5.toString());
        assertEquals(0, u.exitCode(), u.output());
        List<String> lines = u.output().lines().toList();
        String[] head = lines.get(0).split(" ");
        assertEquals(List.of("21", "True", "int32"), List.of(head).subList(0, 3));
        assertTrue(Integer.parseInt(head[3]) > 100, "atoms crossed the cell walls, so image counts are not all zero: " + lines.get(0));
        // [0, 1) as md computes them; NumPy's inverse of the edges rounds differently by ~1e-16
        assertTrue(Double.parseDouble(head[4]) > -1e-12 && Double.parseDouble(head[5]) < 1 + 1e-12, "wrapped fractional coordinates in [0, 1): " + lines.get(0));
        assertEquals("True", head[6], "the barostat changed the cell");
        assertUnwrappedAgree(lines, StructureReader.readAll(dir.resolve("npt/trajectory.extxyz")), H5mdTrajectoryReader.readTrajectory(h5),
                checkpointPositions(dir.resolve("npt")));
    }

    /** A skewed triclinic cell: box/edges is the full matrix and the image counts multiply its rows. */
    @Test void triclinicCellImagesMultiplyTheEdgeMatrix() throws Exception {
        // fcc argon (a = 5.78 Å, 3x3x3 cells) mapped into a cell with b and c tilted by a third of a width
        double[] cell = {17.34, 0, 0, 5.8, 17.34, 0, -4.0, 5.0, 17.34};
        double[][] basis = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
        StringBuilder xyz = new StringBuilder("108\nLattice=\"");
        for (int k = 0; k < 9; k++) xyz.append(k > 0 ? " " : "").append(cell[k]);
        xyz.append("\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"\n");
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) for (int l = 0; l < 3; l++) for (double[] b : basis) {
            double sa = (i + b[0]) / 3, sb = (j + b[1]) / 3, sc = (l + b[2]) / 3;
            xyz.append("Ar");
            for (int c = 0; c < 3; c++) xyz.append(' ').append(sa * cell[c] + sb * cell[3 + c] + sc * cell[6 + c]);
            xyz.append('\n');
        }
        Path structure = Cli.write(dir.resolve("skewed.extxyz"), xyz.toString());
        Path input = Cli.write(dir.resolve("skewed.yaml"), "structure: {file: " + structure + "}\n" + Inputs.ARGON_FORCEFIELD + """
                velocities: {temperature_K: 300, seed: 5}
                dynamics: {integrator: nose-hoover-chain, timestep_fs: 5, steps: 100, temperature_K: 300, tau_fs: 100}
                output: {directory: skewed, trajectory: {every: 10, formats: [extxyz, h5]}, thermo: {every: 10}}
                """);
        Cli.Result r = Cli.run("run", "--quiet", input.toString());
        assertEquals(0, r.exitCode(), r.err());
        Path h5 = dir.resolve("skewed/trajectory.h5");
        assertEquals("OK 11", H5py.script("check_h5md_spec.py", h5.toString(), "Angstrom").output());
        H5py.Result u = H5py.code(UNWRAP, h5.toString());
        assertEquals(0, u.exitCode(), u.output());
        List<String> lines = u.output().lines().toList();
        String[] head = lines.get(0).split(" ");
        assertEquals(List.of("11", "True", "int32"), List.of(head).subList(0, 3));
        assertTrue(Integer.parseInt(head[3]) > 10, lines.get(0));
        assertTrue(Double.parseDouble(head[4]) > -1e-12 && Double.parseDouble(head[5]) < 1 + 1e-12, lines.get(0));
        assertEquals("False", head[6]);
        assertUnwrappedAgree(lines, StructureReader.readAll(dir.resolve("skewed/trajectory.extxyz")), H5mdTrajectoryReader.readTrajectory(h5),
                checkpointPositions(dir.resolve("skewed")));
    }

    /** {@code output.trajectory.wrap: false}: unwrapped positions in both files and no image element. */
    @Test void unwrappedOutputHasNoImageElement() throws Exception {
        Path input = Cli.write(dir.resolve("plain.yaml"), Inputs.ARGON_108 + """
                velocities: {temperature_K: 120, seed: 11}
                dynamics: {integrator: nose-hoover-chain, timestep_fs: 5, steps: 40, temperature_K: 120, tau_fs: 100}
                output: {directory: plain, trajectory: {every: 10, formats: [extxyz, h5], wrap: false}, thermo: {every: 10}}
                """);
        Cli.Result r = Cli.run("run", "--quiet", input.toString());
        assertEquals(0, r.exitCode(), r.err());
        Path h5 = dir.resolve("plain/trajectory.h5");
        assertEquals("OK 5", H5py.script("check_h5md_spec.py", h5.toString(), "Angstrom").output());
        H5py.Result values = H5py.code("""
                import sys, h5py
                p = h5py.File(sys.argv[1], 'r')['particles/all']
                print('image' in p)
                print(' '.join(repr(float(v)) for v in p['position/value'][4].ravel()))
                """, h5.toString());
        assertEquals(0, values.exitCode(), values.output());
        List<String> lines = values.output().lines().toList();
        assertEquals("False", lines.get(0));
        double[] last = checkpointPositions(dir.resolve("plain"));
        double[] xyz = StructureReader.readAll(dir.resolve("plain/trajectory.extxyz")).get(4).positions();
        String[] v = lines.get(1).split(" ");
        for (int i = 0; i < last.length; i++) {
            assertEquals(last[i], Double.parseDouble(v[i]), "coordinate " + i + ": the engine's unwrapped position");
            assertEquals(xyz[i], Double.parseDouble(v[i]), "coordinate " + i + ": extended XYZ");
        }
    }

    @Test void pressureTensorObservableIsThermosColumnsAsAThreeByThreePerFrame() throws Exception {
        Path h5 = run("tensor", Inputs.ARGON_108.replace(Inputs.ARGON_FORCEFIELD, ""), ", pressure_tensor: true");
        assertEquals("OK 5", H5py.script("check_h5md_spec.py", h5.toString(), "Angstrom").output());
        H5py.Result values = H5py.code("""
                import sys, h5py, numpy as np
                f = h5py.File(sys.argv[1], 'r'); t = f['observables/pressure_tensor']
                v = t['value']
                print(v.shape, v.attrs['unit'], t['step'] == f['particles/all/position/step'])
                for k in range(v.shape[0]):
                    p = v[k]
                    print(' '.join(repr(float(x)) for x in (p[0, 0], p[1, 1], p[2, 2], p[1, 2], p[0, 2], p[0, 1])),
                          repr(float(np.abs(p - p.T).max())), repr(float(np.trace(p) / 3)), repr(float(f['observables/pressure/value'][k])))
                """, h5.toString());
        assertEquals(0, values.exitCode(), values.output());
        List<String> lines = values.output().lines().toList();
        assertEquals("(5, 3, 3) bar True", lines.get(0));
        Thermo thermo = Thermo.read(dir.resolve("tensor/thermo.csv"));
        String[] columns = {"pxx_bar", "pyy_bar", "pzz_bar", "pyz_bar", "pxz_bar", "pxy_bar"};
        for (int k = 0; k < 5; k++) {
            String[] v = lines.get(k + 1).split(" ");
            for (int c = 0; c < 6; c++) assertEquals(thermo.column(columns[c])[k], Double.parseDouble(v[c]), columns[c] + " of frame " + k);
            assertEquals(0.0, Double.parseDouble(v[6]), "a pair potential's pressure tensor is symmetric, frame " + k);
            double p = Double.parseDouble(v[8]);
            assertEquals(p, Double.parseDouble(v[7]), 1e-12 * Math.abs(p), "pressure = trace / 3, frame " + k);
        }
        // md's own reader skips the tensor and still reads the scalar observables
        assertEquals(thermo.column("pressure_bar")[4], (Double) H5mdTrajectoryReader.readTrajectory(h5).get(4).frame().info().get("pressure"));
    }

    @Test void isolatedMoleculeHasNoEdgesAndStillFollowsTheSpec() throws Exception {
        Path xyz = Cli.write(dir.resolve("dimer.extxyz"), "2\nProperties=species:S:1:pos:R:3\nAr 0 0 0\nAr 3.9 0 0\n");
        Path h5 = run("dimer", "structure: {file: " + xyz + "}\n");
        assertEquals("OK 5", H5py.script("check_h5md_spec.py", h5.toString(), "Angstrom").output());
        assertEquals("OK 5 2", H5py.script("check_mdanalysis_conventions.py", h5.toString()).output());
        H5py.Result box = H5py.code("""
                import sys, h5py
                b = h5py.File(sys.argv[1], 'r')['particles/all/box']
                print('edges' in b, list(b.attrs['boundary']))
                """, h5.toString());
        assertEquals("False ['none', 'none', 'none']", box.output());
    }

    @Test void theCheckersRejectWhatTheyShould() throws Exception {
        // A file in the style of md's former segments: fixed-length byte-string units, no author, fixed 3x3 edges.
        Path bad = dir.resolve("bad.h5");
        H5py.Result made = H5py.code("""
                import sys, h5py, numpy as np
                with h5py.File(sys.argv[1], 'w') as f:
                    f.create_group('h5md').attrs['version'] = np.array([1, 1])
                    f['h5md'].create_group('creator').attrs.update({'name': 'x', 'version': '1'})
                    p = f.create_group('particles/all')
                    p.create_group('box').attrs.update({'dimension': 3, 'boundary': np.array([b'periodic'] * 3, dtype='S8')})
                    p['box/edges'] = np.eye(3)
                    p['position/value'] = np.zeros((2, 4, 3)); p['position/value'].attrs['unit'] = np.bytes_('angstrom')
                    p['position/step'] = np.array([0, 10]); p['position/time'] = np.array([0.0, 5.0])
                    p['position/time'].attrs['unit'] = np.bytes_('fs')
                    p['velocity/value'] = np.zeros((2, 4, 3)); p['velocity/value'].attrs['unit'] = 'angstrom/fs'
                    p['velocity/step'] = np.array([0, 10])
                    p['species'] = np.array([18] * 4, dtype=np.int32)
                """, bad.toString());
        assertEquals(0, made.exitCode(), made.output());
        H5py.Result spec = H5py.script("check_h5md_spec.py", bad.toString(), "Angstrom");
        assertEquals(1, spec.exitCode());
        assertTrue(spec.output().contains("/h5md/author group missing"), spec.output());
        assertTrue(spec.output().contains("first dimension is not extendable"), spec.output());
        assertTrue(spec.output().contains("'angstrom/fs' is not a unit symbol"), spec.output());
        H5py.Result mda = H5py.script("check_mdanalysis_conventions.py", bad.toString());
        assertEquals(1, mda.exitCode());
        assertTrue(mda.output().contains("position/value unit b'angstrom' is not an MDAnalysis length unit"), mda.output());
        assertTrue(mda.output().contains("box/edges/value"), mda.output());
    }
}
