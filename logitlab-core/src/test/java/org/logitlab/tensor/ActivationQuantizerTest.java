package org.logitlab.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ActivationQuantizerTest {

    @Test
    void q8_0RoundsHalfToEvenLikeGgmlX86() {
        // amax = 127, so the multiplier 127/amax is exactly 1 and d = 1 (exact in F16): the quants are the
        // inputs rounded half to even (_mm256_round_ps), where roundf would give 3, 4, -3, 1 and -1.
        float[] x = new float[32];
        x[0] = 2.5f;
        x[1] = 3.5f;
        x[2] = -2.5f;
        x[3] = 0.5f;
        x[4] = -0.5f;
        x[5] = 1.5f;
        x[6] = -127f;
        x[7] = 126.49f;
        float[] quants = new float[32];
        float[] scales = new float[1];
        ActivationQuantizer.quantizeQ8_0(x, 0, 32, quants, 0, scales, 0);
        assertThat(scales[0]).isEqualTo(1f);
        assertThat(Arrays.copyOf(quants, 8)).containsExactly(2f, 4f, -2f, 0f, -0f, 2f, -127f, 126f);
    }

    @Test
    void q8_0StoresTheScaleAsFloat16() {
        // amax = 1: d = 1/127 = 0.0078740157 = 2^-7 · 1.00787; F16 keeps 10 mantissa bits, 0.00787·1024 = 8.06
        // rounds to 8, so d = 2^-7 · (1 + 8/1024) = 0.00787353515625. The multiplier stays 127/amax = 127.
        float[] x = new float[64];
        x[32 + 0] = 1f;
        x[32 + 1] = -0.5f; // -63.5 -> -64 (even)
        x[32 + 2] = 0.25f; // 31.75 -> 32
        float[] quants = new float[64];
        float[] scales = new float[2];
        ActivationQuantizer.quantizeQ8_0(x, 0, 64, quants, 0, scales, 0);
        assertThat(scales[1]).isEqualTo(0.00787353515625f);
        assertThat(quants[32]).isEqualTo(127f);
        assertThat(quants[33]).isEqualTo(-64f);
        assertThat(quants[34]).isEqualTo(32f);
    }

    @Test
    void q8_1AddsTheQuantSumTimesTheUnroundedScale() {
        // amax = 1: quants and the F16 d as Q8_0 (127 and -110, Σq = 17), and s = F16(d·Σq) with the float
        // d = 1/127 as ggml's AVX2 quantize_row_q8_1: 0.1339111328125, where the F16 d would give 0.1337890625.
        float[] x = new float[32];
        x[0] = 1f;
        x[1] = -110f / 127f;
        float[] quants = new float[32];
        float[] scales = new float[1];
        float[] sums = new float[1];
        ActivationQuantizer.quantizeQ8_1(x, 0, 32, quants, 0, scales, 0, sums, 0);
        assertThat(scales[0]).isEqualTo(0.00787353515625f);
        assertThat(quants[0]).isEqualTo(127f);
        assertThat(quants[1]).isEqualTo(-110f);
        assertThat(sums[0]).isEqualTo(0.1339111328125f);
    }

    @Test
    void q8_0LeavesAnAllZeroBlockAtZeroScale() {
        float[] quants = new float[32];
        Arrays.fill(quants, 9f);
        float[] scales = {5f};
        ActivationQuantizer.quantizeQ8_0(new float[32], 0, 32, quants, 0, scales, 0);
        assertThat(scales[0]).isZero();
        assertThat(quants).containsOnly(0f);
    }

    @Test
    void q8_KTakesTheSignOfTheLargestElementAndRoundsHalfToEven() {
        // The first element of largest magnitude is +127 (the later -127 does not replace it), so
        // iscale = -127/127 = -1 and d = 1/iscale = -1: every quant is the negated input rounded half to
        // even by nearest_int.
        float[] x = new float[256];
        x[0] = 127f;
        x[1] = -127f;
        x[2] = 2.5f; // -2.5 -> -2
        x[3] = 3.5f; // -3.5 -> -4
        x[4] = -0.5f; // 0.5 -> 0
        x[5] = -126.5f; // 126.5 -> 126
        x[16] = 1.5f; // -1.5 -> -2
        float[] quants = new float[256];
        float[] scales = new float[1];
        int[] sums = new int[16];
        ActivationQuantizer.quantizeQ8_K(x, 0, 256, quants, 0, scales, 0, sums, 0);
        assertThat(scales[0]).isEqualTo(-1f);
        assertThat(Arrays.copyOf(quants, 6)).containsExactly(-127f, 127f, -2f, -4f, 0f, 126f);
        assertThat(quants[16]).isEqualTo(-2f);
        // Group sums of 16: -127 + 127 - 2 - 4 + 0 + 126 = 120; the second group holds only -2.
        assertThat(sums[0]).isEqualTo(120);
        assertThat(sums[1]).isEqualTo(-2);
        assertThat(Arrays.copyOfRange(sums, 2, 16)).containsOnly(0);
    }

    @Test
    void q8_KWithANegativeMaximumKeepsPositiveScale() {
        // max = -2 (largest magnitude, negative): iscale = -127/-2 = 63.5, d = 1/63.5.
        float[] x = new float[256];
        x[10] = -2f; // -127
        x[11] = 1f; // 63.5 -> 64 (even)
        x[12] = 0.5f; // 31.75 -> 32
        float[] quants = new float[256];
        float[] scales = new float[1];
        int[] sums = new int[16];
        ActivationQuantizer.quantizeQ8_K(x, 0, 256, quants, 0, scales, 0, sums, 0);
        assertThat(scales[0]).isEqualTo(1f / 63.5f);
        assertThat(quants[10]).isEqualTo(-127f);
        assertThat(quants[11]).isEqualTo(64f);
        assertThat(quants[12]).isEqualTo(32f);
        assertThat(sums[0]).isEqualTo(-127 + 64 + 32);
    }

    @Test
    void q8_KZeroesAnAllZeroBlock() {
        float[] quants = new float[512];
        Arrays.fill(quants, 3f);
        float[] scales = {7f, 7f};
        int[] sums = new int[32];
        Arrays.fill(sums, 5);
        float[] x = new float[512];
        x[300] = 1f;
        ActivationQuantizer.quantizeQ8_K(x, 0, 512, quants, 0, scales, 0, sums, 0);
        assertThat(scales[0]).isZero();
        assertThat(Arrays.copyOf(quants, 256)).containsOnly(0f);
        assertThat(Arrays.copyOf(sums, 16)).containsOnly(0);
        assertThat(scales[1]).isEqualTo(-1f / 127f);
        assertThat(quants[300]).isEqualTo(-127f);
    }

    @Test
    void nearestIntRoundsHalfToEven() {
        assertThat(ActivationQuantizer.nearestInt(0.5f)).isZero();
        assertThat(ActivationQuantizer.nearestInt(1.5f)).isEqualTo(2);
        assertThat(ActivationQuantizer.nearestInt(-2.5f)).isEqualTo(-2);
        assertThat(ActivationQuantizer.nearestInt(-2.51f)).isEqualTo(-3);
        assertThat(ActivationQuantizer.nearestInt(126.99f)).isEqualTo(127);
    }
}
