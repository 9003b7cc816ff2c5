package org.logitlab.tensor;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of daemon threads that split loops over rows ({@link #parallelFor}). The calling thread
 * works too, so a pool of {@code n} threads starts {@code n − 1}.
 *
 * <p>The hot path neither allocates nor locks: a job is published through volatile fields, chunks are
 * claimed from one {@link AtomicLong} holding (job generation, next chunk) — a thread still looking at an
 * old job cannot claim a chunk of a new one — and idle workers spin briefly before parking. When the pool
 * is already running another caller's job (or is called from inside a job), the loop runs on the calling
 * thread instead of waiting.
 */
public final class WorkerPool implements AutoCloseable {
    /** A body that handles indices {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    private static final long SPIN_NANOS = 50_000;
    private static final Object DEFAULT_LOCK = new Object();
    private static volatile WorkerPool defaultPool;

    private final int threads;
    private final Thread[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicLong claims = new AtomicLong();
    private final AtomicInteger completed = new AtomicInteger();
    private final AtomicBoolean[] sleeping;

    private volatile RangeBody body;
    private volatile int count;
    private volatile int chunkSize;
    private volatile int chunks;
    private volatile Throwable failure;
    private volatile long generation;
    private volatile boolean closed;

    /** A pool of {@code threads} threads in all, the caller's included. */
    public WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        this.sleeping = new AtomicBoolean[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            int index = i;
            sleeping[i] = new AtomicBoolean();
            workers[i] = Thread.ofPlatform()
                    .daemon(true)
                    .name("logitlab-worker-" + (i + 1))
                    .unstarted(() -> workLoop(index));
            workers[i].start();
        }
    }

    /**
     * The process-wide pool, sized by the system property {@code logitlab.threads} or else {@link
     * Runtime#availableProcessors()}.
     */
    public static WorkerPool defaultPool() {
        WorkerPool pool = defaultPool;
        if (pool == null) {
            synchronized (DEFAULT_LOCK) {
                pool = defaultPool;
                if (pool == null) {
                    pool = new WorkerPool(Integer.getInteger(
                            "logitlab.threads", Runtime.getRuntime().availableProcessors()));
                    defaultPool = pool;
                }
            }
        }
        return pool;
    }

    /** Replaces the process-wide pool by one of {@code threads} threads; the old one is closed. */
    public static void setDefaultThreads(int threads) {
        WorkerPool replacement = new WorkerPool(threads);
        WorkerPool old;
        synchronized (DEFAULT_LOCK) {
            old = defaultPool;
            defaultPool = replacement;
        }
        if (old != null) {
            old.close();
        }
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code body} over {@code [0, count)} split into chunks of at least {@code minimumChunk}. */
    public void parallelFor(int count, int minimumChunk, RangeBody body) {
        if (count < 0 || minimumChunk < 1) {
            throw new IllegalArgumentException(
                    "count must be >= 0 and minimumChunk >= 1, were " + count + " and " + minimumChunk);
        }
        // Four chunks per thread even out threads that start late or run slower.
        int chunk = Math.max(minimumChunk, Math.ceilDiv(count, threads * 4));
        int chunkCount = count == 0 ? 0 : Math.ceilDiv(count, chunk);
        if (chunkCount <= 1 || workers.length == 0 || closed || !busy.compareAndSet(false, true)) {
            if (count > 0) {
                body.run(0, count);
            }
            return;
        }
        try {
            long next = generation + 1;
            claims.set(next << 32); // first, so that a stale claim for the previous job fails
            this.body = body;
            this.count = count;
            this.chunkSize = chunk;
            this.chunks = chunkCount;
            this.failure = null;
            completed.set(0);
            generation = next;
            for (int i = 0; i < workers.length; i++) {
                if (sleeping[i].get()) {
                    LockSupport.unpark(workers[i]);
                }
            }
            runChunks(next);
            while (completed.get() < chunkCount) {
                Thread.onSpinWait();
            }
            this.body = null;
            Throwable thrown = failure;
            if (thrown != null) {
                throw new IllegalStateException("a parallel task failed: " + thrown, thrown);
            }
        } finally {
            busy.set(false);
        }
    }

    /** {@link #parallelFor(int, int, RangeBody)} with chunks of at least one index. */
    public void parallelFor(int count, RangeBody body) {
        parallelFor(count, 1, body);
    }

    private void runChunks(long job) {
        RangeBody task = body;
        int total = count;
        int size = chunkSize;
        int chunkCount = chunks;
        while (true) {
            long claim = claims.get();
            int index = (int) claim;
            if ((claim >>> 32) != job || index >= chunkCount) {
                return;
            }
            if (!claims.compareAndSet(claim, claim + 1)) {
                continue;
            }
            try {
                int start = index * size;
                task.run(start, Math.min(total, start + size));
            } catch (Throwable e) {
                failure = e;
            } finally {
                completed.incrementAndGet();
            }
        }
    }

    private void workLoop(int index) {
        long seen = 0;
        while (!closed) {
            long job = generation;
            if (job != seen) {
                seen = job;
                runChunks(job);
                continue;
            }
            long spinStart = System.nanoTime();
            while (generation == seen && !closed && System.nanoTime() - spinStart < SPIN_NANOS) {
                Thread.onSpinWait();
            }
            if (generation == seen && !closed) {
                sleeping[index].set(true);
                // Re-read after announcing sleep: the publisher writes the generation, then reads the flag.
                if (generation == seen && !closed) {
                    LockSupport.park(this);
                }
                sleeping[index].set(false);
            }
        }
    }

    /** Stops the worker threads once they finish what they are doing. */
    @Override
    public void close() {
        closed = true;
        for (Thread worker : workers) {
            LockSupport.unpark(worker);
        }
    }
}
