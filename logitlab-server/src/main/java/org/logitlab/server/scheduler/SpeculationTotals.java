package org.logitlab.server.scheduler;

/**
 * Speculative decoding's counters over every sequence that ran speculatively since the server started.
 *
 * @param sequences sequences that decoded speculatively
 * @param draftedTokens drafted tokens sent to verification
 * @param acceptedTokens drafted tokens the verifier kept
 * @param rounds verification rounds that had a draft
 * @param targetPasses forward passes of the target these sequences took part in, their prompts' included
 * @param generatedTokens tokens these sequences emitted
 */
public record SpeculationTotals(
        long sequences, long draftedTokens, long acceptedTokens, long rounds, long targetPasses, long generatedTokens) {

    public static final SpeculationTotals NONE = new SpeculationTotals(0, 0, 0, 0, 0, 0);

    /** Accepted / drafted. */
    public double acceptanceRate() {
        return draftedTokens == 0 ? 0.0 : (double) acceptedTokens / draftedTokens;
    }

    /** Drafted tokens kept per round that had a draft. */
    public double meanAcceptedLength() {
        return rounds == 0 ? 0.0 : (double) acceptedTokens / rounds;
    }
}
