package md.integrators;

import md.core.Units;
import md.thermostats.StateBytes;

/**
 * An integrator (with its thermostat) followed, every {@code everySteps} steps, by a barostat step of
 * length everySteps·dt at the step boundary: the pressure tensor of the state just reached decides the
 * scaling μ_α; positions and the cell's α components are multiplied by μ_α, velocities (C-rescale) by
 * 1/μ_α; then forces, energy and virial are evaluated again at the scaled positions, so the next step
 * starts from forces that belong to its positions (one extra force evaluation per barostat step).
 *
 * <p>Conserved quantity ("effective energy", Bernetti and Bussi 2020): E_kin + E_pot + P₀V + the inner
 * integrator's extra (thermostat) − the work the barostat did, where that work is the change of
 * E_kin + E_pot + P₀V across each barostat step. Because the extra evaluation gives the exact energy
 * after the rescaling, the work is exact rather than a first-order virial estimate, and the effective
 * energy drifts only by the integration error of the dynamics between barostat steps.
 *
 * <p>With {@link Barostat.Coupling#FLEXIBLE} coupling the barostat gives a full 3×3 deformation μ; its
 * rotation is removed ({@link CellDeformation#withoutRotation}, M = R μ), then lattice vectors and positions
 * become M r and velocities (C-rescale) M^{−T} v. The bookkeeping is the same.
 *
 * <p>The force evaluator must be a {@link CellForceEvaluator} (a fully periodic system with a virial).
 */
public final class IsobaricIntegrator implements Integrator {
    private static final String TAG = "Isobaric/1";

    private final Integrator inner;
    private final Barostat barostat;
    private final int everySteps;
    private final double p0EvPerA3;
    private double volumeA3;
    private double barostatWorkEv;
    private final double[] pressureTensorBar = new double[9], pressureDiagonalBar = new double[3], factors = new double[3],
            deformation = new double[9];

    /**
     * @param inner          the dynamics between barostat steps (NVE or thermostatted)
     * @param everySteps     barostat step every so many steps (≥ 1)
     * @param initialVolumeA3 volume of the starting cell (for the P₀V term before the first step)
     */
    public IsobaricIntegrator(Integrator inner, Barostat barostat, int everySteps, double initialVolumeA3) {
        if (everySteps < 1) throw new IllegalArgumentException("barostat interval must be ≥ 1 step, got " + everySteps);
        if (!(initialVolumeA3 > 0)) throw new IllegalArgumentException("barostat needs a cell with a volume, got " + initialVolumeA3 + " Å³");
        this.inner = inner;
        this.barostat = barostat;
        this.everySteps = everySteps;
        this.p0EvPerA3 = barostat.targetPressureBar() / Units.BAR_PER_EV_PER_A3;
        this.volumeA3 = initialVolumeA3;
    }

    public Integrator inner() { return inner; }
    public Barostat barostat() { return barostat; }
    public int everySteps() { return everySteps; }

    /** Work done on the system by the barostat so far (change of E_kin + E_pot + P₀V in its steps), eV. */
    public double barostatWorkEv() { return barostatWorkEv; }

    @Override public double timestepFs() { return inner.timestepFs(); }

    @Override
    public void step(MdState s, ForceEvaluator forces) {
        if (!(forces instanceof CellForceEvaluator cell))
            throw new IllegalArgumentException("a barostat needs a periodic system whose cell can change");
        inner.step(s, forces);
        if (s.step % everySteps == 0) rescale(s, cell);
    }

    private void rescale(MdState s, CellForceEvaluator cell) {
        double[] v = s.velocities, x = s.positions, m = s.massesAmu;
        double volume = cell.volumeA3();
        PressureTensor.bar(v, m, cell.virialEv(), volume, pressureTensorBar);
        pressureDiagonalBar[0] = pressureTensorBar[0];
        pressureDiagonalBar[1] = pressureTensorBar[4];
        pressureDiagonalBar[2] = pressureTensorBar[8];
        double pressure = (pressureDiagonalBar[0] + pressureDiagonalBar[1] + pressureDiagonalBar[2]) / 3.0;
        double kinetic = kineticEnergy(v, m);
        double before = kinetic + s.potentialEnergyEv + p0EvPerA3 * volume;

        if (barostat.coupling() == Barostat.Coupling.FLEXIBLE) {
            barostat.deformation(pressureTensorBar, volume, everySteps * inner.timestepFs(), deformation);
            double[] step = CellDeformation.withoutRotation(cell.cellVectorsA(), deformation);
            transform(step, x);
            if (barostat.scalesVelocities()) transform(CellDeformation.inverseTranspose(step), v);
            cell.deformCell(step);
        } else {
            barostat.scalingFactors(pressureDiagonalBar, pressure, volume, everySteps * inner.timestepFs(), factors);
            for (int i = 0; i < x.length; i++) x[i] *= factors[i % 3];
            if (barostat.scalesVelocities()) for (int i = 0; i < v.length; i++) v[i] /= factors[i % 3];
            cell.scaleCell(factors);
        }
        volumeA3 = cell.volumeA3();
        s.potentialEnergyEv = cell.evaluate(x, s.forces);
        double after = kineticEnergy(v, m) + s.potentialEnergyEv + p0EvPerA3 * volumeA3;
        barostatWorkEv += after - before;
    }

    /** Every 3-vector of {@code xyz} (atom-major) replaced by m times it. */
    private static void transform(double[] m, double[] xyz) {
        for (int i = 0; i < xyz.length; i += 3) {
            double a = xyz[i], b = xyz[i + 1], c = xyz[i + 2];
            xyz[i] = m[0] * a + m[1] * b + m[2] * c;
            xyz[i + 1] = m[3] * a + m[4] * b + m[5] * c;
            xyz[i + 2] = m[6] * a + m[7] * b + m[8] * c;
        }
    }

    private static double kineticEnergy(double[] v, double[] m) {
        double sum = 0;
        for (int i = 0; i < m.length; i++)
            sum += m[i] * (v[3 * i] * v[3 * i] + v[3 * i + 1] * v[3 * i + 1] + v[3 * i + 2] * v[3 * i + 2]);
        return 0.5 * sum * Units.AMU_ANGSTROM2_PER_FS2_TO_EV;
    }

    @Override
    public double conservedEnergyExtraEv(MdState state) {
        return inner.conservedEnergyExtraEv(state) + p0EvPerA3 * volumeA3 - barostatWorkEv;
    }

    @Override
    public byte[] saveState() {
        return new StateBytes.Writer(TAG).putDouble(volumeA3).putDouble(barostatWorkEv)
                .putBytes(barostat.saveState()).putBytes(inner.saveState()).toByteArray();
    }

    @Override
    public void restoreState(byte[] state) {
        StateBytes.Reader r = new StateBytes.Reader(state, TAG);
        double volume = r.getDouble(), work = r.getDouble();
        byte[] b = r.getBytes(), in = r.getBytes();
        r.end();
        barostat.restoreState(b);
        inner.restoreState(in);
        volumeA3 = volume;
        barostatWorkEv = work;
    }
}
