package md.engine.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import md.engine.config.OutputConfig;
import md.engine.io.ExtxyzWriter;
import md.engine.system.Frame;
import md.engine.system.MolecularSystem;
import md.integrators.MdState;

/**
 * The trajectory files of a run: {@code trajectory.extxyz} (one complete frame per write, with
 * positions, velocities, forces, energy, step and time) and HDF5 segments. Reads the simulation state
 * only.
 */
final class TrajectoryOutput implements AutoCloseable {
    static final String EXTXYZ = "trajectory.extxyz";

    private final long every;
    private final TextOutput extxyz;
    private long framesWritten;
    private long lastFrameStep = -1;

    private TrajectoryOutput(long every, TextOutput extxyz, long framesWritten, long lastFrameStep) {
        this.every = every;
        this.extxyz = extxyz;
        this.framesWritten = framesWritten;
        this.lastFrameStep = lastFrameStep;
    }

    static TrajectoryOutput create(Path dir, OutputConfig out) throws IOException {
        boolean on = out.trajectoryEvery() > 0;
        TextOutput x = on && out.trajectoryFormats().contains("extxyz") ? TextOutput.create(dir.resolve(EXTXYZ)) : null;
        if (x == null) Files.deleteIfExists(dir.resolve(EXTXYZ));
        return new TrajectoryOutput(on ? out.trajectoryEvery() : 0, x, 0, -1);
    }

    static TrajectoryOutput resume(Path dir, OutputConfig out, Checkpoint.OutputMarks marks) throws IOException {
        boolean on = out.trajectoryEvery() > 0;
        TextOutput x = on && out.trajectoryFormats().contains("extxyz") ? TextOutput.resume(dir.resolve(EXTXYZ), marks.extxyzBytes()) : null;
        return new TrajectoryOutput(on ? out.trajectoryEvery() : 0, x, marks.framesWritten(), -1);
    }

    long every() { return every; }

    /** Step of the newest frame this process wrote, or -1. */
    long lastFrameStep() { return lastFrameStep; }

    String describe() {
        return extxyz != null ? extxyz.file().toString() : "the trajectory files";
    }

    void write(Simulation sim) throws IOException {
        MdState s = sim.state();
        MolecularSystem sys = sim.system();
        if (extxyz != null) {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("step", s.step);
            info.put("time_fs", s.timeFs);
            Frame frame = new Frame(sys.atomicNumbers(), s.positions, sys.cell(), s.potentialEnergyEv, s.forces, s.velocities, info);
            extxyz.record().append(ExtxyzWriter.format(frame, ExtxyzWriter.VelocityFormat.VELOCITIES_ANGSTROM_PER_FS));
            extxyz.commit();
        }
        framesWritten++;
        lastFrameStep = s.step;
    }

    /** Forces written frames to disk and returns the marks a checkpoint records. */
    Checkpoint.OutputMarks sync(long thermoBytes) throws IOException {
        long xBytes = 0;
        if (extxyz != null) {
            extxyz.sync();
            xBytes = extxyz.position();
        }
        return new Checkpoint.OutputMarks(thermoBytes, xBytes, 0, framesWritten);
    }

    @Override public void close() throws IOException {
        if (extxyz != null) extxyz.close();
    }
}
