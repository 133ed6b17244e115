package md.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.core.io.Json;
import md.engine.io.ExtxyzReader;
import md.engine.system.Frame;

/**
 * An {@code md run} trajectory as ASE reads it (the user's report: ASE said 0 K for a 360 K run): ASE's
 * {@code atoms.get_temperature()} of every frame equals thermo.csv's temperature at that step, and
 * {@code md eval}'s output keeps the trajectory's forces and energy as {@code ref_forces} and
 * {@code ref_energy} where ASE finds them. Runs ASE itself (python3-ase); skips when it is not installed.
 */
class AseReadsTrajectoryTest {
    @TempDir Path dir;

    /** Prints, per frame of each file, what ASE reads: temperature, kinetic and potential energy, forces, arrays. */
    private static final String ASE_SCRIPT = """
            import json, sys
            from ase import units
            from ase.io import read
            out = {}
            for path in sys.argv[1:]:
                frames = []
                for a in read(path, index=':'):
                    f = {"step": int(a.info["step"]), "temperature_K": float(a.get_temperature()),
                         "kinetic_energy_eV": float(a.get_kinetic_energy()), "energy": float(a.get_potential_energy()),
                         "forces": a.get_forces().ravel().tolist(), "arrays": sorted(a.arrays)}
                    if "ref_forces" in a.arrays: f["ref_forces"] = a.arrays["ref_forces"].ravel().tolist()
                    if "ref_energy" in a.info: f["ref_energy"] = float(a.info["ref_energy"])
                    if "velocities" in a.arrays: f["velocities_column"] = a.arrays["velocities"].ravel().tolist()
                    if "momenta" in a.arrays: f["velocities_A_per_fs"] = (a.get_velocities() * units.fs).ravel().tolist()
                    frames.append(f)
                out[path] = frames
            print(json.dumps(out))
            """;

