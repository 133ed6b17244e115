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
                          ' '.join(repr(float(x)) for x in p['position/value'][k].ravel()[:6]),
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
                // the extended XYZ holds positions folded into the cell and their image counts: read back as
                // pos + images · lattice, equal to the unwrapped positions up to the rounding of that sum
                assertEquals(xyz.get(k).positions()[i], Double.parseDouble(v[2 + i]), 1e-12, "position " + i + " of frame " + k);
                assertEquals(ours.get(k).frame().positions()[i], Double.parseDouble(v[2 + i]));
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
