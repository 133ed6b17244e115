package md.integrators;

import static org.junit.jupiter.api.Assertions.*;

import java.util.function.Supplier;

import md.thermostats.Berendsen;
import md.thermostats.Langevin;
import md.thermostats.NoseHooverChain;

import org.junit.jupiter.api.Test;

/**
 * Checkpoint and resume: saving after N steps, restoring into freshly built integrators and continuing
 * gives exactly (bit for bit) the uninterrupted trajectory, for every integrator and thermostat.
 */
class SaveRestoreTest {
    static final int ATOMS = 30, NF = 3 * ATOMS;
    static final ForceEvaluator FORCES = CanonicalEnsembles.coupledWells(ATOMS);

    /** {@code fresh} builds the integrator as a resumed run would, from the input settings only. */
    private static void assertResumeIsBitIdentical(String name, Supplier<Integrator> original, Supplier<Integrator> fresh) {
        MdState uninterrupted = CanonicalEnsembles.start(ATOMS, 400.0, 77, FORCES);
        Integrator a = original.get();
        for (int i = 0; i < 700; i++) a.step(uninterrupted, FORCES);

        MdState first = CanonicalEnsembles.start(ATOMS, 400.0, 77, FORCES);
        Integrator b = original.get();
        for (int i = 0; i < 300; i++) b.step(first, FORCES);
        byte[] saved = b.saveState();
        // what a checkpoint holds of the MdState: positions, velocities, forces, energy, step, time
        MdState resumed = new MdState(first.positions.clone(), first.velocities.clone(), first.massesAmu.clone());
        System.arraycopy(first.forces, 0, resumed.forces, 0, first.forces.length);
        resumed.potentialEnergyEv = first.potentialEnergyEv;
        resumed.step = first.step;
        resumed.timeFs = first.timeFs;
        Integrator c = fresh.get();
        c.restoreState(saved);
        for (int i = 0; i < 400; i++) c.step(resumed, FORCES);

        assertArrayEquals(uninterrupted.positions, resumed.positions, name + " positions");
        assertArrayEquals(uninterrupted.velocities, resumed.velocities, name + " velocities");
        assertArrayEquals(uninterrupted.forces, resumed.forces, name + " forces");
        assertEquals(uninterrupted.potentialEnergyEv, resumed.potentialEnergyEv, name + " energy");
        assertEquals(uninterrupted.step, resumed.step);
        assertEquals(uninterrupted.timeFs, resumed.timeFs);
        assertEquals(a.conservedEnergyExtraEv(uninterrupted), c.conservedEnergyExtraEv(resumed), name + " conserved extra");
        assertArrayEquals(a.saveState(), c.saveState(), name + " thermostat state");
    }

    @Test
    void velocityVerletNve() {
        assertResumeIsBitIdentical("NVE", () -> new VelocityVerlet(1.0), () -> new VelocityVerlet(1.0));
    }

    @Test
    void noseHooverChain() {
        Supplier<Integrator> make = () -> new VelocityVerlet(1.0, new NoseHooverChain(300, 50, NF, 4, 2, 5));
        assertResumeIsBitIdentical("NHC", make, make);
    }

    @Test
    void langevinRestoresItsRandomNumberStream() {
        // the resumed thermostat is even built with another seed: the saved generator state must win
        assertResumeIsBitIdentical("Langevin",
                () -> new VelocityVerlet(1.0, new Langevin(300, 2.0, NF, 1234)),
                () -> new VelocityVerlet(1.0, new Langevin(300, 2.0, NF, 99)));
    }

    @Test
    void berendsen() {
        Supplier<Integrator> make = () -> new VelocityVerlet(1.0, new Berendsen(300, 100, NF));
        assertResumeIsBitIdentical("Berendsen", make, make);
    }

    @Test
    void noseHooverFu() {
        Supplier<Integrator> make = () -> new NoseHooverFu(0.5, 300, 20, ATOMS);
        assertResumeIsBitIdentical("NoseHooverFu", make, make);
    }

    @Test
    void stateOfAnotherKindIsRejectedWithAClearMessage() {
        byte[] nhc = new VelocityVerlet(1.0, new NoseHooverChain(300, 50, NF)).saveState();
        var e = assertThrows(IllegalArgumentException.class,
                () -> new VelocityVerlet(1.0, new Langevin(300, 2.0, NF, 1)).restoreState(nhc));
        assertTrue(e.getMessage().contains("NoseHooverChain") && e.getMessage().contains("Langevin"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class,
                () -> new VelocityVerlet(1.0, new NoseHooverChain(300, 50, NF, 5, 1, 3)).restoreState(nhc));
        assertTrue(e2.getMessage().contains("different settings"), e2.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new VelocityVerlet(1.0).restoreState(nhc));
    }
}
