package org.logitlab.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.logitlab.gguf.GgufTensor;

/**
 * The vector kernels against the scalar reference on odd sizes with seeded random data. Dequantization
 * must agree bit for bit. Dots may differ only in the order of float additions (per-lane accumulation and
 * a final horizontal sum instead of one running sum): each of the n added terms can then carry a different
 * rounding error of at most 2⁻²⁴ of the partial sum, so we allow 1e-5 × Σ|wᵢ·aᵢ| — far below what one
 * wrong element (≈ 1/columns of that sum) would cause.
 */
class VectorScalarAgreementTest {
    private static final int[] ROW_COUNTS = {1, 7, 33};
    private static final int[] TOKEN_COUNTS = {1, 3, 17};
    private static final WorkerPool ONE_THREAD = new WorkerPool(1);
    private static final WorkerPool TWO_THREADS = new WorkerPool(2);

    @AfterAll
    static void closePools() {
        ONE_THREAD.close();
        TWO_THREADS.close();
    }

    static List<Arguments> typesAndColumns() {
        List<Arguments> cases = new ArrayList<>();
        for (TensorType type : List.of(TensorType.F32, TensorType.F16, TensorType.BF16)) {
            for (int columns : new int[] {19, 32, 96, 172, 768}) {
                cases.add(Arguments.of(type, columns));
            }
        }
        for (TensorType type :
                List.of(TensorType.Q8_0, TensorType.Q4_0, TensorType.Q4_1, TensorType.Q5_0, TensorType.Q5_1)) {
            for (int columns : new int[] {32, 96, 768}) {
                cases.add(Arguments.of(type, columns));
            }
        }
        for (TensorType type : List.of(TensorType.Q4_K, TensorType.Q6_K)) {
            for (int columns : new int[] {256, 768}) {
                cases.add(Arguments.of(type, columns));
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("typesAndColumns")
    void dequantizationAgreesExactly(TensorType type, int columns) {
        Random random = new Random(31L * type.id() + columns);
        for (int rows : ROW_COUNTS) {
            MemorySegment data = TestTensors.randomData(type, (long) rows * columns, random);
            float[] scalar = new float[rows * columns + 5];
            float[] vector = new float[rows * columns + 5];
            TensorKernels.scalar().dequantize(type, data, 0, rows * columns, scalar, 5);
            TestTensors.vectorKernels().dequantize(type, data, 0, rows * columns, vector, 5);
            assertThat(vector).as("%s, %d rows of %d", type, rows, columns).containsExactly(scalar);
        }
    }

    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("typesAndColumns")
    void rowDotsAgreeUpToSummationOrder(TensorType type, int columns) {
        Random random = new Random(17L * type.id() + columns);
        int rows = 33;
        int tokens = 3;
        MemorySegment data = TestTensors.randomData(type, (long) rows * columns, random);
        float[] weights = new float[rows * columns];
        TensorKernels.scalar().dequantize(type, data, 0, rows * columns, weights, 0);
        float[] x = TestTensors.gaussian(tokens * columns, random);
        x[3] = 0; // zero and extreme values must not break the quantizers
        x[columns - 1] = 40f;
        Activations activations = new Activations()
                .convert(ActivationFormat.forWeights(type, ActivationPrecision.MATCH_LLAMA_CPP), x, 0, tokens, columns);
        long rowBytes = type.bytesFor(columns);
        for (int t = 0; t < tokens; t++) {
            float[] a = dequantizedActivations(activations, t);
            for (int r = 0; r < rows; r++) {
                float scalar = TensorKernels.scalar().dot(type, data, r * rowBytes, activations, t);
                float vector = TestTensors.vectorKernels().dot(type, data, r * rowBytes, activations, t);
                double magnitude = 0;
                double exact = 0;
                for (int i = 0; i < columns; i++) {
                    magnitude += Math.abs((double) weights[r * columns + i] * a[i]);
                    exact += (double) weights[r * columns + i] * a[i];
                }
                if (activations.format == ActivationFormat.Q8_1) {
                    // ggml's Q8_1 dots take Σ m·a from s = F16(d·Σq) per block, not from the rounded d.
                    exact = 0;
                    for (int block = 0; block < columns / 32; block++) {
                        double m = Float.float16ToFloat(
                                data.get(TestTensors.SHORT, r * rowBytes + block * type.blockBytes() + 2L));
                        for (int i = block * 32; i < block * 32 + 32; i++) {
                            exact += ((double) weights[r * columns + i] - m) * a[i];
                        }
                        exact += m * activations.blockSums[activations.scalesStart(t) + block];
                    }
                }
                assertThat((double) vector)
                        .as("%s row %d token %d", type, r, t)
                        .isCloseTo(scalar, org.assertj.core.data.Offset.offset(1e-5 * magnitude + 1e-30));
                // And both are the dot of the dequantized weights with the dequantized activations.
                assertThat((double) scalar)
                        .as("%s row %d token %d vs double reference", type, r, t)
                        .isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-5 * magnitude + 1e-30));
            }
        }
    }

    /** What the converted activations of token {@code t} stand for, as floats. */
    static float[] dequantizedActivations(Activations activations, int t) {
        int columns = activations.columns;
        float[] a = new float[columns];
        for (int i = 0; i < columns; i++) {
            float value = activations.values[activations.valuesStart(t) + i];
            a[i] = switch (activations.format) {
                case Q8_0, Q8_1, Q8_K ->
                    value * activations.scales[activations.scalesStart(t) + i / activations.format.blockSize];
                default -> value;
            };
        }
        return a;
    }

    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("typesAndColumns")
    void matrixProductsAgreeAndBatchesEqualSingleTokens(TensorType type, int columns) {
        Random random = new Random(7L * type.id() + columns);
        for (int rows : ROW_COUNTS) {
            GgufTensor tensor = TestTensors.tensor(
                    "blk.0.test.weight",
                    type,
                    TestTensors.randomData(type, (long) rows * columns, random),
                    columns,
                    rows);
            for (ActivationPrecision precision : ActivationPrecision.values()) {
                WeightMatrix scalar = WeightMatrix.of(tensor, precision, TensorKernels.scalar(), ONE_THREAD);
                WeightMatrix vector = WeightMatrix.of(tensor, precision, TestTensors.vectorKernels(), TWO_THREADS);
                for (int tokens : TOKEN_COUNTS) {
                    float[] x = TestTensors.gaussian(tokens * columns, random);
                    float[] scalarOut = new float[tokens * rows];
                    float[] vectorOut = new float[tokens * rows];
                    scalar.multiply(x, tokens, scalarOut);
                    vector.multiply(x, tokens, vectorOut);
                    for (int t = 0; t < tokens; t++) {
                        float[] single = new float[rows + 2];
                        vector.multiply(x, t * columns, single, 2);
                        for (int r = 0; r < rows; r++) {
                            String where = type + " " + precision + " rows=" + rows + " tokens=" + tokens + " t=" + t
                                    + " r=" + r;
                            assertThat(single[2 + r]).as(where).isEqualTo(vectorOut[t * rows + r]);
                            double tolerance = 1e-4 * Math.max(1, Math.abs(scalarOut[t * rows + r]));
                            assertThat((double) vectorOut[t * rows + r])
                                    .as(where)
                                    .isCloseTo(
                                            scalarOut[t * rows + r],
                                            org.assertj.core.data.Offset.offset(tolerance * Math.sqrt(columns)));
                        }
                    }
                }
            }
        }
    }

    @Test
    void floatHelpersAgree() {
        Random random = new Random(5);
        for (int length : new int[] {0, 1, 15, 16, 17, 63, 64, 65, 1000}) {
            float[] a = TestTensors.gaussian(length + 3, random);
            float[] b = TestTensors.gaussian(length + 1, random);
            double magnitude = 0;
            for (int i = 0; i < length; i++) {
                magnitude += Math.abs(a[3 + i] * b[1 + i]);
            }
            float scalar = TensorKernels.scalar().dot(a, 3, b, 1, length);
            float vector = TestTensors.vectorKernels().dot(a, 3, b, 1, length);
            assertThat((double) vector)
                    .isCloseTo(scalar, org.assertj.core.data.Offset.offset(1e-6 * magnitude + 1e-30));
            float[] yScalar = b.clone();
            float[] yVector = b.clone();
            TensorKernels.scalar().axpy(0.37f, a, 3, yScalar, 1, length);
            TestTensors.vectorKernels().axpy(0.37f, a, 3, yVector, 1, length);
            assertThat(yVector).as("axpy of %d", length).containsExactly(yScalar);
        }
    }

    /** Attention's weighted sum of value rows: bit for bit, zero weights skipped, every tail length. */
    @Test
    void weightedSumsAgreeExactly() {
        Random random = new Random(41);
        for (int length : new int[] {1, 15, 16, 64, 67, 128}) {
            int count = 37;
            int stride = length + 5;
            float[] rows = TestTensors.gaussian(2 + count * stride, random);
            float[] weights = TestTensors.gaussian(count, random);
            weights[3] = 0f;
            weights[10] = 0f;
            rows[2 + 3 * stride] = Float.NaN; // only a row of weight 0 holds a NaN: skipped, not multiplied
            float[] scalar = new float[length + 4];
            float[] vector = new float[length + 4];
            java.util.Arrays.fill(scalar, 9f);
            java.util.Arrays.fill(vector, 9f);
            TensorKernels.scalar().weightedSum(weights, count, rows, 2, stride, scalar, 3, length);
            TestTensors.vectorKernels().weightedSum(weights, count, rows, 2, stride, vector, 3, length);
            assertThat(vector).as("weighted sum of %d", length).containsExactly(scalar);
            assertThat(vector[3]).isNotNaN();
            assertThat(vector[length + 3]).as("past the output").isEqualTo(9f);
        }
    }

    /**
     * Attention's weighted sums for several queries at once (rows shared, four queries per row read): each query
     * gets exactly its single-query sum, whatever its row count, with zero weights and rows past its count skipped
     * (rows there hold NaN), for runs of 1–7 queries and every tail length.
     */
    @Test
    void multiQueryWeightedSumsEqualSingleQuerySums() {
        Random random = new Random(43);
        for (int length : new int[] {16, 64, 67, 128}) {
            for (int queries = 1; queries <= 7; queries++) {
                int stride = length + 5;
                int rowsTotal = 41;
                float[] rows = TestTensors.gaussian(2 + rowsTotal * stride, random);
                float[][] weights = new float[queries][];
                int[] counts = new int[queries];
                for (int q = 0; q < queries; q++) {
                    counts[q] = 30 + random.nextInt(10); // causal runs see different numbers of rows
                    weights[q] = TestTensors.gaussian(counts[q] + 3, random);
                    weights[q][q] = 0f;
                    weights[q][counts[q]] = Float.NaN; // past the count: never read
                }
                rows[2 + 40 * stride] = Float.NaN; // past every count
                int outStride = length + 3;
                float[] expected = new float[1 + queries * outStride];
                float[] scalar = expected.clone();
                float[] vector = expected.clone();
                for (int q = 0; q < queries; q++) {
                    TensorKernels.scalar()
                            .weightedSum(weights[q], counts[q], rows, 2, stride, expected, 1 + q * outStride, length);
                }
                TensorKernels.scalar()
                        .weightedSums(weights, counts, queries, rows, 2, stride, scalar, 1, outStride, length);
                TestTensors.vectorKernels()
                        .weightedSums(weights, counts, queries, rows, 2, stride, vector, 1, outStride, length);
                assertThat(scalar)
                        .as("scalar, %d queries of %d", queries, length)
                        .containsExactly(expected);
                assertThat(vector)
                        .as("vector, %d queries of %d", queries, length)
                        .containsExactly(expected);
            }
        }
    }
}
