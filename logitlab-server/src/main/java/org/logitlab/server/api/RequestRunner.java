package org.logitlab.server.api;

import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.logitlab.server.scheduler.Scheduler;
import org.logitlab.server.scheduler.SequenceEvent;

/**
 * Runs a plan's sequences on the scheduler and hands their events, in order, to the request's thread. If the
 * handler fails (the client disconnected) or the thread is interrupted, the sequences are cancelled and their
 * sessions freed.
 */
final class RequestRunner {
    /** How long a streaming request may stay silent (queued) before a keep-alive probes the connection. */
    private static final long IDLE_PROBE_MILLISECONDS = 5_000;

    interface EventHandler {
        void handle(SequenceEvent event) throws IOException;
    }

    interface IdleProbe {
        void probe() throws IOException;
    }

    private RequestRunner() {}

    static void run(Scheduler scheduler, GenerationPlan plan, EventHandler handler, IdleProbe idle)
            throws IOException, InterruptedException {
        BlockingQueue<SequenceEvent> events = new LinkedBlockingQueue<>();
        Scheduler.Submission submission;
        try {
            submission = scheduler.submit(plan.sequences(), events::add);
        } catch (Scheduler.QueueFullException busy) {
            throw new ApiException(429, "rate_limit_error", null, "queue_full", busy.getMessage());
        }
        int running = plan.sequences().size();
        boolean completed = false;
        try {
            while (running > 0) {
                SequenceEvent event = events.poll(IDLE_PROBE_MILLISECONDS, TimeUnit.MILLISECONDS);
                if (event == null) {
                    if (idle != null) {
                        idle.probe();
                    }
                    continue;
                }
                if (event instanceof SequenceEvent.Finished || event instanceof SequenceEvent.Failed) {
                    running--;
                }
                handler.handle(event);
            }
            completed = true;
        } finally {
            if (!completed) {
                submission.cancel();
            }
        }
    }

    /** The error a failed sequence is reported as. */
    static ApiException error(SequenceEvent.Failed failed) {
        RuntimeException cause = failed.error();
        if (cause instanceof ApiException api) {
            return api;
        }
        if (cause instanceof IllegalArgumentException) {
            return ApiException.invalid(null, cause.getMessage());
        }
        return new ApiException(500, "server_error", null, null, "generation failed: " + cause);
    }
}
