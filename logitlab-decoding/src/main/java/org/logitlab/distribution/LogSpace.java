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
     *
     * @return the row's largest logit (finite), which every caller needs next
     */
    public static float validateLogits(float[] logits, int offset, int length) {
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
        // One max pass finds every bad row: NaN propagates through max, +∞ is the max, all-masked leaves −∞.
        float max = Scan.maxPropagatingNaN(logits, offset, length);
        if (Float.isFinite(max)) {
            return max;
        }
        for (int i = 0; i < length; i++) {
            float logit = logits[offset + i];
            if (Float.isNaN(logit)) {
                throw new IllegalArgumentException("logits[" + i + "] is NaN (array index " + (offset + i) + ")");
            }
            if (logit == Float.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("logits[" + i + "] is +Infinity (array index " + (offset + i)
                        + "); only -Infinity may mask a token");
            }
        }
        throw new IllegalArgumentException("logits are all -Infinity: every one of " + length + " tokens is masked");
    }

    /** Whether the Vector API path is used (it falls back to scalar code when the module is absent). */
    static final boolean VECTORIZED = org.logitlab.tensor.VectorSupport.enabled();

    /** Largest value in {@code values[offset, offset + length)}; −∞ when all are masked, NaN if any is NaN. */
    public static float max(float[] values, int offset, int length) {
        return Scan.maxPropagatingNaN(values, offset, length);
    }

    /** log Σ exp(scale · x_i) over the row, max-shifted, in double; −∞ when every entry is −∞. */
    public static double logSumExp(float[] values, int offset, int length, double scale) {
        double max = (double) max(values, offset, length) * scale;
        if (max == Double.NEGATIVE_INFINITY) {
            return Double.NEGATIVE_INFINITY;
        }
        return max + Math.log(powerSums(values, offset, length, scale, max)[0]);
    }

    /**
     * {S_k = Σ t_i^k e^(t_i) : k = 0…4} for t_i = scale · x_i − shift, in one pass (one exp per entry); masked
     * entries add nothing. With shift = the scaled maximum every t_i ≤ 0 and S0 ≥ 1.
     */
    static double[] powerSums(float[] values, int offset, int length, double scale, double shift) {
        return VECTORIZED
                ? VectorLogSpace.powerSums(values, offset, length, scale, shift)
                : scalarPowerSums(values, offset, length, scale, shift);
    }

    /** The reference loop the vector path is tested against. */
    static double[] scalarPowerSums(float[] values, int offset, int length, double scale, double shift) {
        double[] sums = new double[5];
        for (int i = offset, end = offset + length; i < end; i++) {
            if (values[i] != Float.NEGATIVE_INFINITY) {
                double t = values[i] * scale - shift;
                double weight = Math.exp(t);
                sums[0] += weight;
                sums[1] += weight * t;
                sums[2] += weight * t * t;
                sums[3] += weight * t * t * t;
                sums[4] += weight * t * t * t * t;
            }
        }
        return sums;
    }

    /**
     * The normaliser of p_i ∝ exp(scale · x_i) and the moments of log p under p.
     *
     * @param logSumExp log Σ exp(scale · x_i)
     * @param mean E_p[log p] = −H
     * @param variance E_p[(log p − mean)²]
     * @param fourthCentralMoment E_p[(log p − mean)⁴]
     */
    record LogProbMoments(double logSumExp, double mean, double variance, double fourthCentralMoment) {}

    /**
     * {@link LogProbMoments} of a validated row with maximum {@code max}, from one pass of {@link #powerSums} in the
     * common case. log p_i = t_i − log S0 differs from t_i by a constant, so its central moments are those of t under
     * p: with a = S1/S0, the variance is S2/S0 − a² and the fourth central moment S4/S0 − 4a·S3/S0 + 6a²·S2/S0 − 3a⁴.
     * Those differences cancel when the mass sits far below the maximum relative to its spread (a² ≫ variance); past
     * a² > 100 · variance — which needs the top token to be a near-outlier of tiny probability — a second, exact
     * pass of deviations from the mean is taken instead ({@link #logProbCentralMoments}). E_p[log p] = a − log S0 is
     * a weighted mean of non-positive terms, so nothing cancels there.
     */
    static LogProbMoments logProbMoments(float[] values, int offset, int length, double scale, float max) {
        double shift = (double) max * scale;
        double[] sums = powerSums(values, offset, length, scale, shift);
        double logSum = Math.log(sums[0]);
        double logSumExp = shift + logSum;
        double a = sums[1] / sums[0];
        double mean = a - logSum;
        double second = sums[2] / sums[0];
        double third = sums[3] / sums[0];
        double fourth = sums[4] / sums[0];
        double variance = second - a * a;
        if (variance * 100.0 >= a * a && variance > 0.0) {
            double fourthCentral = fourth - 4.0 * a * third + 6.0 * a * a * second - 3.0 * a * a * a * a;
            return new LogProbMoments(logSumExp, mean, variance, Math.max(0.0, fourthCentral));
        }
        double[] central = logProbCentralMoments(values, offset, length, scale, logSumExp, mean);
        return new LogProbMoments(logSumExp, mean, central[0], central[1]);
    }

    /**
     * Central moments of log p under p, for p_i = exp(scale · x_i − logSumExp) with E_p[log p] = {@code mean}, by
     * deviations from the mean (a second pass; see {@link #logProbMoments}): {E_p[(log p − μ)²], E_p[(log p − μ)⁴]}.
     * Masked tokens add nothing. Scalar: it runs only for the rare rows the one-pass formula would cancel on.
     */
    static double[] logProbCentralMoments(
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
