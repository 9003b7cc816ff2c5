package org.logitlab.speculative;

import java.util.Arrays;

/**
 * The measured cost of the target's forward pass as a function of how many tokens it evaluates. Speculative
 * decoding pays off only if a pass over k tokens costs less than k single-token passes; how much less depends
 * on the engine and the machine, and the curve need not be a line: logitlab's quantized kernels multiply two to five
 * tokens per pass over the weights, four at a time in longer batches, so three and four tokens cost about the same
 * and six costs more than five. So
 * each pass size keeps its own estimate, and a size without one is estimated between the nearest sizes that have
 * one (linearly), or beyond the largest one with the slope between the two largest.
 *
 * <p>A size's estimate is the median of its last {@link #KEPT} passes, and exists only once it has run twice. A
 * single pass is not trusted: the first pass of a size often pays for compiling the code it runs (measured: a
 * first two-token pass of 200 ms against 6 ms single-token passes; a mean, or a line fitted through it, then
 * priced a nine-token pass at over a second and drafting stopped for good). A size without an estimate is priced
 * optimistically from its neighbours (with one measured size, as the same cost), so it is tried again and
 * measured. Every estimate lies between the single-token cost and that many single-token passes: a batched pass
 * is never cheaper than one token and never dearer than running its tokens one by one.
 */
final class PassCosts {
    /** Pass sizes measured one by one; larger passes are extrapolated. */
    private static final int SIZES = 64;
    /** Recent passes per size whose median is the estimate. */
    private static final int KEPT = 7;
    /** Passes of a size before its median is trusted. */
    private static final int TRUSTED = 2;

    private final long[][] recent = new long[SIZES + 1][KEPT];
    private final int[] passes = new int[SIZES + 1];
    private final double[] median = new double[SIZES + 1];

    void record(int tokens, long nanoseconds) {
        if (tokens < 1 || tokens > SIZES) {
            return;
        }
        recent[tokens][passes[tokens] % KEPT] = nanoseconds;
        passes[tokens]++;
        if (passes[tokens] >= TRUSTED) {
            long[] sorted = Arrays.copyOf(recent[tokens], Math.min(passes[tokens], KEPT));
            Arrays.sort(sorted);
            median[tokens] = sorted[(sorted.length - 1) / 2]; // the lower middle of an even count
        }
    }

    /** Whether no pass size has an estimate yet (then nothing is cut for cost). */
    boolean isEmpty() {
        for (int tokens = 1; tokens <= SIZES; tokens++) {
            if (trusted(tokens)) {
                return false;
            }
        }
        return true;
    }

    /** Estimated cost of a pass over {@code tokens} ≥ 1 tokens, in nanoseconds; NaN while {@link #isEmpty()}. */
    double estimate(int tokens) {
        double estimate = unbounded(tokens);
        if (trusted(1)) {
            estimate = Math.clamp(estimate, median[1], tokens * median[1]);
        }
        return estimate;
    }

    private double unbounded(int tokens) {
        if (tokens <= SIZES && trusted(tokens)) {
            return median[tokens];
        }
        int below = Math.min(tokens, SIZES + 1) - 1;
        while (below >= 1 && !trusted(below)) {
            below--;
        }
        int above = tokens + 1;
        while (above <= SIZES && !trusted(above)) {
            above++;
        }
        if (below >= 1 && above <= SIZES) {
            double share = (double) (tokens - below) / (above - below);
            return median[below] + share * (median[above] - median[below]);
        }
        if (below >= 1) {
            int second = below - 1;
            while (second >= 1 && !trusted(second)) {
                second--;
            }
            double slope = second < 1 ? 0.0 : Math.max(0.0, (median[below] - median[second]) / (below - second));
            return median[below] + slope * (tokens - below);
        }
        return above <= SIZES ? median[above] : Double.NaN;
    }

    private boolean trusted(int tokens) {
        return passes[tokens] >= TRUSTED;
    }
}
