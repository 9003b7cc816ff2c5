package org.logitlab.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.logitlab.gguf.GgufTensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One weight matrix times one activation vector (decode) and times a batch (prefill), per tensor type, with
 * the vector or the scalar kernels on one thread. Weights are seeded random blocks with plausible F16 scales.
 * In package {@code org.logitlab.tensor} to reach the kernel choice, which is not public API.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class MatVecBenchmark {
    @Param({"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q5_0", "Q4_K", "Q6_K"})
    public String type;

    @Param({"vector", "scalar"})
    public String kernels;

    @Param({"768"})
    public int columns;

    @Param({"2048"})
    public int rows;

    @Param({"16"})
    public int batch;

    private WeightMatrix matrix;
    private WorkerPool pool;
    private float[] x;
    private float[] out;
    private float[] batchX;
    private float[] batchOut;

    @Setup(Level.Trial)
    public void setUp() {
        TensorType tensorType = TensorType.valueOf(type);
        Random random = new Random(42);
        MemorySegment data = randomData(tensorType, (long) rows * columns, random);
        GgufTensor tensor = new GgufTensor("bench.weight", tensorType, new long[] {columns, rows}, 0, data);
        TensorKernels chosen = kernels.equals("vector") ? VectorTensorKernels.INSTANCE : TensorKernels.scalar();
        pool = new WorkerPool(1);
        matrix = WeightMatrix.of(tensor, ActivationPrecision.MATCH_LLAMA_CPP, chosen, pool);
        x = gaussian(columns, random);
        out = new float[rows];
        batchX = gaussian(columns * batch, random);
        batchOut = new float[rows * batch];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    public float[] matVec() {
        matrix.multiply(x, 0, out, 0);
        return out;
    }

    @Benchmark
    public float[] matMatBatch() {
        matrix.multiply(batchX, batch, batchOut);
        return batchOut;
    }

    private static float[] gaussian(int length, Random random) {
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    private static MemorySegment randomData(TensorType type, long elements, Random random) {
        MemorySegment data = Arena.ofAuto().allocate(type.bytesFor(elements), 64);
        switch (type) {
            case F32 -> {
                for (long i = 0; i < elements; i++) {
                    data.set(BlockLayout.FLOAT, 4 * i, (float) random.nextGaussian() * 0.02f);
                }
            }
            case F16, BF16 -> {
                for (long i = 0; i < elements; i++) {
                    float value = (float) random.nextGaussian() * 0.02f;
                    short bits =
                            type == TensorType.F16 ? Float.floatToFloat16(value) : HalfPrecision.floatToBfloat16(value);
                    data.set(BlockLayout.SHORT, 2 * i, bits);
                }
            }
            default -> {
                for (long i = 0; i < data.byteSize(); i++) {
                    data.set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt(256));
                }
                for (long block = 0; block < elements / type.blockSize(); block++) {
                    long offset = block * type.blockBytes();
                    long scale = type == TensorType.Q6_K ? offset + 208 : offset;
                    data.set(BlockLayout.SHORT, scale, Float.floatToFloat16(0.001f + 0.01f * random.nextFloat()));
                    if (type == TensorType.Q4_K || type == TensorType.Q4_1 || type == TensorType.Q5_1) {
                        data.set(BlockLayout.SHORT, offset + 2, Float.floatToFloat16(0.01f * random.nextFloat()));
                    }
                }
            }
        }
        return data;
    }
}
