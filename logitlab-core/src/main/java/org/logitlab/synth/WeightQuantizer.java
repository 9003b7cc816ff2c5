package org.logitlab.synth;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.logitlab.tensor.TensorType;

/**
 * Encodes float weights in GGUF storage types, following ggml's reference quantizers
 * ({@code quantize_row_q8_0_ref}, {@code quantize_row_q4_0_ref}) so that files we write hold exactly what
 * llama-quantize would have written for the same floats.
 */
public final class WeightQuantizer {
    private WeightQuantizer() {}

    public static boolean supports(TensorType type) {
        return switch (type) {
            case F32, F16, BF16, Q8_0, Q4_0 -> true;
            default -> false;
        };
    }

    public static byte[] encode(float[] values, TensorType type) {
        ByteBuffer out = ByteBuffer.allocate((int) type.bytesFor(values.length)).order(ByteOrder.LITTLE_ENDIAN);
        switch (type) {
            case F32 -> {
                for (float v : values) {
                    out.putFloat(v);
                }
            }
            case F16 -> {
                for (float v : values) {
                    out.putShort(Float.floatToFloat16(v));
                }
            }
            case BF16 -> {
                for (float v : values) {
                    out.putShort(toBfloat16(v));
                }
            }
            case Q8_0 -> quantizeQ8(values, out);
            case Q4_0 -> quantizeQ4(values, out);
            default ->
                throw new IllegalArgumentException(
                        "cannot encode weights as " + type + " (supported: F32, F16, BF16, Q8_0, Q4_0)");
        }
        return out.array();
    }

    /** Round to nearest even, as ggml_compute_fp32_to_bf16 (NaN kept quiet). */
    static short toBfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 64);
        }
        return (short) ((bits + (0x7fff + ((bits >>> 16) & 1))) >>> 16);
    }

    private static void quantizeQ8(float[] values, ByteBuffer out) {
        requireBlocks(values.length, 32);
        for (int block = 0; block < values.length; block += 32) {
            float amax = 0;
            for (int i = 0; i < 32; i++) {
                amax = Math.max(amax, Math.abs(values[block + i]));
            }
            float d = amax / 127f;
            float id = d != 0 ? 1.0f / d : 0.0f;
            out.putShort(Float.floatToFloat16(d));
            for (int i = 0; i < 32; i++) {
                out.put((byte) roundHalfAwayFromZero(values[block + i] * id));
            }
        }
    }

    private static void quantizeQ4(float[] values, ByteBuffer out) {
        requireBlocks(values.length, 32);
        for (int block = 0; block < values.length; block += 32) {
            float amax = 0;
            float max = 0;
            for (int i = 0; i < 32; i++) {
                float v = values[block + i];
                if (Math.abs(v) > amax) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -8f;
            float id = d != 0 ? 1.0f / d : 0.0f;
            out.putShort(Float.floatToFloat16(d));
            for (int i = 0; i < 16; i++) {
                int low = Math.min(15, (int) (values[block + i] * id + 8.5f));
                int high = Math.min(15, (int) (values[block + 16 + i] * id + 8.5f));
                out.put((byte) (low | (high << 4)));
            }
        }
    }

    /** C's roundf: halves round away from zero (Java's Math.round rounds them up). */
    static int roundHalfAwayFromZero(float value) {
        return (int) Math.copySign(Math.floor(Math.abs(value) + 0.5f), value);
    }

    private static void requireBlocks(int length, int blockSize) {
        if (length % blockSize != 0) {
            throw new IllegalArgumentException(
                    length + " values are not a whole number of " + blockSize + "-element blocks");
        }
    }
}
