package org.logitlab.distribution;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API scans over a row of logits that need no arithmetic, only comparisons: the maximum, the first index of
 * a value, how many entries exceed a threshold, the next entry that does. Every result is exact (no rounding, no
 * summation order), so the vector and scalar paths agree bit for bit; {@link Scan} holds the scalar reference and
 * picks this class only when {@code org.logitlab.tensor.VectorSupport} says the Vector API is usable.
 *
 * <p>Scalar loops over a 32k vocabulary cost 10–30 µs each (a compare-and-branch per token, mispredicted half the
 * time on a rank query); these cost a few µs. A scoring pass runs them at every position.
 */
final class VectorScan {
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;

    private VectorScan() {}

    /** Largest value, NaN if any value is NaN (lanewise max propagates NaN, as {@link Math#max} does). */
    static float maxPropagatingNaN(float[] values, int offset, int length) {
        int lanes = FLOATS.length();
        int vectorEnd = length - length % lanes;
        float max = Float.NEGATIVE_INFINITY;
        if (vectorEnd > 0) {
            FloatVector maxima = FloatVector.broadcast(FLOATS, Float.NEGATIVE_INFINITY);
            for (int i = 0; i < vectorEnd; i += lanes) {
                maxima = maxima.max(FloatVector.fromArray(FLOATS, values, offset + i));
            }
            max = maxima.reduceLanes(VectorOperators.MAX);
        }
        for (int i = vectorEnd; i < length; i++) {
            max = Math.max(max, values[offset + i]);
        }
        return max;
    }

    /** The first i in [0, length) with values[offset + i] == value, or −1. */
    static int firstIndexOf(float[] values, int offset, int length, float value) {
        int lanes = FLOATS.length();
        int vectorEnd = length - length % lanes;
        for (int i = 0; i < vectorEnd; i += lanes) {
            var equal = FloatVector.fromArray(FLOATS, values, offset + i).compare(VectorOperators.EQ, value);
            if (equal.anyTrue()) {
                return i + equal.firstTrue();
            }
        }
        for (int i = vectorEnd; i < length; i++) {
            if (values[offset + i] == value) {
                return i;
            }
        }
        return -1;
    }

    /** How many of values[offset, offset + length) are strictly greater than {@code threshold}. */
    static int countGreater(float[] values, int offset, int length, float threshold) {
        int lanes = FLOATS.length();
        int vectorEnd = length - length % lanes;
        int count = 0;
        for (int i = 0; i < vectorEnd; i += lanes) {
            count += FloatVector.fromArray(FLOATS, values, offset + i)
                    .compare(VectorOperators.GT, threshold)
                    .trueCount();
        }
        for (int i = vectorEnd; i < length; i++) {
            if (values[offset + i] > threshold) {
                count++;
            }
        }
        return count;
    }

    /** The first i in [from, end) with values[offset + i] > threshold, or {@code end}. */
    static int nextGreater(float[] values, int offset, int from, int end, float threshold) {
        int lanes = FLOATS.length();
        int i = from;
        for (; i <= end - lanes; i += lanes) {
            var greater = FloatVector.fromArray(FLOATS, values, offset + i).compare(VectorOperators.GT, threshold);
            if (greater.anyTrue()) {
                return i + greater.firstTrue();
            }
        }
        for (; i < end; i++) {
            if (values[offset + i] > threshold) {
                return i;
            }
        }
        return end;
    }
}
