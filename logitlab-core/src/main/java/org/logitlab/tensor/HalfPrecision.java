package org.logitlab.tensor;

/**
 * Conversions between float32 and the two 16-bit float formats GGUF stores: IEEE binary16 (F16) and
 * bfloat16 (BF16), bit-compatible with ggml.
 *
 * <p>F16: {@link Float#float16ToFloat} is exact for every one of the 65,536 encodings (normals,
 * subnormals, infinities, NaN payloads), like ggml's {@code ggml_compute_fp16_to_fp32} and the F16C
 * instruction ggml uses on x86; the tests check all of them. {@link Float#floatToFloat16} rounds to
 * nearest even, as F16C's {@code _cvtss_sh}/{@code _mm256_cvtps_ph} (which ggml uses for activations on
 * x86) does; it only differs from ggml's portable fallback in which NaN it returns.
 *
 * <p>BF16: widening is a shift. Narrowing follows {@code ggml_compute_fp32_to_bf16}: round to nearest
 * even by adding {@code 0x7fff + lsb}, and NaNs made quiet by setting bit 6; subnormals are kept.
 */
public final class HalfPrecision {
    private HalfPrecision() {}

    public static float float16ToFloat(short bits) {
        return Float.float16ToFloat(bits);
    }

    public static short floatToFloat16(float value) {
        return Float.floatToFloat16(value);
    }

    /** {@code value} rounded to the nearest F16 and back, the way ggml rounds activations for F16 weights. */
    public static float roundToFloat16(float value) {
        return Float.float16ToFloat(Float.floatToFloat16(value));
    }

    public static float bfloat16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    public static short floatToBfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            // ggml keeps the upper half of a NaN and forces the quiet bit so it cannot become infinity.
            return (short) ((bits >>> 16) | 64);
        }
        return (short) ((bits + (0x7fff + ((bits >>> 16) & 1))) >>> 16);
    }

    /** {@code value} rounded to the nearest BF16 and back, the way ggml rounds activations for BF16 weights. */
    public static float roundToBfloat16(float value) {
        return bfloat16ToFloat(floatToBfloat16(value));
    }
}
