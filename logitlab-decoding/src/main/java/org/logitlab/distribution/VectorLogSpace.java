package org.logitlab.distribution;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API sum of exp(scale · x_i − shift) in double lanes, for {@link LogSpace#logSumExp}. Loaded only when
 * {@code org.logitlab.tensor.VectorSupport} says the Vector API is usable; the scalar loop stays the reference
 * (a test compares both).
 *
 * <p>Bit-for-bit reproducible whatever the JIT has compiled: the Vector API's {@code EXP} and {@code
 * reduceLanes(ADD)} are not (C2's EXP intrinsic is a vector math library that differs from the Java fallback,
 * which runs before compilation, in the last ulp, and the lane-reduction order is left open), so the same logits
 * gave log-probs differing in the 16th digit between a cold and a warm server. Here exp is built from lanewise
 * IEEE operations (add, multiply, fused multiply-add, bit shifts), which both paths compute exactly alike, and
 * the lanes are summed in a fixed order.
 */
final class VectorLogSpace {
    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;
    /** Float species with as many lanes as {@link #DOUBLES}: half its bit size. */
    private static final VectorSpecies<Float> HALF =
            VectorSpecies.of(float.class, VectorShape.forBitSize(DOUBLES.vectorBitSize() / 2));

    /** Below this exp underflows to subnormals; such terms are under 1e-307 of a sum that is ≥ 1 anyway. */
    private static final double SMALLEST_EXPONENT = -708.0;
    /** A log-probability whose exp is 0 here: where masked and underflowing log-probs are clamped. */
    private static final double UNDERFLOWED = SMALLEST_EXPONENT - 1.0;

    private static final double LOG2_E = 1.4426950408889634;
    /** ln 2 split so that k · LN2_HIGH is exact for |k| < 2^11 (Cody and Waite 1980). */
    private static final double LN2_HIGH = 0x1.62e42fefa3800p-1;

    private static final double LN2_LOW = 0x1.ef35793c76730p-45;
    /** 1.5 · 2^52: adding it rounds to an integer held in the low mantissa bits. */
    private static final double ROUNDING = 0x1.8p52;

    private static final long ROUNDING_BITS = Double.doubleToRawLongBits(ROUNDING);
    /** 1/n! for n = 13…2, the Taylor coefficients of exp in Horner order; degree 13 leaves < 1e-17 on |r| ≤ ln2/2. */
    private static final double[] INVERSE_FACTORIALS = {
        1.0 / 6227020800.0,
        1.0 / 479001600.0,
        1.0 / 39916800.0,
        1.0 / 3628800.0,
        1.0 / 362880.0,
        1.0 / 40320.0,
        1.0 / 5040.0,
        1.0 / 720.0,
        1.0 / 120.0,
        1.0 / 24.0,
        1.0 / 6.0,
        1.0 / 2.0
    };

    private VectorLogSpace() {}

    static double sumExp(float[] values, int offset, int length, double scale, double shift) {
        int lanes = DOUBLES.length();
        DoubleVector sum = DoubleVector.zero(DOUBLES);
        int i = 0;
        for (int upper = length - lanes + 1; i < upper; i += lanes) {
            DoubleVector x = (DoubleVector)
                    FloatVector.fromArray(HALF, values, offset + i).convertShape(VectorOperators.F2D, DOUBLES, 0);
            sum = sum.add(exp(x.mul(scale).sub(shift)));
        }
        double total = sumLanes(sum);
        for (; i < length; i++) {
            total += Math.exp(values[offset + i] * scale - shift); // Math.exp: the same stub compiled or not
        }
        return total;
    }

    /**
     * {@link LogSpace#scalarSumExpAndWeightedSum} in double lanes: the sum of exponentials is {@link #sumExp}'s, term
     * for term and in the same order; t is clamped where exp underflows, so a masked token adds 0, not 0 · ∞.
     */
    static double[] sumExpAndWeightedSum(float[] values, int offset, int length, double scale, double shift) {
        int lanes = DOUBLES.length();
        DoubleVector sum = DoubleVector.zero(DOUBLES);
        DoubleVector weighted = DoubleVector.zero(DOUBLES);
        int i = 0;
        for (int upper = length - lanes + 1; i < upper; i += lanes) {
            DoubleVector x = (DoubleVector)
                    FloatVector.fromArray(HALF, values, offset + i).convertShape(VectorOperators.F2D, DOUBLES, 0);
            DoubleVector t = x.mul(scale).sub(shift);
            DoubleVector weight = exp(t);
            sum = sum.add(weight);
            weighted = weight.fma(t.max(UNDERFLOWED), weighted);
        }
        double total = sumLanes(sum);
        double totalWeighted = sumLanes(weighted);
        for (; i < length; i++) {
            double t = values[offset + i] * scale - shift;
            double weight = Math.exp(t);
            total += weight;
            if (values[offset + i] != Float.NEGATIVE_INFINITY) {
                totalWeighted += weight * t;
            }
        }
        return new double[] {total, totalWeighted};
    }

