package org.logitlab.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Hand-built blocks in ggml's layouts, dequantized by both kernel sets, against values worked out here. */
class KnownAnswerDequantizationTest {

    static List<Supplier<TensorKernels>> kernels() {
        return List.of(TensorKernels::scalar, TestTensors::vectorKernels);
    }

    private static void putByte(MemorySegment data, long offset, int value) {
        data.set(ValueLayout.JAVA_BYTE, offset, (byte) value);
    }

    private static float[] dequantize(Supplier<TensorKernels> kernels, TensorType type, MemorySegment data, int n) {
        float[] out = new float[n + 1];
        kernels.get().dequantize(type, data, 0, n, out, 1);
        return java.util.Arrays.copyOfRange(out, 1, n + 1);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void q8_0IsQuantTimesScale(Supplier<TensorKernels> kernels) {
        // d = 0.5 (F16 0x3800), quant i = i - 16: element 0 = -16·0.5 = -8, element 31 = 15·0.5 = 7.5.
        MemorySegment data = TestTensors.allocate(34);
        data.set(TestTensors.SHORT, 0, (short) 0x3800);
        for (int i = 0; i < 32; i++) {
            putByte(data, 2 + i, i - 16);
        }
        float[] values = dequantize(kernels, TensorType.Q8_0, data, 32);
        for (int i = 0; i < 32; i++) {
            assertThat(values[i]).as("element %d", i).isEqualTo((i - 16) * 0.5f);
        }
        assertThat(values[0]).isEqualTo(-8f);
        assertThat(values[31]).isEqualTo(7.5f);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void q4_0PutsLowNibblesFirstAndOffsetsByEight(Supplier<TensorKernels> kernels) {
        // d = 2 (0x4000); byte j = j | (15 - j) << 4. Element j = (j - 8)·2, element 16 + j = (7 - j)·2:
        // element 0 = -16, element 15 = 14, element 16 = 14, element 31 = -16.
        MemorySegment data = TestTensors.allocate(18);
        data.set(TestTensors.SHORT, 0, (short) 0x4000);
        for (int j = 0; j < 16; j++) {
            putByte(data, 2 + j, j | ((15 - j) << 4));
        }
        float[] values = dequantize(kernels, TensorType.Q4_0, data, 32);
        for (int j = 0; j < 16; j++) {
            assertThat(values[j]).as("element %d", j).isEqualTo((j - 8) * 2f);
            assertThat(values[16 + j]).as("element %d", 16 + j).isEqualTo((7 - j) * 2f);
        }
        assertThat(values[0]).isEqualTo(-16f);
        assertThat(values[31]).isEqualTo(-16f);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void q4_1AddsTheBlockMinimumToUnsignedNibbles(Supplier<TensorKernels> kernels) {
        // d = 0.5 (0x3800), m = -2 (0xC000); byte j = j | (15 - j) << 4. Element j = 0.5·j − 2, element
        // 16 + j = 0.5·(15 − j) − 2: element 0 = -2, element 15 = 5.5, element 16 = 5.5, element 31 = -2.
        MemorySegment data = TestTensors.allocate(20);
        data.set(TestTensors.SHORT, 0, (short) 0x3800);
        data.set(TestTensors.SHORT, 2, (short) 0xC000);
        for (int j = 0; j < 16; j++) {
            putByte(data, 4 + j, j | ((15 - j) << 4));
        }
        float[] values = dequantize(kernels, TensorType.Q4_1, data, 32);
        for (int j = 0; j < 16; j++) {
            assertThat(values[j]).as("element %d", j).isEqualTo(0.5f * j - 2);
            assertThat(values[16 + j]).as("element %d", 16 + j).isEqualTo(0.5f * (15 - j) - 2);
        }
        assertThat(values[15]).isEqualTo(5.5f);
    }

    /** Q5 quant of element e in these tests: 7e + 3 mod 32 — every bit pattern of both halves occurs. */
    private static int q5Quant(int e) {
        return (7 * e + 3) & 31;
    }

    /** Writes the nibbles and fifth bits of {@link #q5Quant} at {@code qh} and {@code qh + 4}. */
    private static void putQ5Quants(MemorySegment data, long qh) {
        int highBits = 0;
        for (int e = 0; e < 32; e++) {
            highBits |= (q5Quant(e) >> 4) << e;
        }
        data.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), qh, highBits);
        for (int j = 0; j < 16; j++) {
            putByte(data, qh + 4 + j, (q5Quant(j) & 15) | ((q5Quant(j + 16) & 15) << 4));
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void q5_0TakesTheFifthBitFromQhAndOffsetsBySixteen(Supplier<TensorKernels> kernels) {
        // d = 2 (0x4000). Element 0: q = 3, value (3 − 16)·2 = -26. Element 5: q = 38 mod 32 = 6, high bit 0,
        // value -20. Element 20: q = 143 mod 32 = 15, value -2. Element 31: q = 220 mod 32 = 28 (fifth bit
        // set), value 24.
        MemorySegment data = TestTensors.allocate(22);
        data.set(TestTensors.SHORT, 0, (short) 0x4000);
        putQ5Quants(data, 2);
        float[] values = dequantize(kernels, TensorType.Q5_0, data, 32);
        for (int e = 0; e < 32; e++) {
            assertThat(values[e]).as("element %d", e).isEqualTo((q5Quant(e) - 16) * 2f);
        }
        assertThat(values[0]).isEqualTo(-26f);
        assertThat(values[20]).isEqualTo(-2f);
        assertThat(values[31]).isEqualTo(24f);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void q5_1AddsTheBlockMinimumToUnsignedFiveBitQuants(Supplier<TensorKernels> kernels) {
        // d = 0.25 (0x3400), m = 1 (0x3C00): element 31 = 0.25·28 + 1 = 8.
        MemorySegment data = TestTensors.allocate(24);
        data.set(TestTensors.SHORT, 0, (short) 0x3400);
        data.set(TestTensors.SHORT, 2, (short) 0x3C00);
        putQ5Quants(data, 4);
        float[] values = dequantize(kernels, TensorType.Q5_1, data, 32);
        for (int e = 0; e < 32; e++) {
            assertThat(values[e]).as("element %d", e).isEqualTo(0.25f * q5Quant(e) + 1);
        }
        assertThat(values[31]).isEqualTo(8f);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void q4_KUnpacksSixBitScalesAndMins(Supplier<TensorKernels> kernels) {
        int[] scales = {1, 2, 3, 4, 17, 33, 50, 63};
        int[] mins = {0, 5, 10, 63, 16, 20, 47, 1};
        // d = 1 (0x3C00), dmin = 0.5 (0x3800). Sub-block s, element i: the quant is i & 15 for even s (low
        // nibbles of the pair's 32 bytes) and (i + s/2) & 15 for odd s (high nibbles); value = scale·q −
        // 0.5·min. E.g. sub-block 5, element 3: q = (3 + 2) & 15 = 5, value = 33·5 − 0.5·20 = 155.
        MemorySegment data = TestTensors.allocate(144);
        data.set(TestTensors.SHORT, 0, (short) 0x3C00);
        data.set(TestTensors.SHORT, 2, (short) 0x3800);
        for (int j = 0; j < 4; j++) {
            // Bytes 0-3: scale j and the top 2 bits of scale j + 4; bytes 4-7: min j and top bits of min j + 4.
            putByte(data, 4 + j, scales[j] | ((scales[j + 4] >> 4) << 6));
            putByte(data, 4 + j + 4, mins[j] | ((mins[j + 4] >> 4) << 6));
            // Bytes 8-11: low 4 bits of scale j + 4 and of min j + 4.
            putByte(data, 4 + j + 8, (scales[j + 4] & 15) | ((mins[j + 4] & 15) << 4));
        }
        for (int pair = 0; pair < 4; pair++) {
            for (int l = 0; l < 32; l++) {
                putByte(data, 16 + 32 * pair + l, (l & 15) | (((l + pair) & 15) << 4));
            }
        }
        float[] values = dequantize(kernels, TensorType.Q4_K, data, 256);
        for (int s = 0; s < 8; s++) {
            for (int i = 0; i < 32; i++) {
                int q = s % 2 == 0 ? i & 15 : (i + s / 2) & 15;
                assertThat(values[32 * s + i])
                        .as("sub-block %d element %d", s, i)
                        .isEqualTo(scales[s] * q - 0.5f * mins[s]);
            }
        }
        assertThat(values[32 * 5 + 3]).isEqualTo(155f);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void q6_KJoinsLowNibblesAndHighBitsWithSignedScales(Supplier<TensorKernels> kernels) {
        // d = 0.25 (0x3400); scale of 16-element group g = g - 8 (negative for g < 8); quant of element e
        // (before -32) = 7e mod 64. Element 0: q = 0, value = 0.25·(-8)·(0 - 32) = 64. Element 200: q = 1400
        // mod 64 = 56, group 12, value = 0.25·4·24 = 24.
        MemorySegment data = TestTensors.allocate(210);
        data.set(TestTensors.SHORT, 208, (short) 0x3400);
        for (int g = 0; g < 16; g++) {
            putByte(data, 192 + g, g - 8);
        }
        for (int e = 0; e < 256; e++) {
            int q = (7 * e) & 63;
            int half = e / 128;
            int quarter = (e % 128) / 32;
            int l = e % 32;
            long low = 64L * half + l + 32L * (quarter & 1);
            int existing = data.get(ValueLayout.JAVA_BYTE, low) & 0xFF;
            putByte(data, low, quarter < 2 ? existing | (q & 15) : existing | ((q & 15) << 4));
            long high = 128 + 32L * half + l;
            putByte(data, high, (data.get(ValueLayout.JAVA_BYTE, high) & 0xFF) | ((q >> 4) << (2 * quarter)));
        }
        float[] values = dequantize(kernels, TensorType.Q6_K, data, 256);
        for (int e = 0; e < 256; e++) {
            assertThat(values[e]).as("element %d", e).isEqualTo(0.25f * (e / 16 - 8) * (((7 * e) & 63) - 32));
        }
        assertThat(values[0]).isEqualTo(64f);
        assertThat(values[200]).isEqualTo(24f);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void halfFloatsWidenExactly(Supplier<TensorKernels> kernels) {
        short[] f16 = {0x3C00, (short) 0xC000, 0x0001, 0x7BFF, (short) 0xFC00, 0x3555};
        float[] f16Values = {1f, -2f, 0x1.0p-24f, 65504f, Float.NEGATIVE_INFINITY, 0.333251953125f};
        short[] bf16 = {0x3F80, (short) 0xC040, 0x0001, 0x7F7F, (short) 0xFF80, 0x3EAB};
        float[] bf16Values = {
            1f,
            -3f,
            Float.intBitsToFloat(0x00010000),
            Float.intBitsToFloat(0x7F7F0000),
            Float.NEGATIVE_INFINITY,
            0.333984375f
        };
        // 19 elements: more than one 16-lane vector, so both the vector loop and the scalar tail run.
        int n = 19;
        MemorySegment half = TestTensors.allocate(2 * n);
        MemorySegment brain = TestTensors.allocate(2 * n);
        for (int i = 0; i < n; i++) {
            half.set(TestTensors.SHORT, 2L * i, f16[i % 6]);
            brain.set(TestTensors.SHORT, 2L * i, bf16[i % 6]);
        }
        float[] halfOut = dequantize(kernels, TensorType.F16, half, n);
        float[] brainOut = dequantize(kernels, TensorType.BF16, brain, n);
        for (int i = 0; i < n; i++) {
            assertThat(halfOut[i]).as("F16 element %d", i).isEqualTo(f16Values[i % 6]);
            assertThat(brainOut[i]).as("BF16 element %d", i).isEqualTo(bf16Values[i % 6]);
        }
    }
}
