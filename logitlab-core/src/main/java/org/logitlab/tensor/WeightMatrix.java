package org.logitlab.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import org.logitlab.gguf.GgufTensor;

/**
 * A weight tensor seen as a matrix of {@link #rows()} rows of {@link #columns()} values (ggml order:
 * {@code shape[0]} is the row length; a 1-D tensor is one row), multiplied with activation vectors in
 * place in the mapped file.
 *
 * <p><b>Numerics.</b> By default ({@link ActivationPrecision#MATCH_LLAMA_CPP}) the activations are
 * converted once per multiply to the weight type's ggml {@code vec_dot_type} — rounded to F16 (F16
 * weights) or BF16 (BF16 weights, round to nearest even), quantized to Q8_0 (Q8_0 and Q4_0 weights: F16
 * scale {@code amax/127}, rounding half to even as ggml's x86 path) or to Q8_K (Q4_K and Q6_K weights, as
 * {@code quantize_row_q8_K_ref}) — and each dot is integer products per block times the block scales,
 * accumulated in float32. Results then agree with llama.cpp's CPU backend up to the order of float
 * additions. {@link ActivationPrecision#FLOAT32} multiplies exactly dequantized weights with unrounded
 * activations instead.
 *
 * <p><b>Repacked Q8_0/Q4_0.</b> With the vector kernels and Q8_0 activations, Q8_0 and Q4_0 matrices are
 * copied once at creation into {@link InterleavedQuants}' layout of 16 rows per group (as llama.cpp repacks them
 * for its CPU GEMM; it costs a copy of the tensor in memory and a moment at load) and every multiply, one token
 * or a batch, runs on that copy with one kernel, so batches equal single tokens bit for bit. Its block sums are
 * added in the same order as the row-at-a-time dot within a row, but not lane-split, so results differ from that
 * dot (and from ggml) in the last bits.
 *
 * <p><b>Rows that straddle blocks.</b> Old files hold quantized tensors whose row length is not a
 * multiple of the block size (stories260K's Q8_0 {@code ffn_down}: rows of 172 in blocks of 32), stored as
 * one flat run of blocks. Modern ggml refuses them; here such a tensor is dequantized as a whole to F32
 * when the matrix is created and then computed in F32 (so its activations are never quantized).
 *
 * <p>Instances are immutable and may be used from many threads at once; each calling thread keeps its own
 * grow-only scratch buffers, so steady-state multiplies do not allocate.
 */
public final class WeightMatrix {
    private static final ThreadLocal<MultiplyTask> TASKS = ThreadLocal.withInitial(MultiplyTask::new);
    private static final ThreadLocal<float[][]> ROW_SCRATCH = ThreadLocal.withInitial(() -> new float[1][0]);

    private final String name;
    private final TensorType type;
    private final TensorType computeType;
    private final int rows;
    private final int columns;
    private final MemorySegment data;
    private final long rowBytes;
    private final boolean flattened;
    private final ActivationPrecision precision;
    private final ActivationFormat activationFormat;
    private final TensorKernels kernels;
    private final WorkerPool pool;
    /** Q8_0/Q4_0 weights repacked for the vector kernels (multiplies use it; row lookups the file). */
    private final InterleavedQuants interleaved;

