package org.logitlab.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.logitlab.gguf.GgufTensor;

class WeightMatrixTest {

    @Test
    void rejectsANonComputableTypeNamingTensorTypeAndSupportedTypes() {
        GgufTensor tensor = TestTensors.tensor(
                "blk.3.ffn_up.weight", TensorType.Q5_K, TestTensors.allocate(TensorType.Q5_K.bytesFor(512)), 256, 2);
        assertThatThrownBy(() -> WeightMatrix.of(tensor))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blk.3.ffn_up.weight")
                .hasMessageContaining("Q5_K")
                .hasMessageContaining("Q8_0")
                .hasMessageContaining("Q6_K");
    }

    @Test
    void rejectsDataShorterThanTheShape() {
        GgufTensor tensor = TestTensors.tensor("short", TensorType.F32, TestTensors.allocate(4 * 10), 4, 3);
        assertThatThrownBy(() -> WeightMatrix.of(tensor))
                .hasMessageContaining("short")
                .hasMessageContaining("48");
    }

    @Test
    void oneDimensionalTensorIsOneRow() {
        GgufTensor tensor = TestTensors.tensor(
                "output_norm.weight", TensorType.F32, TestTensors.randomData(TensorType.F32, 64, new Random(1)), 64);
        WeightMatrix matrix = WeightMatrix.of(tensor);
        assertThat(matrix.rows()).isEqualTo(1);
        assertThat(matrix.columns()).isEqualTo(64);
    }

