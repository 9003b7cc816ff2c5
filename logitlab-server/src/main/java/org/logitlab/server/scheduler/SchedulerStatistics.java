package org.logitlab.server.scheduler;

/**
 * A snapshot of the scheduler's counters.
 *
 * @param activeSequences sequences holding a slot (and a session) now
 * @param queuedSequences sequences waiting for a slot
 * @param stepSeconds wall time spent in forward passes and sampling
 * @param generatedTokens tokens sampled by all sequences
 * @param speculation totals over the sequences that decoded speculatively
 */
public record SchedulerStatistics(
        int activeSequences,
        int queuedSequences,
        int slots,
        long steps,
        double stepSeconds,
        long promptTokens,
        long generatedTokens,
        long completedSequences,
        long cancelledSequences,
        long failedSequences,
        SpeculationTotals speculation) {}
