package md.engine.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code thermo.csv}: one line every N steps with
 * {@code step,time_ps,epot_eV,ekin_eV,etot_eV,temperature_K,conserved_eV,steps_per_s}. Numbers are
 * written in Java's shortest round-trip form, so the file holds the exact doubles; steps_per_s is the
 * wall-clock rate since the previous line ({@code NaN} on the first line of a run or after a resume).
 * Extra columns (e.g. a force field's {@link md.forcefields.ForceField#observableNames() observables}) follow
 * the base columns, which keep their order; their values are supplied by the caller with each line.
 */
final class ThermoLog implements AutoCloseable {
    static final String HEADER = "step,time_ps,epot_eV,ekin_eV,etot_eV,temperature_K,conserved_eV,steps_per_s";
    static final String FILE = "thermo.csv";

    private static final double[] NONE = new double[0];

    private final TextOutput out;
    private final int extraColumns;
    private long lastStep = -1;
    private long lastNanos;

    private ThermoLog(TextOutput out, int extraColumns) {
        this.out = out;
        this.extraColumns = extraColumns;
    }

    static ThermoLog create(Path dir) throws IOException { return create(dir, List.of()); }

    /** A new log whose header is {@link #HEADER} followed by {@code extraColumns}. */
    static ThermoLog create(Path dir, List<String> extraColumns) throws IOException {
        ThermoLog log = new ThermoLog(TextOutput.create(dir.resolve(FILE)), extraColumns.size());
        StringBuilder header = log.out.record().append(HEADER);
        for (String c : extraColumns) header.append(',').append(c);
        header.append('\n');
        log.out.commit();
        return log;
    }

    static ThermoLog resume(Path dir, long length) throws IOException { return resume(dir, length, List.of()); }

    /** Continues a log written with the same {@code extraColumns}. */
    static ThermoLog resume(Path dir, long length, List<String> extraColumns) throws IOException {
        return new ThermoLog(TextOutput.resume(dir.resolve(FILE), length), extraColumns.size());
    }

    void write(Simulation sim) throws IOException { write(sim, NONE); }

    /** One line; {@code extra} holds the values of the extra columns, in header order. */
    void write(Simulation sim, double[] extra) throws IOException {
        if (extra.length != extraColumns)
            throw new IllegalArgumentException("thermo line with " + extra.length + " extra values for " + extraColumns + " extra columns");
        long now = System.nanoTime();
        long step = sim.state().step;
        double epot = sim.state().potentialEnergyEv, ekin = sim.kineticEnergyEv();
        StringBuilder sb = out.record();
        sb.append(step).append(',')
          .append(sim.state().timeFs / md.core.Units.FS_PER_PS).append(',')
          .append(epot).append(',')
          .append(ekin).append(',')
          .append(epot + ekin).append(',')
          .append(sim.temperatureK(ekin)).append(',')
          .append(epot + ekin + sim.integrator().conservedEnergyExtraEv(sim.state())).append(',');
        if (lastStep >= 0 && step > lastStep && now > lastNanos) sb.append((step - lastStep) * 1e9 / (now - lastNanos));
        else sb.append("NaN");
        for (double v : extra) sb.append(',').append(v);
        sb.append('\n');
        out.commit();
        lastStep = step;
        lastNanos = now;
    }

    long position() throws IOException { return out.position(); }

    void sync() throws IOException { out.sync(); }

    @Override public void close() throws IOException { out.close(); }
}
