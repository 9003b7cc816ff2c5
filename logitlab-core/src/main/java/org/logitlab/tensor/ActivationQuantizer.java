package org.logitlab.tensor;

/**
 * Quantizes activations the way ggml's CPU backend does before a quantized dot product. Quantized values
 * are written as floats holding integers in [-127, 127], so the vector kernels can multiply them without
 * widening bytes; products and block sums of such integers are exact in float32.
 *
 * <p>This work is linear in the activation length while the matrix product is quadratic, so it is scalar.
 */
final class ActivationQuantizer {
    static final int Q8_0_BLOCK = 32;
    static final int Q8_K_BLOCK = 256;
    static final int Q8_K_SUM_GROUP = 16;

    private ActivationQuantizer() {}

    /**
     * {@code quantize_row_q8_0} as ggml's x86 AVX/AVX2 path computes it (the path llama.cpp takes on the
     * machines we compare with): {@code d = amax / 127} stored as F16 (and used as F16 in the dot), the
     * multiplier {@code 127 / amax} in float, and rounding half to even ({@code _mm256_round_ps} with
     * {@code _MM_ROUND_NEAREST}) — not {@code roundf} as the portable {@code quantize_row_q8_0_ref}.
     */
    static void quantizeQ8_0(
            float[] x, int xOffset, int length, float[] quants, int quantsOffset, float[] scales, int scalesOffset) {
        quantizeQ8_0Or1(x, xOffset, length, quants, quantsOffset, scales, scalesOffset, null, 0);
    }

    /**
     * {@code quantize_row_q8_1} (x86 AVX2 path): quants and {@code d} exactly as {@link #quantizeQ8_0}, and per
     * block {@code s = F16(d · Σq)} with the unrounded float {@code d}.
     */
    static void quantizeQ8_1(
            float[] x,
            int xOffset,
            int length,
            float[] quants,
            int quantsOffset,
            float[] scales,
            int scalesOffset,
            float[] blockSums,
            int blockSumsOffset) {
        quantizeQ8_0Or1(x, xOffset, length, quants, quantsOffset, scales, scalesOffset, blockSums, blockSumsOffset);
    }

    private static void quantizeQ8_0Or1(
            float[] x,
            int xOffset,
            int length,
            float[] quants,
            int quantsOffset,
            float[] scales,
            int scalesOffset,
            float[] blockSums,
            int blockSumsOffset) {
        for (int block = 0; block < length / Q8_0_BLOCK; block++) {
            int start = xOffset + block * Q8_0_BLOCK;
            float amax = 0;
            for (int i = 0; i < Q8_0_BLOCK; i++) {
                amax = Math.max(amax, Math.abs(x[start + i]));
            }
            float d = amax / 127f;
            scales[scalesOffset + block] = HalfPrecision.roundToFloat16(d);
            float inverse = amax != 0 ? 127f / amax : 0f;
            int out = quantsOffset + block * Q8_0_BLOCK;
            int sum = 0;
            for (int i = 0; i < Q8_0_BLOCK; i++) {
                float q = (float) Math.rint(x[start + i] * inverse);
                quants[out + i] = q;
                sum += (int) q;
            }
            if (blockSums != null) {
                blockSums[blockSumsOffset + block] = HalfPrecision.roundToFloat16(d * sum);
            }
        }
    }

    /**
     * {@code quantize_row_q8_K_ref} (x86 uses the reference too): the scale comes from the element of
     * largest magnitude <em>with its sign</em> ({@code iscale = -127 / max}, so that element becomes -127
     * and {@code d = 1 / iscale} may be negative), rounding by ggml's {@code nearest_int} (half to even),
     * values clamped to at most 127, and the sum of every 16 quants kept for the K-quants' minimums. An
     * all-zero block gets {@code d = 0} and zero quants.
     */
    static void quantizeQ8_K(
            float[] x,
            int xOffset,
            int length,
            float[] quants,
            int quantsOffset,
            float[] scales,
            int scalesOffset,
            int[] groupSums,
            int groupSumsOffset) {
        for (int block = 0; block < length / Q8_K_BLOCK; block++) {
            int start = xOffset + block * Q8_K_BLOCK;
            int out = quantsOffset + block * Q8_K_BLOCK;
            int sumsOut = groupSumsOffset + block * (Q8_K_BLOCK / Q8_K_SUM_GROUP);
            float max = 0;
            float amax = 0;
            for (int i = 0; i < Q8_K_BLOCK; i++) {
                float magnitude = Math.abs(x[start + i]);
                if (magnitude > amax) {
                    amax = magnitude;
                    max = x[start + i];
                }
            }
            if (amax == 0) {
                scales[scalesOffset + block] = 0;
                java.util.Arrays.fill(quants, out, out + Q8_K_BLOCK, 0f);
                java.util.Arrays.fill(groupSums, sumsOut, sumsOut + Q8_K_BLOCK / Q8_K_SUM_GROUP, 0);
                continue;
            }
            float inverseScale = -127f / max;
            for (int i = 0; i < Q8_K_BLOCK; i++) {
                quants[out + i] = Math.min(127, nearestInt(inverseScale * x[start + i]));
            }
            for (int group = 0; group < Q8_K_BLOCK / Q8_K_SUM_GROUP; group++) {
                int sum = 0;
                for (int i = 0; i < Q8_K_SUM_GROUP; i++) {
                    sum += (int) quants[out + group * Q8_K_SUM_GROUP + i];
                }
                groupSums[sumsOut + group] = sum;
            }
            scales[scalesOffset + block] = 1 / inverseScale;
        }
    }

    /**
     * ggml's {@code nearest_int}: adding 1.5·2²³ makes the float unit round the value to an integer (half
     * to even), which is then read from the mantissa bits. Valid for |value| ≤ 2²².
     */
    static int nearestInt(float value) {
        float shifted = value + 12582912f;
        return (Float.floatToRawIntBits(shifted) & 0x007fffff) - 0x00400000;
    }
}
