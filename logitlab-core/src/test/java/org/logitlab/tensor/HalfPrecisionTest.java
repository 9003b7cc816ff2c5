package org.logitlab.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HalfPrecisionTest {

    /** ggml_compute_fp16_to_fp32's bit manipulation (Maratyszcza's FP16), written out as the reference. */
    private static float ggmlFloat16ToFloat(short half) {
        int w = (half & 0xFFFF) << 16;
        int sign = w & 0x80000000;
        int twoW = w + w;
        float normalized = Float.intBitsToFloat((twoW >>> 4) + (0xE0 << 23)) * 0x1.0p-112f;
        float denormalized = Float.intBitsToFloat((twoW >>> 17) | (126 << 23)) - 0.5f;
        int result = sign
                | (Integer.compareUnsigned(twoW, 1 << 27) < 0
                        ? Float.floatToRawIntBits(denormalized)
                        : Float.floatToRawIntBits(normalized));
        return Float.intBitsToFloat(result);
    }

    /** ggml_compute_fp32_to_fp16's portable fallback, the reference for non-NaN inputs. */
    private static short ggmlFloatToFloat16(float value) {
        float base = (Math.abs(value) * 0x1.0p+112f) * 0x1.0p-110f;
        int w = Float.floatToRawIntBits(value);
        int shl1W = w + w;
        int sign = w & 0x80000000;
        int bias = shl1W & 0xFF000000;
        if (Integer.compareUnsigned(bias, 0x71000000) < 0) {
            bias = 0x71000000;
        }
        base = Float.intBitsToFloat((bias >>> 1) + 0x07800000) + base;
        int bits = Float.floatToRawIntBits(base);
        int expBits = (bits >>> 13) & 0x00007C00;
        int mantissaBits = bits & 0x00000FFF;
        int nonSign = expBits + mantissaBits;
        return (short) ((sign >>> 16) | (Integer.compareUnsigned(shl1W, 0xFF000000) > 0 ? 0x7E00 : nonSign));
    }

    @Test
    void widensEveryFloat16EncodingExactlyAsGgml() {
        for (int bits = 0; bits < 65536; bits++) {
            float expected = ggmlFloat16ToFloat((short) bits);
            assertThat(Float.floatToRawIntBits(HalfPrecision.float16ToFloat((short) bits)))
                    .as("fp16 bits 0x%04x", bits)
                    .isEqualTo(Float.floatToRawIntBits(expected));
        }
    }

    @Test
    void vectorWideningOfEveryFloat16EncodingEqualsScalar() {
        TensorKernels vector = TestTensors.vectorKernels();
        MemorySegment all = TestTensors.allocate(2 * 65536);
        for (int bits = 0; bits < 65536; bits++) {
            all.set(TestTensors.SHORT, 2L * bits, (short) bits);
        }
        float[] widened = new float[65536 + 3];
        vector.dequantize(TensorType.F16, all, 0, 65536, widened, 3);
        for (int bits = 0; bits < 65536; bits++) {
            assertThat(Float.floatToRawIntBits(widened[bits + 3]))
                    .as("fp16 bits 0x%04x", bits)
                    .isEqualTo(Float.floatToRawIntBits(Float.float16ToFloat((short) bits)));
        }
    }

    @Test
    void narrowsToFloat16AsGgmlForEveryNonNaN() {
        Random random = new Random(11);
        float[] specials = {
            0f,
            -0f,
            1f,
            65504f,
            65520f,
            65519.996f,
            6.1035156e-5f,
            5.9604645e-8f,
            2.9802322e-8f,
            2.9802326e-8f,
            1e-10f,
            Float.MAX_VALUE,
            Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY,
            0.1f,
            1.0009766f,
            1.0004883f,
            1.0014648f
        };
        for (float value : specials) {
            assertThat(HalfPrecision.floatToFloat16(value)).as("%s", value).isEqualTo(ggmlFloatToFloat16(value));
            assertThat(HalfPrecision.floatToFloat16(-value)).as("%s", -value).isEqualTo(ggmlFloatToFloat16(-value));
        }
        for (int i = 0; i < 200_000; i++) {
            float value = Float.intBitsToFloat(random.nextInt());
            if (!Float.isNaN(value)) {
                assertThat(HalfPrecision.floatToFloat16(value)).as("%s", value).isEqualTo(ggmlFloatToFloat16(value));
            }
        }
    }

    @Test
    void narrowsToBfloat16RoundingHalfToEvenAndQuietingNaN() {
        assertThat(HalfPrecision.floatToBfloat16(1f)).isEqualTo((short) 0x3F80);
        // 0x3F808000 lies exactly between 0x3F80 and 0x3F81: the even one (0x3F80) wins.
        assertThat(HalfPrecision.floatToBfloat16(Float.intBitsToFloat(0x3F808000)))
                .isEqualTo((short) 0x3F80);
        // 0x3F818000 lies between 0x3F81 and 0x3F82: the even one is 0x3F82.
        assertThat(HalfPrecision.floatToBfloat16(Float.intBitsToFloat(0x3F818000)))
                .isEqualTo((short) 0x3F82);
        assertThat(HalfPrecision.floatToBfloat16(Float.intBitsToFloat(0x3F808001)))
                .isEqualTo((short) 0x3F81);
        // A signalling NaN keeps its upper half and gains the quiet bit 0x0040.
        assertThat(HalfPrecision.floatToBfloat16(Float.intBitsToFloat(0x7F800001)))
                .isEqualTo((short) 0x7FC0);
        assertThat(HalfPrecision.floatToBfloat16(Float.intBitsToFloat(0xFF810000)))
                .isEqualTo((short) 0xFFC1);
        // The largest float rounds up to infinity, as in ggml.
        assertThat(HalfPrecision.floatToBfloat16(Float.MAX_VALUE)).isEqualTo((short) 0x7F80);
        // Subnormals are rounded, not flushed.
        assertThat(HalfPrecision.floatToBfloat16(Float.intBitsToFloat(0x00018000)))
                .isEqualTo((short) 0x0002);
        assertThat(HalfPrecision.bfloat16ToFloat((short) 0xC040)).isEqualTo(-3f);
    }
}
