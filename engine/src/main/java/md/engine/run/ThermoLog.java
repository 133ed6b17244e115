package md.engine.run;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code thermo.csv}: one line every N steps with
 * {@code step,time_ps,epot_eV,ekin_eV,etot_eV,temperature_K,conserved_eV,steps_per_s}. Numbers are
 * written in Java's shortest round-trip form, so the file holds the exact doubles; steps_per_s is the
 * wall-clock rate since the previous line ({@code NaN} on the first line of a run or after a resume).
 */
final class ThermoLog implements AutoCloseable {
    static final String HEADER = "step,time_ps,epot_eV,ekin_eV,etot_eV,temperature_K,conserved_eV,steps_per_s";
    static final String FILE = "thermo.csv";

    private final TextOutput out;
    private long lastStep = -1;
    private long lastNanos;

    private ThermoLog(TextOutput out) { this.out = out; }

    static ThermoLog create(Path dir) throws IOException {
        ThermoLog log = new ThermoLog(TextOutput.create(dir.resolve(FILE)));
        log.out.record().append(HEADER).append('\n');
        log.out.commit();
        return log;
    }

    static ThermoLog resume(Path dir, long length) throws IOException {
        return new ThermoLog(TextOutput.resume(dir.resolve(FILE), length));
    }

    void write(Simulation sim) throws IOException {
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
        sb.append('\n');
        out.commit();
        lastStep = step;
        lastNanos = now;
    }

    long position() throws IOException { return out.position(); }

    void sync() throws IOException { out.sync(); }

    @Override public void close() throws IOException { out.close(); }
}