    private WeightMatrix(GgufTensor tensor, ActivationPrecision precision, TensorKernels kernels, WorkerPool pool) {
        this.name = tensor.name();
        this.type = tensor.type();
        this.precision = Objects.requireNonNull(precision, "precision");
        this.kernels = kernels;
        this.pool = pool;
        if (!type.computable()) {
            throw new IllegalArgumentException("tensor '" + name + "' has type " + type
                    + ", which logitlab cannot compute with; supported types: " + TensorType.computableNames());
        }
        long rowLength = tensor.rowLength();
        long rowCount = tensor.shape().length == 1 ? 1 : tensor.rowCount();
        if (rowLength < 1 || rowLength > Integer.MAX_VALUE || rowCount < 1 || rowCount > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "tensor '" + name + "' has shape " + java.util.Arrays.toString(tensor.shape())
                            + "; rows and row length must be between 1 and " + Integer.MAX_VALUE);
        }
        this.rows = (int) rowCount;
        this.columns = (int) rowLength;
        long elements = rowCount * rowLength;
        long needed = type.bytesFor(elements);
        if (tensor.data().byteSize() < needed) {
            throw new IllegalArgumentException("tensor '" + name + "' (" + type + ", " + elements + " elements) needs "
                    + needed + " bytes but its data has " + tensor.data().byteSize());
        }
        if (columns % type.blockSize() == 0) {
            this.computeType = type;
            this.data = tensor.data();
            this.rowBytes = type.bytesFor(columns);
            this.flattened = false;
        } else {
            if (elements % type.blockSize() != 0 || elements > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("tensor '" + name + "' (" + type + ") has " + elements
                        + " elements, not a whole number of " + type.blockSize() + "-element blocks");
            }
            float[] values = new float[(int) elements];
            kernels.dequantize(type, tensor.data(), 0, (int) elements, values, 0);
            // Native, not MemorySegment.ofArray(float[]): the Vector API only reads heap segments of byte[].
            MemorySegment copy = Arena.ofAuto().allocate(4L * elements, 64);
            MemorySegment.copy(values, 0, copy, BlockLayout.FLOAT, 0, values.length);
            this.flattened = true;
            this.computeType = TensorType.F32;
            this.data = copy;
            this.rowBytes = 4L * columns;
        }
        this.activationFormat = ActivationFormat.forWeights(computeType, precision);
        this.interleaved = kernels instanceof VectorTensorKernels
                        && activationFormat == ActivationFormat.Q8_0
                        && InterleavedQuants.supports(computeType, columns)
                ? InterleavedQuants.repack(computeType, data, rowBytes, rows, columns, pool)
                : null;
    }

    /** The matrix of {@code tensor} with llama.cpp's numerics, computed on the default worker pool. */
    public static WeightMatrix of(GgufTensor tensor) {
        return of(tensor, ActivationPrecision.MATCH_LLAMA_CPP);
    }

    public static WeightMatrix of(GgufTensor tensor, ActivationPrecision precision) {
        return new WeightMatrix(tensor, precision, TensorKernels.preferred(), WorkerPool.defaultPool());
    }

    /** For tests and benchmarks: chosen kernels (scalar or vector) and pool. */
    static WeightMatrix of(GgufTensor tensor, ActivationPrecision precision, TensorKernels kernels, WorkerPool pool) {
        return new WeightMatrix(tensor, precision, kernels, pool);
    }

    public String name() {
        return name;
    }

    /** The type stored in the file (computation uses F32 for tensors whose rows straddle blocks). */
    public TensorType type() {
        return type;
    }

    /** Whether the tensor was dequantized to F32 at creation because its rows straddle blocks. */
    public boolean flattened() {
        return flattened;
    }

    public int rows() {
        return rows;
    }

    public int columns() {
        return columns;
    }

    public ActivationPrecision precision() {
        return precision;
    }

    /** out[outOffset + r] = dot(row r, x[xOffset .. xOffset + columns)) for every row r. */
    public void multiply(float[] x, int xOffset, float[] out, int outOffset) {
        Objects.checkFromIndexSize(xOffset, columns, x.length);
        Objects.checkFromIndexSize(outOffset, rows, out.length);
        run(x, xOffset, 1, out, outOffset);
    }

    /**
     * Batched (prefill): for t in [0, tokens): out[t·rows + r] = dot(row r, x[t·columns ...]). Each
     * activation row is converted once; each thread takes a range of weight rows and multiplies every row
     * with all tokens while it is in cache, so the weights are read from memory once, not once per token.
     */
    public void multiply(float[] x, int tokens, float[] out) {
        if (tokens < 1) {
            throw new IllegalArgumentException("tokens must be at least 1, was " + tokens);
        }
        Objects.checkFromIndexSize(0, Math.multiplyExact(tokens, columns), x.length);
        Objects.checkFromIndexSize(0, Math.multiplyExact(tokens, rows), out.length);
        run(x, 0, tokens, out, 0);
    }

    /** Row {@code row} dequantized exactly (ggml's {@code get_rows}), for embedding lookups. */
    public void dequantizeRow(int row, float[] destination, int offset) {
        Objects.checkIndex(row, rows);
        Objects.checkFromIndexSize(offset, columns, destination.length);
        kernels.dequantize(computeType, data, row * rowBytes, columns, destination, offset);
    }

    private void run(float[] x, int xOffset, int tokens, float[] out, int outOffset) {
        MultiplyTask task = TASKS.get();
        task.matrix = this;
        task.activations.convert(activationFormat, x, xOffset, tokens, columns);
        task.out = out;
        task.outOffset = outOffset;
        try {
            // Rows are cheap for small matrices: keep at least ~16K multiply-adds per chunk.
            int minimumRows = (int) Math.max(1, 16_384L / ((long) columns * tokens));
            if (interleaved != null) {
                pool.parallelFor(interleaved.groups(), Math.ceilDiv(minimumRows, InterleavedQuants.ROWS), task);
            } else {
                pool.parallelFor(rows, minimumRows, task);
            }
        } finally {
            task.matrix = null;
            task.out = null;
        }
    }

    private void multiplyRows(Activations activations, float[] out, int outOffset, int start, int end) {
        int tokens = activations.tokens;
        // F16/BF16 rows are widened once and then dotted as floats: the same products and sums as a direct
        // F16 dot, without converting the row again for every token.
        boolean dequantizeFirst = (activationFormat == ActivationFormat.FLOAT32 && computeType.quantized())
                || computeType == TensorType.F16
                || computeType == TensorType.BF16;
        float[] row = dequantizeFirst ? rowScratch(columns) : null;
        for (int r = start; r < end; r++) {
            long rowOffset = r * rowBytes;
            if (dequantizeFirst) {
                kernels.dequantize(computeType, data, rowOffset, columns, row, 0);
                for (int t = 0; t < tokens; t++) {
                    out[outOffset + t * rows + r] =
                            kernels.dot(row, 0, activations.values, activations.valuesStart(t), columns);
                }
            } else {
                for (int t = 0; t < tokens; t++) {
                    out[outOffset + t * rows + r] = kernels.dot(computeType, data, rowOffset, activations, t);
                }
            }
        }
    }

    /**
     * Repacked Q8_0/Q4_0 rows, groups {@code [start, end)}: tokens in blocks whose activations (~192 KiB) stay in
     * L2 while each group's quants pass over them four tokens at a time.
     */
    private void multiplyGroups(Activations activations, float[] out, int outOffset, int start, int end) {
        int tokens = activations.tokens;
        int tokenBlock = Math.max(
                InterleavedQuants.TOKENS, 49_152 / columns / InterleavedQuants.TOKENS * InterleavedQuants.TOKENS);
        for (int first = 0; first < tokens; first += tokenBlock) {
            int last = Math.min(tokens, first + tokenBlock) - 1;
            for (int group = start; group < end; group++) {
                for (int t = first; t <= last; t += InterleavedQuants.TOKENS) {
                    interleaved.multiply(group, activations, t, last, out, outOffset);
                }
            }
        }
    }

    private static float[] rowScratch(int length) {
        float[][] holder = ROW_SCRATCH.get();
        if (holder[0].length < length) {
            holder[0] = new float[length];
        }
        return holder[0];
    }

    /** One calling thread's reusable multiply: its converted activations and the body workers run. */
    private static final class MultiplyTask implements WorkerPool.RangeBody {
        final Activations activations = new Activations();
        WeightMatrix matrix;
        float[] out;
        int outOffset;

        /** Rows {@code [start, end)}, or groups of rows when the matrix is repacked. */
        @Override
        public void run(int start, int end) {
            if (matrix.interleaved != null) {
                matrix.multiplyGroups(activations, out, outOffset, start, end);
            } else {
                matrix.multiplyRows(activations, out, outOffset, start, end);
            }
        }
    }

    @Override
    public String toString() {
        return name + " " + type + " " + rows + "x" + columns + " (" + precision + ")";
    }
}