    private Path run(String name, String trajectoryExtra) throws IOException {
        // 108 atoms of liquid argon drawn at 360 K, NVE; the centre-of-mass momentum is kept (remove_com: false)
        // so that thermo.csv counts N_f = 3N degrees of freedom, ASE's definition T = 2 Ekin / (3N k_B)
        Path input = Cli.write(dir.resolve(name + ".yaml"), Inputs.ARGON_108 + """
                velocities: {temperature_K: 360, seed: 7, remove_com: false}
                dynamics: {integrator: velocity-verlet, timestep_fs: 2, steps: 300}
                output: {directory: %s, trajectory: {every: 100%s}, thermo: {every: 50}, checkpoint: {every: 0}}
                """.formatted(name, trajectoryExtra));
        Cli.Result r = Cli.run("run", "--quiet", input.toString());
        assertEquals(0, r.exitCode(), r.err());
        return dir.resolve(name);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> frames(Map<String, Object> ase, Path file) {
        return (List<Map<String, Object>>) ase.get(file.toString());
    }

    private static double num(Map<String, Object> m, String key) { return ((Number) m.get(key)).doubleValue(); }

    @SuppressWarnings("unchecked")
    private static double[] vec(Map<String, Object> m, String key) {
        List<Object> l = (List<Object>) m.get(key);
        double[] out = new double[l.size()];
        for (int i = 0; i < out.length; i++) out[i] = ((Number) l.get(i)).doubleValue();
        return out;
    }

    @Test
    @SuppressWarnings("unchecked")
    void aseTemperatureOfEveryFrameIsThermos() throws IOException {
        AsePython.require();
        Path momenta = run("momenta", "");
        Path velocities = run("velocities", ", extxyz_velocities: velocities");
        Path traj = momenta.resolve("trajectory.extxyz"), trajV = velocities.resolve("trajectory.extxyz");
        Path eval = dir.resolve("eval.extxyz");
        Cli.Result r = Cli.run("eval", "--quiet", "--forcefield", dir.resolve("momenta.yaml").toString(), "-o", eval.toString(), traj.toString());
        assertEquals(0, r.exitCode(), r.err());

        Map<String, Object> ase = (Map<String, Object>) Json.parse(
                AsePython.runScript(dir, ASE_SCRIPT, traj.toString(), trajV.toString(), eval.toString()));
        Thermo thermo = Thermo.read(momenta.resolve("thermo.csv"));
        double[] steps = thermo.column("step"), temperature = thermo.column("temperature_K"),
                ekin = thermo.column("ekin_eV"), epot = thermo.column("epot_eV");

        List<Map<String, Object>> frames = frames(ase, traj);
        assertEquals(4, frames.size(), "frames at steps 0, 100, 200, 300");
        for (int k = 0; k < frames.size(); k++) {
            Map<String, Object> f = frames.get(k);
            long step = ((Number) f.get("step")).longValue();
            assertEquals(100L * k, step);
            int row = java.util.Arrays.binarySearch(steps, step);
            assertTrue(row >= 0, "thermo.csv has step " + step);
            assertTrue(((List<Object>) f.get("arrays")).contains("momenta"), "ASE found momenta: " + f.get("arrays"));
            // The kinetic energy is ours to rounding (p²/2m is eV in ASE's units whatever its CODATA version).
            assertEquals(ekin[row], num(f, "kinetic_energy_eV"), 1e-12 * ekin[row], "kinetic energy at step " + step);
            // The temperature to 1e-6: ASE 3.22's k_B (CODATA 2014) is 3.4e-7 relative below ours (CODATA 2018).
            assertEquals(temperature[row], num(f, "temperature_K"), 1e-6 * temperature[row], "temperature at step " + step);
            assertTrue(temperature[row] > 150, "a hot liquid, not ASE's 0 K: " + temperature[row]);
            assertEquals(epot[row], num(f, "energy"), "potential energy at step " + step);
        }
        assertEquals(360, temperature[0], 1e-9, "drawn at 360 K");

        // extxyz_velocities: velocities writes Å/fs to a 'velocities' column, which ASE keeps as a plain array
        // (no momenta: ASE's temperature would be 0 K); its numbers are the velocities ASE derived from momenta
        List<Map<String, Object>> framesV = frames(ase, trajV);
        List<Frame> ours = ExtxyzReader.readAll(traj), oursV = ExtxyzReader.readAll(trajV);
        for (int k = 0; k < framesV.size(); k++) {
            Map<String, Object> f = framesV.get(k);
            assertEquals(0.0, num(f, "temperature_K"), "ASE takes no velocities from a velocities column");
            double[] column = vec(f, "velocities_column"), fromMomenta = vec(frames.get(k), "velocities_A_per_fs");
            for (int i = 0; i < column.length; i++) {
                // ASE 3.22's fs (CODATA 2014) is 3.9e-9 relative off ours
                assertEquals(column[i], fromMomenta[i], 1e-8 * Math.abs(column[i]), "frame " + k + " velocity " + i);
                // our reader reads both columns to the same velocities (momenta / mass: a few ulps)
                assertEquals(oursV.get(k).velocities()[i], ours.get(k).velocities()[i], 4 * Math.ulp(column[i]), "frame " + k + " velocity " + i);
            }
            assertArrayEquals(ours.get(k).forces(), oursV.get(k).forces());
        }

        // md eval of the trajectory: its forces and energy are kept as ref_forces / ref_energy; ours are ASE's calculator's
        List<Map<String, Object>> evalFrames = frames(ase, eval);
        assertEquals(frames.size(), evalFrames.size());
        for (int k = 0; k < evalFrames.size(); k++) {
            Map<String, Object> e = evalFrames.get(k), t = frames.get(k);
            assertArrayEquals(vec(t, "forces"), vec(e, "ref_forces"), "ref_forces are the trajectory's forces, frame " + k);
            assertEquals(num(t, "energy"), num(e, "ref_energy"), "ref_energy, frame " + k);
            // the same force field on the same positions: our forces agree with the reference to rounding
            assertArrayEquals(vec(e, "ref_forces"), vec(e, "forces"), 1e-12, "frame " + k);
            assertEquals(num(e, "ref_energy"), num(e, "energy"), 1e-10, "frame " + k);
            assertEquals(num(t, "temperature_K"), num(e, "temperature_K"), 1e-12 * num(t, "temperature_K"), "velocities carried through, frame " + k);
        }
    }
}
