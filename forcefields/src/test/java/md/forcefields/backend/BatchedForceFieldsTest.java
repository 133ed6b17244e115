package md.forcefields.backend;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import md.core.Cell;
import md.forcefields.Atoms;
import md.forcefields.ForceField;
import md.forcefields.NeighborList;
import md.forcefields.nequip.NequipConfig;
import md.forcefields.nequip.NequipModel;
import md.forcefields.nequip.NequipConversion;
import md.forcefields.ml.model.LearnedModel;

/**
 * Replicas on threads sharing one batched evaluation per step: each replica's energies, forces and
 * virials are bit for bit those of the same system evaluated alone on the same backend, whatever the
 * arrival order (random pauses) and however many replicas are left (replicas end after different step
 * counts); a replica that goes NaN, throws inside the batch, or whose thread dies does not hold up or
 * change the others.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // a deadlock fails instead of hanging the build
@org.junit.jupiter.api.parallel.ResourceLock(DeviceBackends.LOCK)
class BatchedForceFieldsTest {

    static final int[] Z = {1, 6, 8}; // H, C, O

    /** What to do in a replica's loop: its step count, and a misbehaviour at {@code badStep} (or none). */
    enum Trouble { NONE, NAN_POSITIONS, SHORT_POSITIONS, THREAD_THROWS }

    record Plan(int atoms, boolean periodic, int steps, Trouble trouble, int badStep) {}

    /** One replica's system and its record: energy, forces and virial at every step. */
    static final class Run {
        final Plan plan;
        final int[] z;
        final double[] x;
        final double cell;
        final NeighborList list;
        final List<double[]> record = new ArrayList<>();
        Throwable failure;
        int stepsDone;

        Run(Plan plan, Random rnd, double rMax) {
            this.plan = plan;
            int n = plan.atoms();
            cell = plan.periodic() ? 6.5 : 0;
            x = BackendTestSystems.cluster(rnd, n, plan.periodic() ? cell : 1.2 * Math.cbrt(n) + 2);
            z = new int[n];
            for (int i = 0; i < n; i++) z[i] = Z[rnd.nextInt(Z.length)];
            list = plan.periodic() ? BackendTestSystems.periodicList(x, cell, rMax + 1) : NeighborList.allPairs(n, rMax + 1);
        }

        /**
         * A few steps of a toy dynamics through {@code ff}: positions move along the forces (list kept,
         * so pairs cross r_max within the skin). Optional random pauses shuffle the arrival order.
         */
        void execute(ForceField ff, Random pauses) {
            double[] f = new double[x.length], w = new double[9];
            double[] pos = x.clone();
            Atoms atoms = new Atoms(z, pos, Cell.NONE);
            try (ff) {
                for (int step = 0; step < plan.steps(); step++) {
                    if (step == plan.badStep()) {
                        switch (plan.trouble()) {
                            case NAN_POSITIONS -> pos[0] = Double.NaN;
                            case SHORT_POSITIONS -> atoms = new Atoms(z, Arrays.copyOf(pos, pos.length - 3), Cell.NONE);
                            case THREAD_THROWS -> throw new IllegalStateException("replica thread fails at step " + step);
                            case NONE -> { }
                        }
                    }
                    if (pauses != null) LockSupport.parkNanos(pauses.nextInt(300_000));
                    double e = ff.compute(atoms, list, f, w);
                    double[] r = new double[1 + f.length + 9];
                    r[0] = e;
                    System.arraycopy(f, 0, r, 1, f.length);
                    System.arraycopy(w, 0, r, 1 + f.length, 9);
                    record.add(r);
                    for (int i = 0; i < pos.length; i++) if (Double.isFinite(f[i])) pos[i] += 2e-3 * Math.max(-5, Math.min(5, f[i]));
                    stepsDone = step + 1;
                }
            } catch (RuntimeException ex) {
                failure = ex;
            }
        }
    }

    /** The same system run alone, one evaluation at a time, on {@code backend}. */
    static final class Alone implements ForceField {
        final DeviceExecutor ev;
        final LearnedModel model;

        Alone(LearnedModel model, KernelBackend backend) { this.model = model; this.ev = new DeviceExecutor(model, backend); }

        @Override public String name() { return "nequip"; }
        @Override public double cutoffAngstrom() { return model.architecture().cutoff(); }
        @Override public boolean supportsElement(int z) { return model.architecture().typeOf(z) >= 0; }
        @Override public double compute(Atoms atoms, NeighborList nl, double[] f, double[] w) {
            return ev.compute(atoms.positions(), DeviceForceField.typesOf(model, atoms.atomicNumbers()), nl, f, w, null);
        }
        @Override public void close() { ev.close(); }
    }

    static List<Run> runs(List<Plan> plans, long seed, double rMax) {
        Random rnd = new Random(seed);
        List<Run> out = new ArrayList<>();
        for (Plan p : plans) out.add(new Run(p, rnd, rMax));
        return out;
    }

    /** Runs the replicas concurrently, one thread each, through one batched force field; returns the batch statistics. */
    static int[] runBatched(LearnedModel model, KernelBackend backend, List<Run> runs, long pauseSeed) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(runs.size());
        try (BatchedForceFields batched = new BatchedForceFields(model, backend, runs.size())) {
            List<Future<?>> done = new ArrayList<>();
            for (int k = 0; k < runs.size(); k++) {
                Run r = runs.get(k);
                ForceField ff = batched.replica(k);
                Random pauses = new Random(pauseSeed + k);
                done.add(pool.submit(() -> r.execute(ff, pauses)));
            }
            for (Future<?> f : done) f.get();
            return new int[] {batched.batches(), batched.largestBatch()};
        } finally {
            pool.shutdownNow();
        }
    }

    static LearnedModel model() {
        NequipConfig cfg = NequipConfig.simple(Z, 3.5, 2, false, 6, 3, 8, 2, 16, 6.0, new double[] {0.9, 1.1, 1.2}, new double[] {-0.5, -1.5, -1.0}, 1.0);
        return NequipConversion.toLearned(NequipModel.withRandomWeights(cfg, 21));
    }

    static KernelBackend backend(String name) { return name.equals("java") ? new JavaBackend() : DeviceBackends.require(name); }

    @ParameterizedTest @ValueSource(strings = {"java", "opencl", "cuda"})
    void eachReplicaIsBitForBitItsEvaluationAlone(String name) throws Exception {
        KernelBackend backend = backend(name);
        LearnedModel model = model();
        double rMax = model.architecture().cutoff();
        // different sizes, one periodic; replicas end after 4..12 steps, so later batches hold fewer
        List<Plan> plans = List.of(new Plan(9, false, 12, Trouble.NONE, -1), new Plan(21, false, 8, Trouble.NONE, -1),
                new Plan(14, true, 12, Trouble.NONE, -1), new Plan(9, false, 4, Trouble.NONE, -1), new Plan(5, false, 10, Trouble.NONE, -1));
        List<Run> alone = runs(plans, 7, rMax);
        for (Run r : alone) r.execute(new Alone(model, backend), null);
        for (long pauseSeed : new long[] {1, 2}) { // two arrival orders
            List<Run> batched = runs(plans, 7, rMax);
            int[] stats = runBatched(model, backend, batched, pauseSeed);
            assertEquals(12, stats[0], "one batch per step of the longest replica");
            assertEquals(5, stats[1], "the first steps hold all replicas");
            for (int k = 0; k < plans.size(); k++) {
                Run a = alone.get(k), b = batched.get(k);
                assertNull(b.failure, "replica " + k);
                assertEquals(plans.get(k).steps(), b.record.size(), "steps of replica " + k);
                for (int s = 0; s < a.record.size(); s++)
                    assertArrayEquals(a.record.get(s), b.record.get(s), name + ": replica " + k + " step " + s + " energy/forces/virial (bit for bit)");
                assertArrayEquals(a.x, b.x, "replica " + k + " initial positions");
            }
        }
    }

    @ParameterizedTest @ValueSource(strings = {"java", "opencl"})
    void troubleInOneReplicaLeavesTheOthersAsAlone(String name) throws Exception {
        KernelBackend backend = backend(name);
        LearnedModel model = model();
        double rMax = model.architecture().cutoff();
        List<Plan> plans = List.of(new Plan(9, false, 8, Trouble.NONE, -1),
                new Plan(9, false, 8, Trouble.NAN_POSITIONS, 2),    // energy and forces become NaN; it carries on
                new Plan(12, false, 8, Trouble.SHORT_POSITIONS, 3), // computeBatch throws for it: the batch is redone replica by replica
                new Plan(9, false, 8, Trouble.THREAD_THROWS, 4),    // dies between steps (closing its replica)
                new Plan(21, false, 8, Trouble.NONE, -1));
        List<Run> alone = runs(plans, 9, rMax);
        for (Run r : alone) r.execute(new Alone(model, backend), null);
        List<Run> batched = runs(plans, 9, rMax);
        runBatched(model, backend, batched, 3);

        for (int k : new int[] {0, 4}) {
            assertNull(batched.get(k).failure);
            assertEquals(8, batched.get(k).record.size());
            for (int s = 0; s < 8; s++) assertArrayEquals(alone.get(k).record.get(s), batched.get(k).record.get(s), "replica " + k + " step " + s);
        }
        Run nan = batched.get(1);
        assertNull(nan.failure);
        assertEquals(8, nan.record.size());
        for (int s = 0; s < 2; s++) assertArrayEquals(alone.get(1).record.get(s), nan.record.get(s));
        for (int s = 2; s < 8; s++)
            for (double v : nan.record.get(s)) assertTrue(Double.isNaN(v), "energy, forces and virial are NaN from the NaN position on (step " + s + ")");
        // as the host executor reports it
        Run host = runs(plans, 9, rMax).get(1);
        host.execute(new md.forcefields.ml.potential.LearnedForceField(model), null);
        assertTrue(Double.isNaN(host.record.get(2)[0]));

        Run shortRun = batched.get(2);
        assertInstanceOf(IllegalArgumentException.class, shortRun.failure);
        assertTrue(shortRun.failure.getMessage().contains("positions hold 11 atoms, types 12"), shortRun.failure.getMessage());
        assertEquals(3, shortRun.stepsDone);
        assertEquals(alone.get(2).failure.getMessage(), shortRun.failure.getMessage());

        Run dies = batched.get(3);
        assertEquals("replica thread fails at step 4", dies.failure.getMessage());
        assertEquals(4, dies.stepsDone);
        for (int s = 0; s < 4; s++) assertArrayEquals(alone.get(3).record.get(s), dies.record.get(s));
    }

    @Test
    void closingTheBatchReleasesAWaitingReplica() throws Exception {
        LearnedModel model = model();
        KernelBackend backend = new JavaBackend();
        Run r = runs(List.of(new Plan(9, false, 1, Trouble.NONE, -1)), 1, model.architecture().cutoff()).get(0);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            BatchedForceFields batched = new BatchedForceFields(model, backend, 2); // replica 1 never computes
            Future<?> f = pool.submit(() -> r.execute(batched.replica(0), null));
            Thread.sleep(200);
            assertFalse(f.isDone(), "replica 0 waits for replica 1");
            batched.close();
            f.get(10, TimeUnit.SECONDS);
            assertInstanceOf(IllegalStateException.class, r.failure);
            assertTrue(r.failure.getMessage().contains("closed while replica 0 was computing"), r.failure.getMessage());
        } catch (ExecutionException e) {
            fail(e);
        } finally {
            pool.shutdownNow();
        }
    }
}