    /**
     * Default numerics: the product equals (to float rounding) the dot of the dequantized weights with the
     * activations as ggml converts them; FLOAT32 numerics equal the dot with the activations as given.
     */
    @Test
    void multipliesWithLlamaCppOrFloat32Activations() {
        Random random = new Random(3);
        for (TensorType type : new TensorType[] {
            TensorType.F32,
            TensorType.F16,
            TensorType.BF16,
            TensorType.Q8_0,
            TensorType.Q4_0,
            TensorType.Q4_K,
            TensorType.Q6_K
        }) {
            int rows = 9;
            int columns = 512;
            GgufTensor tensor =
                    TestTensors.tensor("w", type, TestTensors.randomData(type, rows * columns, random), columns, rows);
            float[] x = TestTensors.gaussian(columns, random);
            float[] weights = new float[columns];
            for (ActivationPrecision precision : ActivationPrecision.values()) {
                WeightMatrix matrix = WeightMatrix.of(tensor, precision);
                float[] out = new float[rows];
                matrix.multiply(x, 0, out, 0);
                Activations activations =
                        new Activations().convert(ActivationFormat.forWeights(type, precision), x, 0, 1, columns);
                float[] a = VectorScalarAgreementTest.dequantizedActivations(activations, 0);
                for (int r = 0; r < rows; r++) {
                    matrix.dequantizeRow(r, weights, 0);
                    double expected = 0;
                    double magnitude = 0;
                    for (int i = 0; i < columns; i++) {
                        expected += (double) weights[i] * a[i];
                        magnitude += Math.abs((double) weights[i] * a[i]);
                    }
                    assertThat((double) out[r])
                            .as("%s %s row %d", type, precision, r)
                            .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5 * magnitude));
                }
            }
        }
    }

    @Test
    void quantizedActivationsDifferFromFloat32OnlyByTheirRounding() {
        Random random = new Random(4);
        GgufTensor tensor = TestTensors.tensor(
                "w", TensorType.Q4_K, TestTensors.randomData(TensorType.Q4_K, 4 * 256, random), 256, 4);
        float[] x = TestTensors.gaussian(256, random);
        float[] matched = new float[4];
        float[] exact = new float[4];
        WeightMatrix.of(tensor, ActivationPrecision.MATCH_LLAMA_CPP).multiply(x, 0, matched, 0);
        WeightMatrix.of(tensor, ActivationPrecision.FLOAT32).multiply(x, 0, exact, 0);
        WeightMatrix matrix = WeightMatrix.of(tensor);
        float[] weights = new float[256];
        float maxInput = 0;
        for (float value : x) {
            maxInput = Math.max(maxInput, Math.abs(value));
        }
        for (int r = 0; r < 4; r++) {
            // Each activation moves by at most half a Q8_K step, max|x|/254: the worst case is Σ|w|·max|x|/254.
            matrix.dequantizeRow(r, weights, 0);
            double bound = 0;
            for (float weight : weights) {
                bound += Math.abs(weight) * maxInput / 254;
            }
            assertThat(matched[r]).isNotEqualTo(exact[r]);
            assertThat((double) matched[r]).isCloseTo(exact[r], org.assertj.core.data.Offset.offset(bound));
        }
    }

    @Test
    void checksBounds() {
        GgufTensor tensor = TestTensors.tensor(
                "w", TensorType.F32, TestTensors.randomData(TensorType.F32, 64, new Random(2)), 16, 4);
        WeightMatrix matrix = WeightMatrix.of(tensor);
        assertThatThrownBy(() -> matrix.multiply(new float[15], 0, new float[4], 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> matrix.multiply(new float[32], 2, new float[3], 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> matrix.dequantizeRow(4, new float[16], 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    /**
     * Q8_0/Q4_0 batches are multiplied four tokens at a time, repeating the last token to fill a group; every
     * batch size must give each token exactly its single-token result (speculative verification relies on it),
     * with nothing written outside the batch's rows.
     */
    @Test
    void smallBatchesOfEverySizeEqualSingleTokens() {
        Random random = new Random(12);
        int columns = 96;
        try (WorkerPool pool = new WorkerPool(2)) {
            // 5 rows: one partial group; 53: three whole groups (a pair and one alone) and a partial one
            for (int rows : new int[] {5, 53})
                for (TensorType type : new TensorType[] {TensorType.Q8_0, TensorType.Q4_0}) {
                    GgufTensor tensor = TestTensors.tensor(
                            "w", type, TestTensors.randomData(type, (long) rows * columns, random), columns, rows);
                    WeightMatrix matrix = WeightMatrix.of(
                            tensor, ActivationPrecision.MATCH_LLAMA_CPP, TestTensors.vectorKernels(), pool);
                    for (int tokens = 1; tokens <= 9; tokens++) {
                        float[] x = TestTensors.gaussian(tokens * columns, random);
                        float[] batch = new float[tokens * rows + 3];
                        java.util.Arrays.fill(batch, tokens * rows, batch.length, Float.NaN);
                        matrix.multiply(x, tokens, batch);
                        float[] single = new float[rows];
                        for (int t = 0; t < tokens; t++) {
                            matrix.multiply(x, t * columns, single, 0);
                            for (int r = 0; r < rows; r++) {
                                assertThat(batch[t * rows + r])
                                        .as("%s %d rows, batch of %d, token %d row %d", type, rows, tokens, t, r)
                                        .isEqualTo(single[r]);
                            }
                        }
                        for (int i = tokens * rows; i < batch.length; i++) {
                            assertThat(batch[i]).as("past the batch").isNaN();
                        }
                    }
                }
        }
    }

    /**
     * Prefill multiplies Q8_0/Q4_0 rows in tiles of rows × tokens and takes tokens in groups that fit L2;
     * a batch that spans several groups, with rows and tokens left over from the tiles, must still give
     * every token exactly what multiplying it alone gives.
     */
    @Test
    void batchesSpanningSeveralTokenGroupsEqualSingleTokens() {
        Random random = new Random(11);
        int columns = 2048;
        int tokens = 70;
        try (WorkerPool pool = new WorkerPool(2)) {
            for (int rows : new int[] {7, 71})
                for (TensorType type : new TensorType[] {TensorType.Q8_0, TensorType.Q4_0}) {
                    GgufTensor tensor = TestTensors.tensor(
                            "w", type, TestTensors.randomData(type, (long) rows * columns, random), columns, rows);
                    WeightMatrix matrix = WeightMatrix.of(
                            tensor, ActivationPrecision.MATCH_LLAMA_CPP, TestTensors.vectorKernels(), pool);
                    float[] x = TestTensors.gaussian(tokens * columns, random);
                    float[] batch = new float[tokens * rows];
                    matrix.multiply(x, tokens, batch);
                    float[] single = new float[rows];
                    for (int t = 0; t < tokens; t++) {
                        matrix.multiply(x, t * columns, single, 0);
                        for (int r = 0; r < rows; r++) {
                            assertThat(batch[t * rows + r])
                                    .as("%s %d rows, token %d row %d", type, rows, t, r)
                                    .isEqualTo(single[r]);
                        }
                    }
                }
        }
    }

    /**
     * Query, key and value share one job; gate and up one paired job that hands each finished row range to a
     * callback. Both must write exactly what multiplying each matrix alone writes, for every layout (repacked
     * Q8_0/Q4_0 groups, plain rows) and for matrices that cannot share a job (different row lengths).
     */
    @Test
    void jointMultipliesEqualSeparateOnes() {
        Random random = new Random(31);
        int columns = 96;
        try (WorkerPool pool = new WorkerPool(2)) {
            for (TensorType type : new TensorType[] {TensorType.Q8_0, TensorType.Q4_0, TensorType.F16}) {
                WeightMatrix[] matrices = new WeightMatrix[3];
                int[] rows = {37, 16, 5};
                for (int i = 0; i < 3; i++) {
                    GgufTensor tensor = TestTensors.tensor(
                            "w" + i,
                            type,
                            TestTensors.randomData(type, (long) rows[i] * columns, random),
                            columns,
                            rows[i]);
                    matrices[i] = WeightMatrix.of(
                            tensor, ActivationPrecision.MATCH_LLAMA_CPP, TestTensors.vectorKernels(), pool);
                }
                for (int tokens : new int[] {1, 3, 9}) {
                    float[] x = TestTensors.gaussian(tokens * columns, random);
                    float[][] joint = new float[3][];
                    for (int i = 0; i < 3; i++) {
                        joint[i] = new float[tokens * rows[i]];
                    }
                    WeightMatrix.multiply(x, tokens, matrices, joint);
                    for (int i = 0; i < 3; i++) {
                        float[] alone = new float[tokens * rows[i]];
                        matrices[i].multiply(x, tokens, alone);
                        assertThat(joint[i])
                                .as("%s matrix %d, %d tokens", type, i, tokens)
                                .isEqualTo(alone);
                    }

                    WeightMatrix gate = matrices[0];
                    GgufTensor upTensor = TestTensors.tensor(
                            "up", type, TestTensors.randomData(type, 37L * columns, random), columns, 37);
                    WeightMatrix up = WeightMatrix.of(
                            upTensor, ActivationPrecision.MATCH_LLAMA_CPP, TestTensors.vectorKernels(), pool);
                    float[] gateOut = new float[tokens * 37];
                    float[] upOut = new float[tokens * 37];
                    int[] visits = new int[37];
                    WeightMatrix.multiplyPaired(x, tokens, gate, gateOut, up, upOut, (start, end) -> {
                        synchronized (visits) {
                            for (int r = start; r < end; r++) {
                                visits[r]++;
                            }
                        }
                    });
                    float[] gateAlone = new float[tokens * 37];
                    float[] upAlone = new float[tokens * 37];
                    gate.multiply(x, tokens, gateAlone);
                    up.multiply(x, tokens, upAlone);
                    assertThat(gateOut)
                            .as("%s paired gate, %d tokens", type, tokens)
                            .isEqualTo(gateAlone);
                    assertThat(upOut)
                            .as("%s paired up, %d tokens", type, tokens)
                            .isEqualTo(upAlone);
                    assertThat(visits)
                            .as("every row handed to the callback once")
                            .containsOnly(1);
                }
            }
            GgufTensor wide = TestTensors.tensor(
                    "wide", TensorType.Q8_0, TestTensors.randomData(TensorType.Q8_0, 4L * 128, random), 128, 4);
            GgufTensor narrow = TestTensors.tensor(
                    "narrow", TensorType.Q8_0, TestTensors.randomData(TensorType.Q8_0, 4L * 64, random), 64, 4);
            WeightMatrix wideMatrix =
                    WeightMatrix.of(wide, ActivationPrecision.MATCH_LLAMA_CPP, TestTensors.vectorKernels(), pool);
            WeightMatrix narrowMatrix =
                    WeightMatrix.of(narrow, ActivationPrecision.MATCH_LLAMA_CPP, TestTensors.vectorKernels(), pool);
            float[] x = TestTensors.gaussian(128, random);
            float[] first = new float[4];
            float[] second = new float[4];
            int[] calls = new int[1];
            WeightMatrix.multiplyPaired(x, 1, wideMatrix, first, narrowMatrix, second, (start, end) -> {
                assertThat(start).isZero();
                assertThat(end).isEqualTo(4);
                calls[0]++;
            });
            float[] expected = new float[4];
            narrowMatrix.multiply(x, 0, expected, 0);
            assertThat(second).isEqualTo(expected);
            assertThat(calls[0]).isEqualTo(1);
            assertThatThrownBy(() -> WeightMatrix.multiply(x, 1, new WeightMatrix[] {wideMatrix}, new float[2][]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("1 matrices but 2 outputs");
        }
    }
}
