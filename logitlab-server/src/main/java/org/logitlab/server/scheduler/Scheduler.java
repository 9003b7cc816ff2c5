package org.logitlab.server.scheduler;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.logitlab.model.Model;
import org.logitlab.session.Logits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous batching: one engine thread steps every active sequence together. Between steps, queued sequences
 * join while fewer than {@code parallel} slots are busy, finished and cancelled ones leave (dropping their
 * session, i.e. freeing the KV cache). The forward passes of a step are delegated to a {@link BatchStepper}.
 *
 * <p>Sequences never share state, so a sequence's tokens do not depend on which others run beside it: a seeded
 * request produces the same output alone or under load. A speculative sequence's step carries its pending token
 * plus a draft ({@link SequenceSpeculation}), so it may advance several tokens per step.
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

    private final Model model;
    private final Model draftModel;
    private final BatchStepper stepper;
    private final int parallel;
    private final int queueLimit;
    private final int contextLength;
    private final Object lock = new Object();
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>(); // guarded by lock
    private final List<Running> active = new ArrayList<>(); // engine thread only
    private final Thread engine;
    private volatile boolean closed;
    private volatile int activeCount;
    private final AtomicLong steps = new AtomicLong();
    private final AtomicLong stepNanos = new AtomicLong();
    private final AtomicLong promptTokens = new AtomicLong();
    private final AtomicLong generatedTokens = new AtomicLong();
    private final AtomicLong completedSequences = new AtomicLong();
    private final AtomicLong cancelledSequences = new AtomicLong();
    private final AtomicLong failedSequences = new AtomicLong();
    private final SpeculationCounters speculation = new SpeculationCounters();

    /**
     * @param parallel sequences stepped together at most (slots)
     * @param queueLimit sequences allowed to wait for a slot; more are refused with {@link QueueFullException}
     * @param contextLength the longest sequence (prompt + generated tokens) a request may ask for
     */
    public Scheduler(Model model, BatchStepper stepper, int parallel, int queueLimit, int contextLength) {
        this(model, null, stepper, parallel, queueLimit, contextLength);
    }

    /**
     * @param draftModel the draft model of sequences speculating in {@link SpeculativeMode#DRAFT} mode (each gets
     *     its own session of it), or null
     */
    public Scheduler(
            Model model, Model draftModel, BatchStepper stepper, int parallel, int queueLimit, int contextLength) {
        if (parallel < 1) {
            throw new IllegalArgumentException("parallel must be >= 1, got " + parallel);
        }
        if (queueLimit < 0) {
            throw new IllegalArgumentException("queueLimit must be >= 0, got " + queueLimit);
        }
        if (contextLength < 1) {
            throw new IllegalArgumentException("contextLength must be >= 1, got " + contextLength);
        }
        this.model = model;
        this.draftModel = draftModel;
        this.stepper = stepper;
        this.parallel = parallel;
        this.queueLimit = queueLimit;
        this.contextLength = contextLength;
        this.engine = Thread.ofPlatform().name("logitlab-engine").daemon().unstarted(this::run);
        engine.start();
    }

    /** A request's sequences in the scheduler; {@link #cancel()} stops them and frees their sessions. */
    public static final class Submission {
        private volatile boolean cancelled;
        private final Scheduler scheduler;

        private Submission(Scheduler scheduler) {
            this.scheduler = scheduler;
        }

        public void cancel() {
            cancelled = true;
            scheduler.wake();
        }

        public boolean cancelled() {
            return cancelled;
        }
    }

    /** The queue is full: the request is refused rather than left waiting without bound. */
    public static final class QueueFullException extends RuntimeException {
        public QueueFullException(String message) {
            super(message);
        }
    }

    private record Pending(SequenceRequest request, Consumer<SequenceEvent> events, Submission submission) {}

    private record Running(Sequence sequence, Submission submission) {}

    /**
     * Queues a request's sequences; events arrive on the engine thread, so {@code events} must be quick and must
     * not throw (hand them to a queue).
     */
    public Submission submit(List<SequenceRequest> requests, Consumer<SequenceEvent> events) {
        for (SequenceRequest request : requests) {
            long needed = (long) request.promptTokens().length + request.maxTokens();
            if (needed > contextLength) {
                throw new IllegalArgumentException("prompt of " + request.promptTokens().length + " tokens plus "
                        + request.maxTokens() + " tokens to generate exceeds the context length " + contextLength);
            }
        }
        Submission submission = new Submission(this);
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the scheduler is closed");
            }
            int free = Math.max(0, parallel - activeCount);
            if (waiting.size() + requests.size() > queueLimit + free) {
                throw new QueueFullException("the server is busy: " + waiting.size() + " sequences are queued (limit "
                        + queueLimit + "); retry later");
            }
            for (SequenceRequest request : requests) {
                waiting.add(new Pending(request, events, submission));
            }
            lock.notifyAll();
        }
        return submission;
    }

    private void wake() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    private void run() {
        while (!closed) {
            try {
                admit();
                step();
            } catch (InterruptedException interrupted) {
                return;
            } catch (RuntimeException unexpected) {
                LOG.error("engine step failed", unexpected);
            }
        }
    }

    private void admit() throws InterruptedException {
        List<Pending> admitted = new ArrayList<>();
        synchronized (lock) {
            while (!closed && active.isEmpty() && waiting.isEmpty()) {
                lock.wait();
            }
            while (active.size() + admitted.size() < parallel && !waiting.isEmpty()) {
                Pending pending = waiting.poll();
                if (pending.submission().cancelled()) {
                    cancelledSequences.incrementAndGet();
                } else {
                    admitted.add(pending);
                }
            }
            // counted under the lock, so submit() never sees a polled sequence in neither the queue nor a slot
            activeCount = active.size() + admitted.size();
        }
        for (Pending pending : admitted) {
            SequenceRequest request = pending.request();
            int sequenceContext = Math.max(1, request.promptTokens().length + request.maxTokens());
            try {
                active.add(new Running(
                        new Sequence(model, draftModel, request, sequenceContext, pending.events(), speculation),
                        pending.submission()));
                promptTokens.addAndGet(request.promptTokens().length);
            } catch (RuntimeException error) {
                failedSequences.incrementAndGet();
                pending.events().accept(new SequenceEvent.Failed(request.choice(), error));
            }
        }
        activeCount = active.size();
    }

    private void step() {
        List<Running> stepping = new ArrayList<>(active.size());
        List<StepInput> inputs = new ArrayList<>(active.size());
        for (Iterator<Running> iterator = active.iterator(); iterator.hasNext(); ) {
            Running running = iterator.next();
            if (running.submission().cancelled()) {
                iterator.remove();
                activeCount = active.size(); // the slot is free before the cancellation is counted
                cancelledSequences.incrementAndGet();
                continue;
            }
            StepInput input;
            try {
                input = running.sequence().nextStep(); // may draft, e.g. run the draft model
            } catch (RuntimeException error) {
                LOG.warn("sequence failed preparing its step", error);
                failedSequences.incrementAndGet();
                running.sequence().fail(error);
                continue;
            }
            if (input != null) {
                stepping.add(running);
                inputs.add(input);
            }
        }
        if (!inputs.isEmpty()) {
            long start = System.nanoTime();
            List<Logits> outputs;
            try {
                outputs = stepper.step(inputs);
            } catch (RuntimeException error) {
                LOG.error("forward pass of {} sequences failed", inputs.size(), error);
                for (Running running : stepping) {
                    running.sequence().fail(error);
                    failedSequences.incrementAndGet();
                }
                outputs = null;
            }
            stepNanos.addAndGet(System.nanoTime() - start);
            steps.incrementAndGet();
            if (outputs != null) {
                for (int i = 0; i < stepping.size(); i++) {
                    Sequence sequence = stepping.get(i).sequence();
                    try {
                        generatedTokens.addAndGet(sequence.accept(outputs.get(i)));
                    } catch (RuntimeException error) {
                        LOG.warn("sequence failed", error);
                        failedSequences.incrementAndGet();
                        sequence.fail(error);
                    }
                }
            }
        }
        for (Iterator<Running> iterator = active.iterator(); iterator.hasNext(); ) {
            if (iterator.next().sequence().finished()) {
                iterator.remove();
                activeCount = active.size();
                completedSequences.incrementAndGet();
            }
        }
        activeCount = active.size();
    }

    /** Counters for /metrics and the tests. */
    public SchedulerStatistics statistics() {
        int queued;
        synchronized (lock) {
            queued = waiting.size();
        }
        return new SchedulerStatistics(
                activeCount,
                queued,
                parallel,
                steps.get(),
                stepNanos.get() / 1e9,
                promptTokens.get(),
                generatedTokens.get(),
                completedSequences.get(),
                cancelledSequences.get(),
                failedSequences.get(),
                speculation.snapshot());
    }

    public int contextLength() {
        return contextLength;
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        engine.interrupt();
        try {
            engine.join(10_000);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
