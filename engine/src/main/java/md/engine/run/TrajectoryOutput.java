package md.engine.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import md.engine.config.OutputConfig;
import md.engine.io.ExtxyzWriter;
import md.engine.io.H5mdTrajectoryWriter;
import md.engine.system.Frame;
import md.engine.system.MolecularSystem;
import md.engine.system.PeriodicImages;
import md.integrators.MdState;

/**
 * The trajectory files of a run: {@code trajectory.extxyz} (one complete frame per write, with
 * positions, velocities as ASE's momenta (or Å/fs with {@code extxyz_velocities: velocities}), forces,
 * energy, step and time) and the H5MD 1.1 file {@code trajectory.h5}
 * (frames appended and flushed one by one, with the thermodynamic observables of thermo.csv).
 * Reads the simulation state only.
 *
 * <p>In a periodic cell positions are written folded into the cell ({@code output.trajectory.wrap},
 * default true), with the image counts that give back the unwrapped positions the engine integrates:
 * an {@code images:I:3} column in the extended XYZ file (x_unwrapped = pos + images · lattice; ASE keeps
 * it as {@code atoms.arrays['images']}, this engine's reader adds it back) and H5MD's
 * {@code particles/all/image} in trajectory.h5 (position + image · box edges). The checkpoint keeps the
 * unwrapped positions, so a resumed run is bit-identical.
 */
final class TrajectoryOutput implements AutoCloseable {
    static final String EXTXYZ = "trajectory.extxyz";
    static final String H5 = "trajectory.h5";

    private final long every;
    private final TextOutput extxyz;
    private final ExtxyzWriter.VelocityFormat velocityFormat;
    private final H5mdTrajectoryWriter h5;
    private final boolean wrap;
    private double[] wrapped = new double[0];
    private int[] images = new int[0];
    /** Whether trajectory.h5 gets the observable pressure_tensor (output.pressure_tensor). */
    private final boolean pressureTensor;
    private long framesWritten;
    private long lastFrameStep = -1;

    private TrajectoryOutput(long every, TextOutput extxyz, ExtxyzWriter.VelocityFormat velocityFormat, H5mdTrajectoryWriter h5, boolean wrap,
                             long framesWritten, boolean pressureTensor) {
        this.every = every;
        this.wrap = wrap;
        this.pressureTensor = pressureTensor;
        this.extxyz = extxyz;
        this.velocityFormat = velocityFormat;
        this.h5 = h5;
        this.framesWritten = framesWritten;
    }

    static TrajectoryOutput create(Path dir, OutputConfig out) throws IOException {
        boolean on = out.trajectoryEvery() > 0;
        Files.deleteIfExists(dir.resolve(EXTXYZ));
        // segment files of an older md's run in the same folder
        for (Path p : md.engine.io.H5mdTrajectoryReader.segments(dir.resolve(H5))) Files.delete(p);
        // the HDF5 library first: a missing one stops the run before any file is touched
        H5mdTrajectoryWriter h = on && out.trajectoryFormats().contains("h5") ? H5mdTrajectoryWriter.create(dir.resolve(H5)) : null;
        TextOutput x = on && out.trajectoryFormats().contains("extxyz") ? TextOutput.create(dir.resolve(EXTXYZ)) : null;
        return new TrajectoryOutput(on ? out.trajectoryEvery() : 0, x, ExtxyzWriter.VelocityFormat.ofColumn(out.extxyzVelocities()), h, out.wrapTrajectory(), 0, out.pressureTensor());
    }

    static TrajectoryOutput resume(Path dir, OutputConfig out, Checkpoint.OutputMarks marks) throws IOException {
        boolean on = out.trajectoryEvery() > 0;
        // the column the file already has wins: a trajectory begun with Å/fs velocities (before momenta were
        // the default) goes on with them instead of switching columns mid-file
        ExtxyzWriter.VelocityFormat existing = ExtxyzWriter.velocityFormatOf(dir.resolve(EXTXYZ));
        ExtxyzWriter.VelocityFormat format = existing != null ? existing : ExtxyzWriter.VelocityFormat.ofColumn(out.extxyzVelocities());
        H5mdTrajectoryWriter h = on && out.trajectoryFormats().contains("h5") ? H5mdTrajectoryWriter.resume(dir.resolve(H5), marks.framesWritten()) : null;
        TextOutput x = on && out.trajectoryFormats().contains("extxyz") ? TextOutput.resume(dir.resolve(EXTXYZ), marks.extxyzBytes()) : null;
        return new TrajectoryOutput(on ? out.trajectoryEvery() : 0, x, format, h, out.wrapTrajectory(), marks.framesWritten(), out.pressureTensor());
    }

