package org.logitlab.distribution;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API sums over exp(scale · x_i − shift) in double lanes, for {@link LogSpace}. Loaded only when {@code
 * org.logitlab.tensor.VectorSupport} says the Vector API is usable; the scalar loops stay the reference (a test
 * compares both).
 *
 * <p>Bit-for-bit reproducible whatever the JIT has compiled: the Vector API's {@code EXP} and {@code
 * reduceLanes(ADD)} are not (C2's EXP intrinsic is a vector math library that differs from the Java fallback, which
 * runs before compilation, in the last ulp, and the lane-reduction order is left open), so the same logits gave
 * log-probs differing in the 16th digit between a cold and a warm server. Here exp is built from lanewise IEEE
 * operations (multiply, fused multiply-add, max, compare, blend), which both paths compute exactly alike, and the
 * lanes are summed in a fixed order.
 *
 * <p>No shape conversion either (no float→double {@code convertShape}, no double↔long {@code reinterpretShape}):
 * the floats are widened by a plain loop into a per-thread buffer and loaded from there. The Vector API's
 * conversions share one type profile across the whole process; once the quantized matrix kernels had converted
 * their int lanes to floats, the JIT compiled this code's conversions without their intrinsic, every vector
 * after them became a boxed object, and a scoring pass ran at half speed in some runs and not in others (seen with
 * JFR: {@code DoubleVector.fma} and {@code lanewiseTemplate} called out of line).
 */
final class VectorLogSpace {
    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;

    /** Floats widened per buffer fill: a multiple of every lane count. */
    private static final int CHUNK = 2048;

    private static final ThreadLocal<double[]> WIDENED = ThreadLocal.withInitial(() -> new double[CHUNK]);

    /** Below this exp underflows (to subnormals, then 0); such terms are under 1e-307 of a sum that is ≥ 1 anyway. */
    private static final double SMALLEST_EXPONENT = -708.0;
    /** A log-probability whose exp is 0 here: where masked and underflowing log-probs are clamped. */
    private static final double UNDERFLOWED = SMALLEST_EXPONENT - 1.0;

    /** exp(x) = exp(x / 2^SQUARINGS)^(2^SQUARINGS): the polynomial runs on |r| ≤ 709 / 1024. */
    private static final int SQUARINGS = 10;

    private static final double REDUCTION = 1.0 / (1 << SQUARINGS);
    /**
     * 1/n! for n = 17…1, the Taylor coefficients of e^r in Horner order (the constant 1 added last); on |r| ≤ 0.693
     * the truncation is below 3e-19 relative.
     */
    private static final double[] INVERSE_FACTORIALS = inverseFactorials(17);

    private VectorLogSpace() {}

    private static double[] inverseFactorials(int degree) {
        double[] coefficients = new double[degree];
        double factorial = 1.0;
        for (int n = 1; n <= degree; n++) {
            factorial *= n;
            coefficients[degree - n] = 1.0 / factorial;
        }
        return coefficients;
    }

    /** values[from, from + count) as doubles, in this thread's buffer (count ≤ {@link #CHUNK}). */
    private static double[] widen(float[] values, int from, int count) {
        double[] widened = WIDENED.get();
        for (int i = 0; i < count; i++) {
            widened[i] = values[from + i];
        }
        return widened;
    }

    /**
     * {@link LogSpace#scalarPowerSums} in double lanes; t is clamped where exp underflows, so a masked token adds 0,
     * not 0 · ∞.
     */
    static double[] powerSums(float[] values, int offset, int length, double scale, double shift) {
        int lanes = DOUBLES.length();
        int vectorEnd = length - length % lanes;
        DoubleVector sum0 = DoubleVector.zero(DOUBLES);
        DoubleVector sum1 = DoubleVector.zero(DOUBLES);
        DoubleVector sum2 = DoubleVector.zero(DOUBLES);
        DoubleVector sum3 = DoubleVector.zero(DOUBLES);
        DoubleVector sum4 = DoubleVector.zero(DOUBLES);
        for (int chunk = 0; chunk < vectorEnd; chunk += CHUNK) {
            int count = Math.min(CHUNK, vectorEnd - chunk);
            double[] widened = widen(values, offset + chunk, count);
            for (int i = 0; i < count; i += lanes) {
                DoubleVector t = DoubleVector.fromArray(DOUBLES, widened, i)
                        .mul(scale)
                        .sub(shift)
                        .max(UNDERFLOWED);
                DoubleVector weight = exp(t);
                DoubleVector weightT = weight.mul(t);
                DoubleVector weightT2 = weightT.mul(t);
                sum0 = sum0.add(weight);
                sum1 = sum1.add(weightT);
                sum2 = sum2.add(weightT2);
                sum3 = weightT2.fma(t, sum3);
                sum4 = weightT2.mul(t).fma(t, sum4);
            }
        }
        double[] sums = {sumLanes(sum0), sumLanes(sum1), sumLanes(sum2), sumLanes(sum3), sumLanes(sum4)};
        double[] tail = LogSpace.scalarPowerSums(values, offset + vectorEnd, length - vectorEnd, scale, shift);
        for (int k = 0; k < sums.length; k++) {
            sums[k] += tail[k];
        }
        return sums;
    }

    private static double sumLanes(DoubleVector vector) {
        double total = 0.0;
        for (int lane = 0; lane < DOUBLES.length(); lane++) {
            total += vector.lane(lane);
        }
        return total;
    }

    /**
     * e^x per lane for x ≤ 709 (−∞ and anything below −708 give 0): e^(x/1024) by its Taylor polynomial, then squared
     * ten times. Squaring multiplies the polynomial's rounding error by up to 1024, so this is within ~3e-13
     * relative of {@link Math#exp} — far below what a log-probability needs, and the same in every JIT state.
     */
    static DoubleVector exp(DoubleVector x) {
        VectorMask<Double> underflow = x.compare(VectorOperators.LT, SMALLEST_EXPONENT);
        DoubleVector r = x.max(SMALLEST_EXPONENT).mul(REDUCTION);
        DoubleVector polynomial = DoubleVector.broadcast(DOUBLES, INVERSE_FACTORIALS[0]);
        for (int n = 1; n < INVERSE_FACTORIALS.length; n++) {
            polynomial = polynomial.fma(r, DoubleVector.broadcast(DOUBLES, INVERSE_FACTORIALS[n]));
        }
        polynomial = polynomial.fma(r, DoubleVector.broadcast(DOUBLES, 1.0));
        for (int squaring = 0; squaring < SQUARINGS; squaring++) {
            polynomial = polynomial.mul(polynomial);
        }
        return polynomial.blend(0.0, underflow);
    }
}