    /** {@link LogSpace#scalarLogProbCentralMoments} in double lanes, lanes summed in a fixed order. */
    static double[] logProbCentralMoments(
            float[] values, int offset, int length, double scale, double logSumExp, double mean) {
        int lanes = DOUBLES.length();
        int vectorEnd = length - length % lanes;
        DoubleVector secondSum = DoubleVector.zero(DOUBLES);
        DoubleVector fourthSum = DoubleVector.zero(DOUBLES);
        for (int i = 0; i < vectorEnd; i += lanes) {
            DoubleVector logProbability = logProbabilities(values, offset + i, scale, logSumExp);
            DoubleVector probability = exp(logProbability);
            DoubleVector deviation = logProbability.sub(mean);
            DoubleVector weightedSquare = probability.mul(deviation).mul(deviation);
            secondSum = secondSum.add(weightedSquare);
            fourthSum = weightedSquare.mul(deviation).fma(deviation, fourthSum);
        }
        double second = sumLanes(secondSum);
        double fourth = sumLanes(fourthSum);
        for (int i = vectorEnd; i < length; i++) {
            if (values[offset + i] != Float.NEGATIVE_INFINITY) {
                double logProbability = values[offset + i] * scale - logSumExp;
                double deviationSquared = (logProbability - mean) * (logProbability - mean);
                double probability = Math.exp(logProbability);
                second += probability * deviationSquared;
                fourth += probability * deviationSquared * deviationSquared;
            }
        }
        return new double[] {second, fourth};
    }

    /** scale · x − logSumExp per lane, clamped below where exp underflows to 0 (−∞ for a masked token). */
    private static DoubleVector logProbabilities(float[] values, int index, double scale, double logSumExp) {
        DoubleVector x =
                (DoubleVector) FloatVector.fromArray(HALF, values, index).convertShape(VectorOperators.F2D, DOUBLES, 0);
        return x.mul(scale).sub(logSumExp).max(UNDERFLOWED);
    }

    private static double sumLanes(DoubleVector vector) {
        double total = 0.0;
        for (double lane : vector.toArray()) {
            total += lane;
        }
        return total;
    }

    /**
     * e^x per lane for x ≤ 709 (−∞ and anything below −708 give 0): x = k·ln 2 + r with |r| ≤ ln 2 / 2, e^r by its
     * Taylor polynomial, 2^k by writing the exponent bits. Within 2 ulp of {@link Math#exp}.
     */
    static DoubleVector exp(DoubleVector x) {
        VectorMask<Double> underflow = x.compare(VectorOperators.LT, SMALLEST_EXPONENT);
        DoubleVector clamped = x.max(SMALLEST_EXPONENT);
        DoubleVector shifted = clamped.mul(LOG2_E).add(ROUNDING);
        DoubleVector k = shifted.sub(ROUNDING);
        DoubleVector r = k.fma(DoubleVector.broadcast(DOUBLES, -LN2_HIGH), clamped);
        r = k.fma(DoubleVector.broadcast(DOUBLES, -LN2_LOW), r);
        DoubleVector polynomial = DoubleVector.broadcast(DOUBLES, INVERSE_FACTORIALS[0]);
        for (int n = 1; n < INVERSE_FACTORIALS.length; n++) {
            polynomial = polynomial.fma(r, DoubleVector.broadcast(DOUBLES, INVERSE_FACTORIALS[n]));
        }
        DoubleVector one = DoubleVector.broadcast(DOUBLES, 1.0);
        polynomial = polynomial.fma(r, one).fma(r, one);
        LongVector exponent = ((LongVector) shifted.reinterpretShape(LONGS, 0))
                .sub(ROUNDING_BITS)
                .add(1023)
                .lanewise(VectorOperators.LSHL, 52);
        DoubleVector powerOfTwo = (DoubleVector) exponent.reinterpretShape(DOUBLES, 0);
        return polynomial.mul(powerOfTwo).blend(0.0, underflow);
    }
}
