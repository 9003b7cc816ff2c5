package org.logitlab.analysis.scoring;

import java.util.List;
import org.logitlab.distribution.Distribution;
import org.logitlab.distribution.TokenLogProb;

/**
 * What one scoring pass knows about one token of a text: the token, how likely the model found it, and the shape
 * of the distribution it was drawn from. Every analysis method is a function of these records.
 *
 * @param index index of the token in the text's token sequence (≥ 1: the first token is context only)
 * @param token the token id
 * @param piece the text the token decodes to (its vocabulary entry when it decodes to nothing)
 * @param logProb natural-log probability of the token under the distribution that predicted it
 * @param rank 1 for the most likely token (ties share the better rank)
 * @param entropy H = −Σ p log p of the predicting distribution, in nats
 * @param meanLogProb E_p[log p] = −H, the μ_t of Fast-DetectGPT and Min-K%++
 * @param varianceLogProb Var_p[log p], the σ_t² of Fast-DetectGPT and Min-K%++
 * @param kurtosis E_p[(log p − μ)⁴] / Var_p[log p]² (not excess); NaN when the variance is 0
 * @param alternatives the most likely tokens of the predicting distribution, best first
 */
public record TokenRecord(
        int index,
        int token,
        String piece,
        double logProb,
        int rank,
        double entropy,
        double meanLogProb,
        double varianceLogProb,
        double kurtosis,
        List<TokenLogProb> alternatives) {

    public TokenRecord {
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, got " + index);
        }
        if (token < 0) {
            throw new IllegalArgumentException("token must be >= 0, got " + token);
        }
        if (rank < 1) {
            throw new IllegalArgumentException("rank must be >= 1, got " + rank);
        }
        if (Double.isNaN(logProb) || logProb > 0.0) {
            throw new IllegalArgumentException("logProb must be <= 0, got " + logProb);
        }
        piece = piece == null ? "" : piece;
        alternatives = List.copyOf(alternatives);
    }

    /** The record of {@code token} predicted by {@code distribution}, with its {@code topAlternatives} best tokens. */
    public static TokenRecord of(int index, int token, String piece, Distribution distribution, int topAlternatives) {
        if (topAlternatives < 0) {
            throw new IllegalArgumentException("topAlternatives must be >= 0, got " + topAlternatives);
        }
        List<TokenLogProb> alternatives =
                topAlternatives == 0 ? List.of() : distribution.topK(Math.min(topAlternatives, distribution.size()));
        return new TokenRecord(
                index,
                token,
                piece,
                distribution.logProb(token),
                distribution.rank(token),
                distribution.entropy(),
                distribution.meanLogProb(),
                distribution.varianceLogProb(),
                distribution.kurtosis(),
                alternatives);
    }

    /** The token's probability p(x_t). */
    public double prob() {
        return Math.exp(logProb);
    }

    /** sqrt(Var_p[log p]). */
    public double standardDeviationLogProb() {
        return Math.sqrt(varianceLogProb);
    }
}
