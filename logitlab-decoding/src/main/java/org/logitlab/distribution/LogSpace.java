package org.logitlab.distribution;

/**
 * The one softmax and log-sum-exp of logitlab. Every sum is max-shifted and accumulated in double so
 * that logits in the hundreds (or a vocabulary of 150k nearly equal logits) neither overflow nor lose
 * mass: log Σ exp(x_i) = m + log Σ exp(x_i − m) with m = max x_i.
 *
 * <p>Negative infinity is a legal logit (a masked token) and contributes zero mass; NaN and positive
 * infinity are rejected by {@link #validateLogits}.
 */
public final class LogSpace {
    private LogSpace() {}

    /**
     * Rejects what no distribution can be built from: a null array, an out-of-range row, an empty row,
     * NaN or +∞ (naming the offending index), and a row in which every token is masked.
     */
    public static void validateLogits(float[] logits, int offset, int length) {
        if (logits == null) {
            throw new IllegalArgumentException("logits must not be null");
        }
        if (length <= 0) {
            throw new IllegalArgumentException("logits length must be > 0, got " + length);
        }
        if (offset < 0 || offset > logits.length - length) {
            throw new IllegalArgumentException("logits row [offset=" + offset + ", length=" + length
                    + ") must lie within an array of length " + logits.length);
        }
        boolean anyFinite = false;
        for (int i = 0; i < length; i++) {
            float logit = logits[offset + i];
            if (Float.isNaN(logit)) {
                throw new IllegalArgumentException("logits[" + i + "] is NaN (array index " + (offset + i) + ")");
            }
            if (logit == Float.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("logits[" + i + "] is +Infinity (array index " + (offset + i)
                        + "); only -Infinity may mask a token");
            }
            anyFinite |= logit != Float.NEGATIVE_INFINITY;
        }
        if (!anyFinite) {
            throw new IllegalArgumentException(
                    "logits are all -Infinity: every one of " + length + " tokens is masked");
        }
    }

    /** Whether the Vector API path is used (it falls back to scalar code when the module is absent). */
    static final boolean VECTORIZED = org.logitlab.tensor.VectorSupport.enabled();

    /** Largest value in {@code values[offset, offset + length)}; −∞ when all are masked. */
    public static float max(float[] values, int offset, int length) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = offset, end = offset + length; i < end; i++) {
            if (values[i] > max) {
                max = values[i];
            }
        }
        return max;
    }

    /** log Σ exp(scale · x_i) over the row, max-shifted, in double; −∞ when every entry is −∞. */
    public static double logSumExp(float[] values, int offset, int length, double scale) {
        double max = (double) max(values, offset, length) * scale;
        if (max == Double.NEGATIVE_INFINITY) {
            return Double.NEGATIVE_INFINITY;
        }
        double sum = VECTORIZED
                ? VectorLogSpace.sumExp(values, offset, length, scale, max)
                : scalarSumExp(values, offset, length, scale, max);
        return max + Math.log(sum);
    }

    /** The reference loop the vector path is tested against. */
    static double scalarSumExp(float[] values, int offset, int length, double scale, double shift) {
        double sum = 0.0;
        for (int i = offset, end = offset + length; i < end; i++) {
            sum += Math.exp(values[i] * scale - shift);
        }
        return sum;
    }

    /**
     * Moments of the log-probability under its own distribution, for p_i = exp(scale · x_i − logSumExp):
     * {mean, variance, fourth central moment} of log p, i.e. E_p[log p], E_p[(log p − μ)²], E_p[(log p − μ)⁴].
     * Two passes (mean, then central moments), so no cancellation; masked tokens contribute nothing.
     */
    static double[] logProbMoments(float[] values, int offset, int length, double scale, double logSumExp) {
        return VECTORIZED
                ? VectorLogSpace.logProbMoments(values, offset, length, scale, logSumExp)
                : scalarLogProbMoments(values, offset, length, scale, logSumExp);
    }

    /** The reference loops the vector path is tested against. */
    static double[] scalarLogProbMoments(float[] values, int offset, int length, double scale, double logSumExp) {
        double mean = 0.0;
        for (int i = offset, end = offset + length; i < end; i++) {
            if (values[i] != Float.NEGATIVE_INFINITY) {
                double logProbability = values[i] * scale - logSumExp;
                mean += Math.exp(logProbability) * logProbability;
            }
        }
        double second = 0.0;
        double fourth = 0.0;
        for (int i = offset, end = offset + length; i < end; i++) {
            if (values[i] != Float.NEGATIVE_INFINITY) {
                double logProbability = values[i] * scale - logSumExp;
                double deviationSquared = (logProbability - mean) * (logProbability - mean);
                double probability = Math.exp(logProbability);
                second += probability * deviationSquared;
                fourth += probability * deviationSquared * deviationSquared;
            }
        }
        return new double[] {mean, second, fourth};
    }

    /** log Σ exp(x_i) over the row. */
    public static double logSumExp(float[] values, int offset, int length) {
        return logSumExp(values, offset, length, 1.0);
    }

    /**
     * Writes softmax(logits[0, length)) into {@code probabilities[0, length)} and returns the
     * log-sum-exp. Masked logits get probability 0. Probabilities are stored as float but computed
     * from a double sum, so they add to 1 within float rounding.
     */
    public static double softmax(float[] logits, float[] probabilities, int length) {
        double max = max(logits, 0, length);
        if (max == Double.NEGATIVE_INFINITY) {
            throw new IllegalArgumentException("softmax of " + length + " logits that are all -Infinity");
        }
        double sum = 0.0;
        for (int i = 0; i < length; i++) {
            double weight = Math.exp(logits[i] - max);
            probabilities[i] = (float) weight;
            sum += weight;
        }
        double inverseSum = 1.0 / sum;
        for (int i = 0; i < length; i++) {
            probabilities[i] = (float) (probabilities[i] * inverseSum);
        }
        return max + Math.log(sum);
    }
}
