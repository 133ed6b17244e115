package md.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code md run --resume} continues a run so that its files are byte for byte those of an
 * uninterrupted run of the same length (thermo.csv's wall-clock steps_per_s column aside).
 */
class ResumeTest {
    @TempDir Path dir;

    static String dynamics(String integrator, long steps) {
        String thermostat = switch (integrator) {
            case "velocity-verlet" -> "";
            case "nose-hoover-chain" -> "  temperature_K: 100\n  tau_fs: 200\n  chain_length: 3\n";
            case "langevin" -> "  temperature_K: 100\n  friction_per_ps: 5\n  seed: 99\n";
            case "berendsen" -> "  temperature_K: 100\n  tau_fs: 200\n";
            case "nose-hoover-fu" -> "  temperature_K: 100\n  ttime: 20\n";
            default -> throw new IllegalArgumentException(integrator);
        };
        return "  integrator: " + integrator + "\n  timestep_fs: 5\n  steps: " + steps + "\n" + thermostat;
    }

    static final String OUTPUT = """
              directory: out
              trajectory: {every: 10, formats: [extxyz, h5]}
              thermo: {every: 5}
              checkpoint: {every: 50}
            """;

    static Path input(Path folder, String integrator, long steps) throws IOException {
        return Cli.write(folder.resolve("input.yaml"), Inputs.argon(dynamics(integrator, steps), OUTPUT));
    }

    @ParameterizedTest
    @ValueSource(strings = {"velocity-verlet", "nose-hoover-chain", "langevin", "berendsen", "nose-hoover-fu"})
    void resumedRunMatchesUninterruptedRunBitForBit(String integrator) throws IOException {
        Path whole = dir.resolve("whole"), split = dir.resolve("split");
        assertEquals(0, Cli.run("run", "--quiet", input(whole, integrator, 200).toString()).exitCode());
        // First part stops at step 130 (last periodic checkpoint at 100, final one at 130), then continue to 200.
        assertEquals(0, Cli.run("run", "--quiet", input(split, integrator, 130).toString()).exitCode());
        Cli.Result resumed = Cli.run("run", "--quiet", "--resume", input(split, integrator, 200).toString());
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertSameOutputs(whole.resolve("out"), split.resolve("out"));
    }

    @Test
    void resumedRunKeepsThePressureTensorColumnsAndObservable() throws Exception {
        Path whole = dir.resolve("whole"), split = dir.resolve("split");
        String output = OUTPUT + "  pressure_tensor: true\n";
        Cli.write(whole.resolve("input.yaml"), Inputs.argon(dynamics("nose-hoover-chain", 200), output));
        assertEquals(0, Cli.run("run", "--quiet", whole.resolve("input.yaml").toString()).exitCode());
        Cli.write(split.resolve("input.yaml"), Inputs.argon(dynamics("nose-hoover-chain", 130), output));
        assertEquals(0, Cli.run("run", "--quiet", split.resolve("input.yaml").toString()).exitCode());
        Cli.write(split.resolve("input.yaml"), Inputs.argon(dynamics("nose-hoover-chain", 200), output));
        Cli.Result resumed = Cli.run("run", "--quiet", "--resume", split.resolve("input.yaml").toString());
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertTrue(Files.readAllLines(split.resolve("out/thermo.csv")).get(0).contains(",pressure_bar,pxx_bar,pyy_bar,pzz_bar,pyz_bar,pxz_bar,pxy_bar,steps_per_s"));
        assertSameOutputs(whole.resolve("out"), split.resolve("out"));
        if (!H5py.available()) return;
        String read = """
                import sys, h5py
                v = h5py.File(sys.argv[1], 'r')['observables/pressure_tensor/value']
                print(v.shape, ' '.join(repr(float(x)) for x in v[:].ravel()))
                """;
        H5py.Result a = H5py.code(read, whole.resolve("out/trajectory.h5").toString()), b = H5py.code(read, split.resolve("out/trajectory.h5").toString());
        assertEquals(0, a.exitCode(), a.output());
        assertTrue(a.output().startsWith("(21, 3, 3) "), a.output().substring(0, Math.min(80, a.output().length())));
        assertEquals(a.output(), b.output(), "pressure_tensor of the resumed trajectory.h5");
    }

    /** trajectory.extxyz and HDF5 segments byte-identical; thermo.csv identical except steps_per_s. */
    static void assertSameOutputs(Path expected, Path actual) throws IOException {
        byte[] a = Files.readAllBytes(expected.resolve("trajectory.extxyz")), b = Files.readAllBytes(actual.resolve("trajectory.extxyz"));
        assertTrue(a.length > 0);
        assertArrayEquals(a, b, "trajectory.extxyz differs");
        // trajectory.h5: the same frames (HDF5 files are not byte-identical: a resumed file was truncated and regrown)
        if (Files.exists(expected.resolve("trajectory.h5")) || Files.exists(actual.resolve("trajectory.h5"))) {
            List<md.engine.io.H5mdTrajectoryReader.Entry> ea = md.engine.io.H5mdTrajectoryReader.readTrajectory(expected.resolve("trajectory.h5"));
            List<md.engine.io.H5mdTrajectoryReader.Entry> eb = md.engine.io.H5mdTrajectoryReader.readTrajectory(actual.resolve("trajectory.h5"));
            assertEquals(ea.size(), eb.size(), "trajectory.h5 frame count");
            for (int k = 0; k < ea.size(); k++) {
                var fa = ea.get(k).frame();
                var fb = eb.get(k).frame();
                assertEquals(ea.get(k).step(), eb.get(k).step(), "trajectory.h5 frame " + k);
                assertEquals(ea.get(k).timeFs(), eb.get(k).timeFs(), "trajectory.h5 frame " + k);
                assertArrayEquals(fa.positions(), fb.positions(), "trajectory.h5 positions, frame " + k);
                assertArrayEquals(fa.velocities(), fb.velocities(), "trajectory.h5 velocities, frame " + k);
                assertArrayEquals(fa.forces(), fb.forces(), "trajectory.h5 forces, frame " + k);
                assertArrayEquals(fa.cell().vectors(), fb.cell().vectors(), "trajectory.h5 box, frame " + k);
                assertEquals(fa.energyEv(), fb.energyEv(), "trajectory.h5 potential energy, frame " + k);
                assertEquals(fa.info(), fb.info(), "trajectory.h5 observables, frame " + k);
            }
        }
        List<String> ta = withoutRate(expected.resolve("thermo.csv")), tb = withoutRate(actual.resolve("thermo.csv"));
        assertEquals(ta.size(), tb.size(), "thermo.csv line count");
        assertEquals(ta, tb, "thermo.csv differs");
    }

    /** thermo.csv without its steps_per_s column (not always the last: force-field observables follow it). */
    private static List<String> withoutRate(Path thermo) throws IOException {
        List<String> lines = Files.readAllLines(thermo);
        int rate = java.util.Arrays.asList(lines.get(0).split(",", -1)).indexOf("steps_per_s");
        return lines.stream().map(l -> {
            List<String> cells = new java.util.ArrayList<>(java.util.Arrays.asList(l.split(",", -1)));
            if (rate >= 0 && rate < cells.size()) cells.remove(rate);
            return String.join(",", cells);
        }).toList();
    }

    @Test
    void resumeRefusesChangedSettings() throws IOException {
        Path input = input(dir, "nose-hoover-chain", 60);
        assertEquals(0, Cli.run("run", "--quiet", input.toString()).exitCode());
        Files.writeString(input, Files.readString(input).replace("timestep_fs: 5", "timestep_fs: 4").replace("steps: 60", "steps: 100"));
        Cli.Result r = Cli.run("run", "--quiet", "--resume", input.toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.message().contains("dynamics.timestep_fs was '5', now '4'"), r.err());
    }

    /**
     * A run begun by a version from before the momenta default (Å/fs velocities column; its checkpoint knows no
     * extxyz_velocities key) goes on with velocities, so the file does not switch columns mid-way. Emulated: a run
     * with extxyz_velocities: velocities whose checkpoint loses the key, resumed with an input without it.
     */
    @Test
    void resumeKeepsTheVelocityColumnOfAnEarlierVersionsTrajectory() throws IOException {
        String oldOutput = OUTPUT.replace("every: 10,", "every: 10, extxyz_velocities: velocities,");
        Path whole = dir.resolve("whole"), split = dir.resolve("split");
        assertEquals(0, Cli.run("run", "--quiet", Cli.write(whole.resolve("input.yaml"), Inputs.argon(dynamics("velocity-verlet", 100), oldOutput)).toString()).exitCode());
        assertEquals(0, Cli.run("run", "--quiet", Cli.write(split.resolve("input.yaml"), Inputs.argon(dynamics("velocity-verlet", 60), oldOutput)).toString()).exitCode());
        Path chk = split.resolve("out/checkpoint.mdchk");
        md.engine.run.Checkpoint c = md.engine.run.Checkpoint.read(chk);
        java.util.Map<String, String> settings = new java.util.TreeMap<>(c.settings());
        assertEquals("velocities", settings.remove("output.trajectory.extxyz_velocities"));
        new md.engine.run.Checkpoint(settings, c.step(), c.timeFs(), c.atomicNumbers(), c.cell(), c.positions(), c.velocities(), c.forces(),
                c.potentialEnergyEv(), c.neighborPositions(), c.neighborCell(), c.integratorState(), c.outputs(), c.work()).write(chk);
        Cli.Result resumed = Cli.run("run", "--quiet", "--resume", input(split, "velocity-verlet", 100).toString());
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertSameOutputs(whole.resolve("out"), split.resolve("out"));
        assertTrue(Files.readString(split.resolve("out/trajectory.extxyz")).contains("step=100 "));
    }

    @Test
    void resumeWithoutCheckpointIsAClearError() throws IOException {
        Cli.Result r = Cli.run("run", "--quiet", "--resume", input(dir, "velocity-verlet", 10).toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.message().contains("cannot resume: there is no checkpoint"), r.err());
    }
}
