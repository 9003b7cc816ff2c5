package org.logitlab.distribution;

/** One token of a distribution with its natural-log probability (≤ 0; −∞ for a masked token). */
public record TokenLogProb(int id, double logProb) {
    public TokenLogProb {
        if (id < 0) {
            throw new IllegalArgumentException("id must be >= 0, got " + id);
        }
        if (Double.isNaN(logProb) || logProb > 0.0) {
            throw new IllegalArgumentException("logProb must be <= 0, got " + logProb);
        }
    }

    public double prob() {
        return Math.exp(logProb);
    }
}
