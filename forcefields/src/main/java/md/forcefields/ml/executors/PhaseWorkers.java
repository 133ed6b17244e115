package md.forcefields.ml.executors;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed team of threads that runs one phase {@code body(0 … threads−1)} at a time, part 0 on the
 * caller, and returns when all parts are done. Allocation-free (unlike a {@code Semaphore}, whose
 * waiting threads allocate queue nodes): threads wait by spinning briefly (phases follow each other
 * within microseconds in an MD step), then park. Inside a {@linkplain #beginBurst burst} (one model
 * evaluation: tens of phases, some of them uneven) they go on waiting without parking for up to
 * {@link #BURST_WAIT_NANOS}, yielding the core after the short spin: waking a parked thread costs tens of
 * microseconds on a virtual machine, as much as a small model's phase, while yielding keeps a busy machine
 * usable (a thread that only spun would hold its core while the thread it waits for is descheduled).
 * Workers are daemon threads named {@code md-worker-N}.
 */
public final class PhaseWorkers implements AutoCloseable {
    /** How long a waiting thread spins before parking: a few phase lengths of the small models. */
    private static final long SPIN_NANOS = 50_000;
    /** Inside a burst: how long a waiting thread yields (after spinning SPIN_NANOS) before it parks. */
    private static final long BURST_WAIT_NANOS = 1_000_000;

    private final int threads;
    private final Thread[] workers;
    private final AtomicInteger remaining = new AtomicInteger();
    private volatile int generation;
    private volatile IntConsumer job;
    private volatile Thread caller;
    private volatile Throwable failure;
    private volatile boolean closed;
    /** Inside a burst of phases: waiting threads yield instead of parking (up to BURST_WAIT_NANOS). */
    private volatile boolean burst;

    public PhaseWorkers(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        workers = new Thread[threads];
        for (int t = 1; t < threads; t++) {
            int part = t;
            workers[t] = new Thread(() -> workerLoop(part), "md-worker-" + t);
            workers[t].setDaemon(true);
            workers[t].start();
        }
    }

    public int threads() { return threads; }

    /** Ids of the worker threads (parts 1 … threads−1). */
    public long[] workerIds() {
        long[] ids = new long[threads - 1];
        for (int t = 1; t < threads; t++) ids[t - 1] = workers[t].threadId();
        return ids;
    }

    /**
     * Starts a burst of phases (e.g. one model evaluation): until {@link #endBurst}, threads waiting for the
     * next phase or for the other parts yield after their short spin instead of parking (for up to
     * {@link #BURST_WAIT_NANOS}). Pair with endBurst in a finally block.
     */
    public void beginBurst() { burst = true; }

    /** Ends the burst: waiting threads park again after their short spin. */
    public void endBurst() { burst = false; }

    /** Runs body(0 … threads−1) and waits for all parts; rethrows the first failure. */
    public void run(IntConsumer body) {
        if (threads == 1) { body.accept(0); return; }
        if (closed) throw new IllegalStateException("evaluator was closed");
        job = body;
        failure = null;
        caller = Thread.currentThread();
        remaining.set(threads - 1);
        generation++; // only the caller writes it; the volatile write publishes job and caller
        for (int t = 1; t < threads; t++) LockSupport.unpark(workers[t]);
        Throwable mine = null;
        try {
            body.accept(0);
        } catch (Throwable e) {
            mine = e;
        }
        long waitStart = System.nanoTime();
        while (remaining.get() != 0) idle(waitStart);
        Throwable f = mine != null ? mine : failure;
        if (f instanceof RuntimeException re) throw re;
        if (f instanceof Error er) throw er;
        if (f != null) throw new IllegalStateException(f);
    }

    private void workerLoop(int t) {
        int seen = 0;
        while (true) {
            long waitStart = System.nanoTime();
            int g;
            while ((g = generation) == seen) {
                if (closed) return;
                idle(waitStart);
            }
            seen = g;
            try {
                job.accept(t);
            } catch (Throwable e) {
                failure = e;
            }
            if (remaining.decrementAndGet() == 0) LockSupport.unpark(caller);
        }
    }

    /** One round of waiting that began at {@code waitStart}: spin, then (in a burst) yield, then park. */
    private void idle(long waitStart) {
        long waited = System.nanoTime() - waitStart;
        if (waited < SPIN_NANOS) Thread.onSpinWait();
        else if (burst && waited < SPIN_NANOS + BURST_WAIT_NANOS) Thread.yield();
        else LockSupport.park(this);
    }

    /** Stops the worker threads. */
    @Override public void close() {
        closed = true;
        for (int t = 1; t < threads; t++) LockSupport.unpark(workers[t]);
    }
}
