package org.logitlab.speculative;

/**
 * The measured cost of the target's forward pass as a function of how many tokens it evaluates. Speculative
 * decoding pays off only if a pass over k tokens costs less than k single-token passes; how much less depends
 * on the engine and the machine, and the curve need not be a line: logitlab's quantized kernels multiply four
 * tokens per pass over the weights, so two, three and four tokens cost about the same and five costs more. So
 * each pass size keeps its own exponentially weighted mean, and a size not seen yet is estimated between the
 * nearest sizes that were (linearly), or beyond the largest one with the slope of a least-squares line over
 * all passes.
 *
 * <p>Until two different sizes have been seen the slope is taken as 0, which favours drafting: the first
 * drafts are how the curve gets measured at all.
 */
final class PassCosts {
    /** Weight of the history at each pass: about the last 1 / (1 − DECAY) = 32 passes count. */
    private static final double DECAY = 0.96875;
    /** Pass sizes measured one by one; larger passes only feed the line. */
    private static final int SIZES = 64;

    private double weight, sumTokens, sumTokensSquared, sumCost, sumTokensCost;
    private final double[] sizeWeight = new double[SIZES + 1];
    private final double[] sizeCost = new double[SIZES + 1];

    void record(int tokens, long nanoseconds) {
        weight = weight * DECAY + 1.0;
        sumTokens = sumTokens * DECAY + tokens;
        sumTokensSquared = sumTokensSquared * DECAY + (double) tokens * tokens;
        sumCost = sumCost * DECAY + nanoseconds;
        sumTokensCost = sumTokensCost * DECAY + (double) tokens * nanoseconds;
        if (tokens >= 1 && tokens <= SIZES) {
            sizeWeight[tokens] = sizeWeight[tokens] * DECAY + 1.0;
            sizeCost[tokens] = sizeCost[tokens] * DECAY + nanoseconds;
        }
    }

    boolean isEmpty() {
        return weight == 0.0;
    }

    /** Estimated cost of a pass over {@code tokens} tokens, in nanoseconds. */
    double estimate(int tokens) {
        if (tokens >= 1 && tokens <= SIZES && sizeWeight[tokens] > 0) {
            return mean(tokens);
        }
        int below = Math.min(tokens, SIZES + 1) - 1;
        while (below >= 1 && sizeWeight[below] == 0) {
            below--;
        }
        int above = tokens + 1;
        while (above <= SIZES && sizeWeight[above] == 0) {
            above++;
        }
        if (below >= 1 && above <= SIZES) {
            double share = (double) (tokens - below) / (above - below);
            return mean(below) + share * (mean(above) - mean(below));
        }
        if (below >= 1) {
            // beyond the largest measured size: continue from it with the line's slope
            return mean(below) + slope() * (tokens - below);
        }
        return line(tokens);
    }

    private double mean(int tokens) {
        return sizeCost[tokens] / sizeWeight[tokens];
    }

    private double slope() {
        double meanTokens = sumTokens / weight;
        double variance = sumTokensSquared / weight - meanTokens * meanTokens;
        return variance > 1e-6
                ? Math.max(0.0, (sumTokensCost / weight - meanTokens * (sumCost / weight)) / variance)
                : 0.0;
    }

    /** The least-squares line's value, never below the per-token share (a negative intercept is noise). */
    private double line(int tokens) {
        double slope = slope();
        double intercept = sumCost / weight - slope * (sumTokens / weight);
        return Math.max(intercept + slope * tokens, slope * tokens);
    }
}
