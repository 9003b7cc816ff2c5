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
     * log Σ exp(scale · x_i) and E_p[log p] of the distribution it normalises, in one pass: with t_i = scale · x_i − m
     * (m the scaled maximum), S0 = Σ e^(t_i) and S1 = Σ t_i e^(t_i), the log-sum-exp is m + log S0 (the same sum,
     * in the same order, as {@link #logSumExp}) and E_p[log p] = S1 / S0 − log S0, a weighted mean of non-positive
     * t_i, so nothing cancels. Masked tokens add nothing.
     *
     * @return {log-sum-exp, E_p[log p]}; {−∞, NaN} when every entry is −∞
     */
    static double[] logSumExpAndMeanLogProb(float[] values, int offset, int length, double scale) {
        double shift = (double) max(values, offset, length) * scale;
        if (shift == Double.NEGATIVE_INFINITY) {
            return new double[] {Double.NEGATIVE_INFINITY, Double.NaN};
        }
        double[] sums = VECTORIZED
                ? VectorLogSpace.sumExpAndWeightedSum(values, offset, length, scale, shift)
                : scalarSumExpAndWeightedSum(values, offset, length, scale, shift);
        double logSum = Math.log(sums[0]);
        return new double[] {shift + logSum, sums[1] / sums[0] - logSum};
    }

    /** The reference loop the vector path is tested against: {Σ e^(t_i), Σ t_i e^(t_i)}, t_i = scale · x_i − shift. */
    static double[] scalarSumExpAndWeightedSum(float[] values, int offset, int length, double scale, double shift) {
        double sum = 0.0;
        double weighted = 0.0;
        for (int i = offset, end = offset + length; i < end; i++) {
            double t = values[i] * scale - shift;
            double weight = Math.exp(t);
            sum += weight;
            if (values[i] != Float.NEGATIVE_INFINITY) {
                weighted += weight * t;
            }
        }
        return new double[] {sum, weighted};
    }

    /**
     * Central moments of log p under p, for p_i = exp(scale · x_i − logSumExp) with E_p[log p] = {@code mean}
     * (see {@link #logSumExpAndMeanLogProb}): {E_p[(log p − μ)²], E_p[(log p − μ)⁴]}. Masked tokens add nothing.
     */
    static double[] logProbCentralMoments(
            float[] values, int offset, int length, double scale, double logSumExp, double mean) {
        return VECTORIZED
                ? VectorLogSpace.logProbCentralMoments(values, offset, length, scale, logSumExp, mean)
                : scalarLogProbCentralMoments(values, offset, length, scale, logSumExp, mean);
    }

    /** The reference loop the vector path is tested against. */
    static double[] scalarLogProbCentralMoments(
            float[] values, int offset, int length, double scale, double logSumExp, double mean) {
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
        return new double[] {second, fourth};
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
