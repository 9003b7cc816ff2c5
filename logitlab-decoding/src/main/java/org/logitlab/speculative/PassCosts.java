package org.logitlab.speculative;

/**
 * The measured cost of the target's forward pass as a function of how many tokens it evaluates, fitted online
 * as cost(k) = a + b·k by exponentially weighted least squares over the passes of this generation. Speculative
 * decoding pays off only if a pass over k tokens costs less than k single-token passes; how much less depends
 * on the engine and the machine (memory-bound kernels make extra rows nearly free, compute-bound or widening
 * kernels make them cost as much as a pass of their own), so it is measured rather than assumed.
 *
 * <p>Until two different sizes have been seen the slope is taken as 0, which favours drafting: the first
 * drafts are how the slope gets measured at all.
 */
final class PassCosts {
    /** Weight of the history at each pass: about the last 1 / (1 − DECAY) = 32 passes count. */
    private static final double DECAY = 0.96875;

    private double weight, sumTokens, sumTokensSquared, sumCost, sumTokensCost;

    void record(int tokens, long nanoseconds) {
        weight = weight * DECAY + 1.0;
        sumTokens = sumTokens * DECAY + tokens;
        sumTokensSquared = sumTokensSquared * DECAY + (double) tokens * tokens;
        sumCost = sumCost * DECAY + nanoseconds;
        sumTokensCost = sumTokensCost * DECAY + (double) tokens * nanoseconds;
    }

    boolean isEmpty() {
        return weight == 0.0;
    }

    /** Estimated cost of a pass over {@code tokens} tokens, in nanoseconds; never below the per-token share. */
    double estimate(int tokens) {
        double mean = sumCost / weight;
        double meanTokens = sumTokens / weight;
        double variance = sumTokensSquared / weight - meanTokens * meanTokens;
        double slope = variance > 1e-6 ? Math.max(0.0, (sumTokensCost / weight - meanTokens * mean) / variance) : 0.0;
        double intercept = mean - slope * meanTokens;
        // A negative intercept (noise, or a purely per-token cost) would make small passes look free.
        return Math.max(intercept + slope * tokens, slope * tokens);
    }
}
