package md.engine.run;

import md.engine.config.BarostatConfig;
import md.engine.config.DynamicsConfig;
import md.integrators.Barostat;
import md.integrators.BerendsenBarostat;
import md.integrators.Integrator;
import md.integrators.IsobaricIntegrator;
import md.integrators.StochasticCellRescaling;
import md.integrators.NoseHooverFu;
import md.integrators.VelocityVerlet;
import md.thermostats.Berendsen;
import md.thermostats.Langevin;
import md.thermostats.NoseHooverChain;

/** Turns the {@code dynamics} section into an integrator (with its thermostat composed in). */
final class IntegratorFactory {
    private IntegratorFactory() {}

    /** The dynamics of {@code d}; with a barostat section, wrapped in an {@link IsobaricIntegrator} for a cell of {@code volumeA3}. */
    static Integrator create(DynamicsConfig d, int atomCount, int degreesOfFreedom, double volumeA3) {
        Integrator inner = create(d, atomCount, degreesOfFreedom);
        BarostatConfig b = d.barostat();
        if (b == null) return inner;
        Barostat.Coupling coupling = b.flexible() ? Barostat.Coupling.FLEXIBLE
                : b.anisotropic() ? Barostat.Coupling.ANISOTROPIC : Barostat.Coupling.ISOTROPIC;
        Barostat barostat = b.type().equals("c-rescale")
                ? new StochasticCellRescaling(b.pressureBar(), b.tauFs(), b.compressibilityPerBar(), d.temperatureK(), coupling, b.seed())
                : new BerendsenBarostat(b.pressureBar(), b.tauFs(), b.compressibilityPerBar(), coupling);
        return new IsobaricIntegrator(inner, barostat, b.everySteps(), volumeA3);
    }

    static Integrator create(DynamicsConfig d, int atomCount, int degreesOfFreedom) {
        double dt = d.timestepFs();
        return switch (d.integrator()) {
            case "velocity-verlet" -> new VelocityVerlet(dt);
            case "nose-hoover-chain" -> new VelocityVerlet(dt, new NoseHooverChain(d.temperatureK(), d.tauFs(), degreesOfFreedom, d.chainLength(), 1, 3));
            case "langevin" -> new VelocityVerlet(dt, new Langevin(d.temperatureK(), d.frictionPerPs(), degreesOfFreedom, d.seed()));
            case "berendsen" -> new VelocityVerlet(dt, new Berendsen(d.temperatureK(), d.tauFs(), degreesOfFreedom));
            case "nose-hoover-fu" -> new NoseHooverFu(dt, d.temperatureK(), d.ttime(), atomCount);
            default -> throw new IllegalArgumentException("unknown integrator " + d.integrator());
        };
    }

    /**
     * N_f for temperatures: 3N minus the centre-of-mass motion when it was removed and the dynamics keeps
     * it zero (not Langevin, whose noise moves it), minus rotation likewise for isolated molecules. The
     * Fu et al. integrator always counts 3N, as in their benchmark.
     */
    static int degreesOfFreedom(DynamicsConfig d, int atomCount, boolean comRemoved, boolean rotationRemoved) {
        boolean stochastic = d.integrator().equals("langevin");
        if (d.integrator().equals("nose-hoover-fu")) return 3 * atomCount;
        return md.thermostats.KineticEnergy.degreesOfFreedom(atomCount, comRemoved && !stochastic, rotationRemoved && !stochastic);
    }
}
