package md.forcefields.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Phaser;

import md.forcefields.Atoms;
import md.forcefields.ForceField;
import md.forcefields.NeighborList;
import md.forcefields.ml.model.LearnedModel;

/**
 * One learned model on one backend shared by several independent simulations (replicas) running on
 * their own threads, each an ordinary {@link ForceField}: a replica's {@link ForceField#compute} hands
 * over its positions and neighbour list and waits; when every live replica has arrived, the last one
 * evaluates all of them in one {@link DeviceExecutor#computeBatch} launch sequence and each
 * gets its own energy, forces and virial. The simulations themselves stay ordinary MD loops.
 *
 * <p>The replicas advance in lock step: a {@link Phaser} whose parties are the open replicas. A replica
 * that stops computing (its run ended, collapsed or failed) must be {@linkplain ForceField#close closed},
 * which deregisters it so the others go on without it; a replica that neither computes nor closes holds
 * the others up.
 *
 * <p>Results do not depend on which replicas share a batch or in which order they arrive: replicas are
 * batched in index order, and the backends evaluate a replica's atoms and edges the same way alone or
 * in a batch (no atomics; sums over each atom's edges in a fixed order), so each replica's results are
 * bit for bit those of evaluating it alone on the same backend (tested). If a batch fails (an
 * exception), every replica of it is evaluated alone, so only the replica that caused it sees the
 * exception.
 */
public final class BatchedForceFields implements AutoCloseable {
    private final LearnedModel model;
    private final DeviceExecutor evaluator;
    private final Replica[] replicas;
    private final BatchPhaser phaser;
    private int batches, largestBatch;

    /** {@code count} replicas of {@code model} on {@code backend} (which the caller owns and closes after this). */
    public BatchedForceFields(LearnedModel model, KernelBackend backend, int count) {
        if (count < 1) throw new IllegalArgumentException("expected at least one replica, got " + count);
        this.model = model;
        this.evaluator = new DeviceExecutor(model, backend);
        this.phaser = new BatchPhaser(count);
        this.replicas = new Replica[count];
        for (int k = 0; k < count; k++) replicas[k] = new Replica(k);
    }

    /** The force field of replica {@code k}; use it from one thread, and close it when that thread is done with it. */
    public ForceField replica(int k) { return replicas[k]; }

    /** Batched evaluations so far. */
    public synchronized int batches() { return batches; }

    /** The most replicas evaluated in one batch so far. */
    public synchronized int largestBatch() { return largestBatch; }

    /**
     * Ends the batch (a replica still computing gets an {@link IllegalStateException}) and frees the
     * evaluator's buffers. Meant for after the replicas' threads are done.
     */
    @Override public void close() {
        phaser.forceTermination();
        evaluator.close();
    }

    /** Runs the batch in the thread of the last replica to arrive (or of the one whose close completed the phase). */
    private final class BatchPhaser extends Phaser {
        BatchPhaser(int parties) { super(parties); }

        @Override protected boolean onAdvance(int phase, int registeredParties) {
            List<Replica> waiting = new ArrayList<>();
            for (Replica r : replicas) if (r.request != null) waiting.add(r);
            if (!waiting.isEmpty()) evaluate(waiting);
            return registeredParties == 0;
        }
    }

    private void evaluate(List<Replica> waiting) {
        synchronized (this) {
            batches++;
            largestBatch = Math.max(largestBatch, waiting.size());
        }
        List<DeviceExecutor.Replica> requests = new ArrayList<>(waiting.size());
        for (Replica r : waiting) requests.add(r.request);
        try {
            double[] e = evaluator.computeBatch(requests);
            for (int k = 0; k < waiting.size(); k++) waiting.get(k).finish(e[k], null);
        } catch (Throwable batchFailure) {
            // One replica's input (or a device error) failed the batch: evaluate each alone so the failure reaches only its owner.
            for (Replica r : waiting) {
                try {
                    r.finish(evaluator.computeBatch(List.of(r.request))[0], null);
                } catch (Throwable t) {
                    r.finish(Double.NaN, t);
                }
            }
        }
    }

    private final class Replica implements ForceField {
        private final int index;
        private int[] lastNumbers, types;
        private volatile boolean closed;
        // Written by the owner before it arrives and read by the batch (and the reverse for the results):
        // the phaser's arrive/advance orders them.
        private DeviceExecutor.Replica request;
        private double energy;
        private Throwable failure;

        Replica(int index) { this.index = index; }

        @Override public String name() { return model.architecture().family(); }
        @Override public double cutoffAngstrom() { return model.architecture().cutoff(); }
        @Override public boolean supportsElement(int atomicNumber) { return model.architecture().typeOf(atomicNumber) >= 0; }
        @Override public boolean providesVirial() { return true; }

        @Override public double compute(Atoms atoms, NeighborList neighbors, double[] forcesOut, double[] virialOut) {
            if (closed) throw new IllegalStateException("replica " + index + " of a batched force field is closed");
            if (atoms.atomicNumbers() != lastNumbers) {
                types = DeviceForceField.typesOf(model, atoms.atomicNumbers());
                lastNumbers = atoms.atomicNumbers();
            }
            request = new DeviceExecutor.Replica(atoms.positions(), types, neighbors, forcesOut, virialOut, null);
            phaser.arriveAndAwaitAdvance();
            if (request != null) { // the batch was closed while this replica waited
                request = null;
                throw new IllegalStateException("the batched force fields were closed while replica " + index + " was computing");
            }
            Throwable f = failure;
            failure = null;
            if (f != null) {
                if (f instanceof RuntimeException re) throw re;
                if (f instanceof Error err) throw err;
                throw new IllegalStateException("batched evaluation of replica " + index + " failed: " + f, f);
            }
            return energy;
        }

        private void finish(double energy, Throwable failure) {
            this.energy = energy;
            this.failure = failure;
            request = null;
        }

        /** Leaves the batch (call it from the replica's own thread); the others go on without this one. Idempotent. */
        @Override public void close() {
            if (closed) return;
            closed = true;
            phaser.arriveAndDeregister();
        }
    }
}
