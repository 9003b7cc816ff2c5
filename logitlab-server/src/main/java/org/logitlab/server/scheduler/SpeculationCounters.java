package org.logitlab.server.scheduler;

import java.util.concurrent.atomic.AtomicLong;

/** The scheduler's running {@link SpeculationTotals}: written by the engine thread, read by /metrics. */
final class SpeculationCounters {
    final AtomicLong sequences = new AtomicLong();
    final AtomicLong draftedTokens = new AtomicLong();
    final AtomicLong acceptedTokens = new AtomicLong();
    final AtomicLong rounds = new AtomicLong();
    final AtomicLong targetPasses = new AtomicLong();
    final AtomicLong generatedTokens = new AtomicLong();

    SpeculationTotals snapshot() {
        return new SpeculationTotals(
                sequences.get(),
                draftedTokens.get(),
                acceptedTokens.get(),
                rounds.get(),
                targetPasses.get(),
                generatedTokens.get());
    }
}
