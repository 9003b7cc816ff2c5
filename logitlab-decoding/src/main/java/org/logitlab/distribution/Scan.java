package org.logitlab.distribution;

/**
 * Comparison-only scans over a row of logits — maximum, first index of a value, count above a threshold, next entry
 * above a threshold — on the Vector API when it is usable ({@link VectorScan}), else by the scalar loops here, which
 * stay the reference the vector path is tested against. Results are exact either way.
 */
final class Scan {
    private Scan() {}

    /** Largest value of the row; NaN if the row holds a NaN. */
    static float maxPropagatingNaN(float[] values, int offset, int length) {
        return LogSpace.VECTORIZED
                ? VectorScan.maxPropagatingNaN(values, offset, length)
                : scalarMaxPropagatingNaN(values, offset, length);
    }

    /** The first i in [0, length) with values[offset + i] == value, or −1. */
    static int firstIndexOf(float[] values, int offset, int length, float value) {
        return LogSpace.VECTORIZED
                ? VectorScan.firstIndexOf(values, offset, length, value)
                : scalarFirstIndexOf(values, offset, length, value);
    }

    /** How many entries of the row are strictly greater than {@code threshold}. */
    static int countGreater(float[] values, int offset, int length, float threshold) {
        return LogSpace.VECTORIZED
                ? VectorScan.countGreater(values, offset, length, threshold)
                : scalarCountGreater(values, offset, length, threshold);
    }

    /** The first i in [from, end) with values[offset + i] > threshold, or {@code end}. */
    static int nextGreater(float[] values, int offset, int from, int end, float threshold) {
        return LogSpace.VECTORIZED
                ? VectorScan.nextGreater(values, offset, from, end, threshold)
                : scalarNextGreater(values, offset, from, end, threshold);
    }

    static float scalarMaxPropagatingNaN(float[] values, int offset, int length) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < length; i++) {
            max = Math.max(max, values[offset + i]);
        }
        return max;
    }

    static int scalarFirstIndexOf(float[] values, int offset, int length, float value) {
        for (int i = 0; i < length; i++) {
            if (values[offset + i] == value) {
                return i;
            }
        }
        return -1;
    }

    static int scalarCountGreater(float[] values, int offset, int length, float threshold) {
        int count = 0;
        for (int i = 0; i < length; i++) {
            if (values[offset + i] > threshold) {
                count++;
            }
        }
        return count;
    }

    static int scalarNextGreater(float[] values, int offset, int from, int end, float threshold) {
        for (int i = from; i < end; i++) {
            if (values[offset + i] > threshold) {
                return i;
            }
        }
        return end;
    }
}
