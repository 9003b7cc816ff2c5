package org.logitlab.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The vector Q8_0 activation quantizer against the scalar one: the same F16 scales bit for bit, the same quants
 * as values (a zero quant may be +0.0 where {@code rint} gives −0.0, which no product or sum can tell apart) and
 * the same integer block sums.
 */
class VectorQuantizerTest {

    @Test
    void gaussianRowsQuantizeAsTheScalarCode() {
        Random random = new Random(21);
        for (int blocks = 1; blocks <= 40; blocks += 13) {
            float[] x = TestTensors.gaussian(blocks * 32 + 5, random);
            for (int i = 0; i < x.length; i += 7) {
                x[i] *= 30; // an outlier now and then sets some blocks' scale
            }
            assertAgree(x, 5, blocks);
        }
    }

    /** Products that land exactly half-way between integers (ties round to even) and the block's edge cases. */
    @Test
    void tiesZerosAndExtremesQuantizeAsTheScalarCode() {
        float[] x = new float[4 * 32];
        // Block 0: amax 127, so every quant is x itself times 1; halves are ties.
        for (int i = 0; i < 32; i++) {
            x[i] = i == 0 ? 127f : (i - 16) + 0.5f;
        }
        // Block 1: all zero (scale 0, inverse 0).
        // Block 2: tiny and negative values that round to (negative) zero.
        for (int i = 0; i < 32; i++) {
            x[64 + i] = i == 5 ? -1e-3f : -1e-9f * i;
        }
        // Block 3: the largest floats.
        for (int i = 0; i < 32; i++) {
            x[96 + i] = (i % 2 == 0 ? 1 : -1) * Float.MAX_VALUE / (i + 1);
        }
        assertAgree(x, 0, 4);
    }

    private static void assertAgree(float[] x, int offset, int blocks) {
        int length = blocks * 32;
        float[] scalarQuants = new float[length + 3];
        float[] vectorQuants = new float[length + 3];
        float[] scalarScales = new float[blocks + 1];
        float[] vectorScales = new float[blocks + 1];
        int[] scalarSums = new int[blocks + 1];
        int[] vectorSums = new int[blocks + 1];
        TensorKernels.scalar().quantizeQ8_0(x, offset, length, scalarQuants, 3, scalarScales, 1, scalarSums, 1);
        TestTensors.vectorKernels().quantizeQ8_0(x, offset, length, vectorQuants, 3, vectorScales, 1, vectorSums, 1);
        for (int b = 0; b <= blocks; b++) {
            assertThat(Float.floatToRawIntBits(vectorScales[b]))
                    .as("scale of block %d", b)
                    .isEqualTo(Float.floatToRawIntBits(scalarScales[b]));
        }
        for (int i = 0; i < scalarQuants.length; i++) {
            assertThat(vectorQuants[i] == scalarQuants[i])
                    .as("quant %d: vector %s, scalar %s", i, vectorQuants[i], scalarQuants[i])
                    .isTrue();
        }
        assertThat(vectorSums).isEqualTo(scalarSums);
    }
}
