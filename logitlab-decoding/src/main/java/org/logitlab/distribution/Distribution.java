package org.logitlab.distribution;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The next-token distribution: an immutable value built once from a row of raw logits.
 *
 * <p>p_i = exp(x_i / T − LSE) with LSE = log Σ exp(x_j / T) computed max-shifted in double
 * ({@link LogSpace}). Logits of −∞ are masked tokens with probability 0. Temperature is kept as a
 * scale rather than baked into the stored logits, so {@link #withTemperature} never overflows a float.
 *
 * <p>The log-probability moments (entropy, variance, kurtosis of log p under p) come out of the same pass over the
 * vocabulary as the normaliser ({@link LogSpace#logProbMoments}): one exp per token, whether or not they are read.
 */
public final class Distribution {
    private final float[] logits;
    private final double inverseTemperature;
    private final double logSumExp;
    /** E_p[log p] = −H. */
    private final double meanLogProb;
    /** Var_p[log p]; exactly 0 when every unmasked logit is equal. */
    private final double varianceLogProb;
    /** E_p[(log p − μ)⁴] / variance², NaN when the variance is 0. */
    private final double kurtosis;

    private final int argmax;

    /** @param max the largest of {@code logits}, which the caller has validated */
    private Distribution(float[] logits, double inverseTemperature, float max) {
        this.logits = logits;
        this.inverseTemperature = inverseTemperature;
        this.argmax = Scan.firstIndexOf(logits, 0, logits.length, max);
        LogSpace.LogProbMoments moments = LogSpace.logProbMoments(logits, 0, logits.length, inverseTemperature, max);
        this.logSumExp = moments.logSumExp();
        this.meanLogProb = moments.mean();
        // Rounding would leave ~1e-30 of spurious variance when every unmasked token is equally likely; that case
        // is detected exactly instead.
        this.varianceLogProb = allUnmaskedLogitsEqual(logits, max) ? 0.0 : moments.variance();
        this.kurtosis = varianceLogProb == 0.0
                ? Double.NaN
                : moments.fourthCentralMoment() / (varianceLogProb * varianceLogProb);
    }

    /** A distribution over {@code logits} (copied). */
    public static Distribution of(float[] logits) {
        if (logits == null) {
            throw new IllegalArgumentException("logits must not be null");
        }
        return of(logits, 0, logits.length);
    }

    /** A distribution over one row {@code logits[offset, offset + length)} of a [positions × vocab] array (copied). */
    public static Distribution of(float[] logits, int offset, int length) {
        float max = LogSpace.validateLogits(logits, offset, length);
        return new Distribution(Arrays.copyOfRange(logits, offset, offset + length), 1.0, max);
    }

    /** Vocabulary size. */
    public int size() {
        return logits.length;
    }

    /** log Σ exp(x_i / T) in nats: the normaliser of this distribution. */
    public double logSumExp() {
        return logSumExp;
    }

    /** The temperature T applied to the raw logits (1 unless built by {@link #withTemperature}). */
    public double temperature() {
        return 1.0 / inverseTemperature;
    }

    /** Raw logit of {@code id}, before temperature. */
    public float logit(int id) {
        checkId(id);
        return logits[id];
    }

    /** Natural-log probability of {@code id}; −∞ for a masked token. */
    public double logProb(int id) {
        checkId(id);
        return logProbAt(id);
    }

    public double prob(int id) {
        return Math.exp(logProb(id));
    }

    private double logProbAt(int id) {
        float logit = logits[id];
        return logit == Float.NEGATIVE_INFINITY ? Double.NEGATIVE_INFINITY : logit * inverseTemperature - logSumExp;
    }

    /** Shannon entropy H = −Σ p log p in nats. */
    public double entropy() {
        return -meanLogProb;
    }

    /** E_p[log p] = −H. */
    public double meanLogProb() {
        return meanLogProb;
    }

    /** Var_p[log p] = Σ p (log p + H)², the "varentropy"; 0 for a one-hot or uniform distribution. */
    public double varianceLogProb() {
        return varianceLogProb;
    }

    /**
     * Kurtosis (not excess) of log p under p: E_p[(log p − μ)⁴] / Var_p[log p]² with μ = E_p[log p].
     * A normal variable has 3. Undefined — returned as NaN — when the variance is 0, i.e. all mass sits
     * on tokens of equal probability (one-hot or uniform over the unmasked tokens).
     */
    public double kurtosis() {
        return kurtosis;
    }

    /** 1 for the most likely token: the number of tokens with a strictly greater logit, plus one. */
    public int rank(int id) {
        checkId(id);
        return Scan.countGreater(logits, 0, logits.length, logits[id]) + 1;
    }

    /** The most likely token; the lowest id on ties. */
    public int argmax() {
        return argmax;
    }

    /**
     * The k most likely tokens by descending log-prob, ties broken by lower id. k = 0 or k ≥ size means
     * the whole vocabulary. Uses heap selection ({@link TopK}), O(n log k).
     */
    public List<TokenLogProb> topK(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, got " + k);
        }
        int count = k == 0 || k >= logits.length ? logits.length : k;
        int[] ids = TopK.topIndices(logits, 0, logits.length, count);
        List<TokenLogProb> top = new ArrayList<>(count);
        for (int id : ids) {
            top.add(new TokenLogProb(id, logProbAt(id)));
        }
        return List.copyOf(top);
    }

    /**
     * This distribution at temperature {@code temperature} (relative to the raw logits, not compounded):
     * p_i ∝ exp(x_i / T). Ranks and argmax are unchanged.
     */
    public Distribution withTemperature(double temperature) {
        if (!(temperature > 0.0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and > 0, got " + temperature);
        }
        return new Distribution(logits, 1.0 / temperature, logits[argmax]);
    }

    /** A copy of the raw logits (before temperature). */
    public float[] logits() {
        return logits.clone();
    }

    /** All natural-log probabilities, indexed by token id. */
    public double[] logProbs() {
        double[] logProbabilities = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            logProbabilities[i] = logProbAt(i);
        }
        return logProbabilities;
    }

    private static boolean allUnmaskedLogitsEqual(float[] logits, float max) {
        for (float logit : logits) {
            if (logit != Float.NEGATIVE_INFINITY && logit != max) {
                return false;
            }
        }
        return true;
    }

    private void checkId(int id) {
        if (id < 0 || id >= logits.length) {
            throw new IndexOutOfBoundsException("id must be in [0, " + logits.length + "), got " + id);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Distribution that
                && inverseTemperature == that.inverseTemperature
                && Arrays.equals(logits, that.logits);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(logits) + Double.hashCode(inverseTemperature);
    }

    @Override
    public String toString() {
        return "Distribution[size=" + logits.length + ", argmax=" + argmax + ", temperature=" + temperature() + "]";
    }
}
