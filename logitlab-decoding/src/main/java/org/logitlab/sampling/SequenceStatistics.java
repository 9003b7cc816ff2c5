package org.logitlab.sampling;

import java.util.Collection;

/**
 * Running totals over a sequence of token log-probabilities (natural log): total log-probability,
 * mean, and perplexity exp(−mean). An immutable value; {@link #plus} returns the extended statistics.
 *
 * @param tokenCount number of tokens scored
 * @param totalLogProb Σ log p (≤ 0; −∞ if any token had probability 0)
 */
public record SequenceStatistics(int tokenCount, double totalLogProb) {
    public static final SequenceStatistics EMPTY = new SequenceStatistics(0, 0.0);

    public SequenceStatistics {
        if (tokenCount < 0) {
            throw new IllegalArgumentException("tokenCount must be >= 0, got " + tokenCount);
        }
        if (Double.isNaN(totalLogProb) || totalLogProb > 0) {
            throw new IllegalArgumentException("totalLogProb must be <= 0, got " + totalLogProb);
        }
    }

    public static SequenceStatistics of(double... logProbs) {
        SequenceStatistics statistics = EMPTY;
        for (double logProb : logProbs) {
            statistics = statistics.plus(logProb);
        }
        return statistics;
    }

    /** Statistics of the raw log-probs of generated tokens. */
    public static SequenceStatistics ofTokens(Collection<TokenLogProbs> tokens) {
        SequenceStatistics statistics = EMPTY;
        for (TokenLogProbs token : tokens) {
            statistics = statistics.plus(token.logProb());
        }
        return statistics;
    }

    public SequenceStatistics plus(double logProb) {
        if (Double.isNaN(logProb) || logProb > 0) {
            throw new IllegalArgumentException("logProb must be <= 0, got " + logProb);
        }
        return new SequenceStatistics(tokenCount + 1, totalLogProb + logProb);
    }

    /** Mean log-probability per token; NaN for an empty sequence. */
    public double meanLogProb() {
        return tokenCount == 0 ? Double.NaN : totalLogProb / tokenCount;
    }

    /** exp(−mean log p): 1 for a certain sequence, ∞ if a token had probability 0; NaN when empty. */
    public double perplexity() {
        return Math.exp(-meanLogProb());
    }

    /** Cross-entropy in bits per token, −mean / ln 2. */
    public double bitsPerToken() {
        return -meanLogProb() / Math.log(2);
    }
}
