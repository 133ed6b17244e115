package md.engine.run;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code thermo.csv}: one line every N steps with
 * {@code step,time_ps,epot_eV,ekin_eV,etot_eV,temperature_K,conserved_eV,steps_per_s} (for a fully periodic
 * cell with a virial, {@code pressure_bar} before steps_per_s: kinetic plus virial pressure,
 * {@link Simulation#pressureBar}; with {@code output.pressure_tensor: true} also the pressure tensor's six
 * components in Voigt order, {@code pxx_bar,pyy_bar,pzz_bar,pyz_bar,pxz_bar,pxy_bar} (kinetic plus virial,
 * LAMMPS' pxx… sign: positive under compression, ASE's stress is minus these; {@link Simulation#pressureTensorBar});
 * steps_per_s stays the last of the fixed columns), then the force
 * field's own per-step quantities ({@link md.forcefields.ForceField#observableNames()}, e.g. an ensemble's
 * spread) and, for forces that are not −∇E_pot, {@code nonconservative_work_eV} (see
 * {@link Simulation#nonconservativeWorkEv()}). Numbers are written in Java's shortest round-trip form, so
 * the file holds the exact doubles; steps_per_s is the wall-clock rate since the previous line ({@code NaN}
 * on the first line of a run or after a resume). With a barostat, {@code volume_A3} (and for anisotropic
 * coupling the lengths {@code cell_x_A,cell_y_A,cell_z_A} of the orthorhombic cell, for flexible coupling the
 * nine lattice-vector components {@code cell_ax_A ... cell_cz_A}) follow pressure_bar.
 */
final class ThermoLog implements AutoCloseable {
    static final String HEADER = "step,time_ps,epot_eV,ekin_eV,etot_eV,temperature_K,conserved_eV,steps_per_s";
    static final String FILE = "thermo.csv";
    static final String NONCONSERVATIVE_WORK = "nonconservative_work_eV";
    static final String PRESSURE = "pressure_bar";
    /** The pressure tensor columns, Voigt order, and their indices in the row-major 3×3 tensor. */
    static final java.util.List<String> PRESSURE_TENSOR = java.util.List.of("pxx_bar", "pyy_bar", "pzz_bar", "pyz_bar", "pxz_bar", "pxy_bar");
    private static final int[] VOIGT = {0, 4, 8, 5, 2, 1};
    static final String VOLUME = "volume_A3", CELL_LENGTHS = "cell_x_A,cell_y_A,cell_z_A";
    /** Flexible coupling: the three lattice vectors' Cartesian components, a then b then c (the extxyz Lattice order). */
    static final String CELL_VECTORS = "cell_ax_A,cell_ay_A,cell_az_A,cell_bx_A,cell_by_A,cell_bz_A,cell_cx_A,cell_cy_A,cell_cz_A";

    private final TextOutput out;
    private final double[] observables;
    /** Whether the rows have pressure_bar (a log begun by an md without that column keeps its columns on resume). */
    private final boolean pressure;
    /** Whether the rows have the pressure tensor columns (on resume: whether the log's header has them). */
    private final boolean pressureTensor;
    private final double[] tensor = new double[9];
    private long lastStep = -1;
    private long lastNanos;

    private ThermoLog(TextOutput out, Simulation sim, boolean pressure, boolean pressureTensor) {
        this.out = out;
        this.observables = new double[sim.forceField().observableNames().size()];
        this.pressure = pressure && sim.reportsPressure();
        this.pressureTensor = pressureTensor && sim.reportsPressure();
    }

    /** The header of {@code sim}'s log: the fixed columns, then the force field's observables and the non-conservative work. */
    static String header(Simulation sim, boolean pressureTensor) {
        String pressureColumns = "," + PRESSURE + (pressureTensor ? "," + String.join(",", PRESSURE_TENSOR) : "") + cellColumns(sim);
        StringBuilder h = new StringBuilder(sim.reportsPressure() ? HEADER.replace(",steps_per_s", pressureColumns + ",steps_per_s") : HEADER);
        for (String name : sim.forceField().observableNames()) h.append(',').append(name);
        if (!sim.conservative()) h.append(',').append(NONCONSERVATIVE_WORK);
        return h.toString();
    }

    /** The barostat's columns (with a leading comma), or "" at constant volume. */
    private static String cellColumns(Simulation sim) {
        if (!(sim.integrator() instanceof md.integrators.IsobaricIntegrator npt)) return "";
        return "," + VOLUME + switch (npt.barostat().coupling()) {
            case ANISOTROPIC -> "," + CELL_LENGTHS;
            case FLEXIBLE -> "," + CELL_VECTORS;
            case ISOTROPIC -> "";
        };
    }

    /** A new log; {@code pressureTensor}: with the pressure tensor columns (where the simulation reports pressure). */
    static ThermoLog create(Path dir, Simulation sim, boolean pressureTensor) throws IOException {
        ThermoLog log = new ThermoLog(TextOutput.create(dir.resolve(FILE)), sim, true, pressureTensor);
        log.out.record().append(header(sim, log.pressureTensor)).append('\n');
        log.out.commit();
        return log;
    }

    static ThermoLog resume(Path dir, long length, Simulation sim) throws IOException {
        String firstLine;
        try (java.io.BufferedReader r = java.nio.file.Files.newBufferedReader(dir.resolve(FILE), java.nio.charset.StandardCharsets.UTF_8)) {
            firstLine = r.readLine();
        }
        java.util.List<String> columns = firstLine == null ? java.util.List.of() : java.util.Arrays.asList(firstLine.split(","));
        return new ThermoLog(TextOutput.resume(dir.resolve(FILE), length), sim, columns.contains(PRESSURE), columns.contains(PRESSURE_TENSOR.get(0)));
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
        if (pressure) sb.append(sim.pressureBar(ekin)).append(',');
        if (pressureTensor) {
            sim.pressureTensorBar(tensor);
            for (int k : VOIGT) sb.append(tensor[k]).append(',');
        }
        if (pressure && sim.integrator() instanceof md.integrators.IsobaricIntegrator npt) {
            md.core.Cell cell = sim.system().cell();
            sb.append(cell.volume()).append(',');
            if (npt.barostat().coupling() == md.integrators.Barostat.Coupling.ANISOTROPIC)
                sb.append(cell.vector(0, 0)).append(',').append(cell.vector(1, 1)).append(',').append(cell.vector(2, 2)).append(',');
            else if (npt.barostat().coupling() == md.integrators.Barostat.Coupling.FLEXIBLE)
                for (int k = 0; k < 9; k++) sb.append(cell.vector(k / 3, k % 3)).append(',');
        }
        if (lastStep >= 0 && step > lastStep && now > lastNanos) sb.append((step - lastStep) * 1e9 / (now - lastNanos));
        else sb.append("NaN");
        if (observables.length > 0) {
            sim.forceField().observables(observables);
            for (double v : observables) sb.append(',').append(v);
        }
        if (!sim.conservative()) sb.append(',').append(sim.nonconservativeWorkEv());
        sb.append('\n');
        out.commit();
        lastStep = step;
        lastNanos = now;
    }

    long position() throws IOException { return out.position(); }

    void sync() throws IOException { out.sync(); }

    @Override public void close() throws IOException { out.close(); }
}