    long every() { return every; }

    /** Step of the newest frame this process wrote, or -1. */
    long lastFrameStep() { return lastFrameStep; }

    String describe() {
        return extxyz != null ? extxyz.file().toString() : h5 != null ? "trajectory.h5" : "no trajectory file";
    }

    void write(Simulation sim) throws IOException {
        MdState s = sim.state();
        MolecularSystem sys = sim.system();
        Map<String, Object> observables = observables(sim);
        // H5MD first: a complete extended XYZ frame on disk then implies the same frame in trajectory.h5
        if (h5 != null) {
            // H5MD /observables: thermo.csv's quantities at this frame, then the force field's own
            double ekin = sim.kineticEnergyEv();
            Map<String, Object> h5obs = new LinkedHashMap<>();
            h5obs.put("kinetic_energy", ekin);
            h5obs.put("total_energy", s.potentialEnergyEv + ekin);
            h5obs.put("conserved_energy", s.potentialEnergyEv + ekin + sim.integrator().conservedEnergyExtraEv(s));
            h5obs.put("temperature", sim.temperatureK(ekin));
            if (sim.reportsPressure()) h5obs.put("pressure", sim.pressureBar(ekin)); // thermo.csv's pressure_bar
            if (pressureTensor && sim.reportsPressure()) { // thermo.csv's pxx_bar … as a 3×3 per frame
                double[] p = new double[9];
                sim.pressureTensorBar(p);
                h5obs.put("pressure_tensor", p);
            }
            h5obs.putAll(observables);
            Frame snapshot = sys.snapshot(s.potentialEnergyEv, s.forces, h5obs);
            // folded like the extended XYZ, with H5MD's particles/all/image; a resumed file begun without
            // image counts (an older md) keeps unwrapped positions
            if (wrap && sys.cell().isPeriodic() && h5.storesImages()) {
                wrapPositions(s.positions, sys);
                h5.write(new Frame(snapshot.atomicNumbers(), wrapped, snapshot.cell(), snapshot.energyEv(), snapshot.forces(),
                        snapshot.velocities(), snapshot.info()), images, s.step, s.timeFs);
            } else {
                h5.write(snapshot, s.step, s.timeFs);
            }
        }
        if (extxyz != null) {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("step", s.step);
            info.put("time_fs", s.timeFs);
            info.putAll(observables);
            boolean folded = wrap && sys.cell().isPeriodic();
            if (folded) wrapPositions(s.positions, sys);
            Frame frame = new Frame(sys.atomicNumbers(), folded ? wrapped : s.positions, sys.cell(), s.potentialEnergyEv, s.forces, s.velocities, info);
            extxyz.record().append(ExtxyzWriter.format(frame, velocityFormat, Map.of(), folded ? Map.of(IMAGES_COLUMN, images) : Map.of()));
            extxyz.commit();
        }
        framesWritten++;
        lastFrameStep = s.step;
    }

    /** The extended XYZ column of the image counts of wrapped positions. */
    static final String IMAGES_COLUMN = "images";

    private void wrapPositions(double[] x, MolecularSystem sys) {
        if (wrapped.length != x.length) { wrapped = new double[x.length]; images = new int[x.length]; }
        PeriodicImages.wrap(x, sys.cell(), wrapped, images);
    }

    /** The force field's per-step observables (e.g. an ensemble's spread) as frame info: extxyz keys, H5MD /observables. */
    private static Map<String, Object> observables(Simulation sim) {
        java.util.List<String> names = sim.forceField().observableNames();
        if (names.isEmpty()) return Map.of();
        double[] v = new double[names.size()];
        sim.forceField().observables(v);
        Map<String, Object> out = new LinkedHashMap<>();
        for (int k = 0; k < v.length; k++) out.put(names.get(k), v[k]);
        return out;
    }

    /** Forces written frames to disk and returns the marks a checkpoint records. */
    Checkpoint.OutputMarks sync(long thermoBytes) throws IOException {
        long xBytes = 0;
        if (extxyz != null) {
            extxyz.sync();
            xBytes = extxyz.position();
        }
        if (h5 != null) h5.flush();
        return new Checkpoint.OutputMarks(thermoBytes, xBytes, framesWritten);
    }

    @Override public void close() throws IOException {
        try {
            if (extxyz != null) extxyz.close();
        } finally {
            if (h5 != null) h5.close();
        }
    }
}
