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
        checkBatch(x, tokens);
        checkOutput(out, tokens);
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
        task.single[0] = this;
        task.singleOut[0] = out;
        task.prepare(task.single, task.singleOut, outOffset, false, null);
        task.activations.convert(activationFormat, x, xOffset, tokens, columns, kernels);
        task.runOn(pool);
    }

    /**
     * Several matrices with the same row length and activation format times the same {@code tokens} activation
     * rows (a layer's query, key and value): the activations are converted once and all the products run as one
     * parallel job, so the threads meet once instead of once per matrix. {@code outs[i]} receives matrix i's
     * product as {@link #multiply(float[], int, float[])} would write it, bit for bit; matrices that cannot share
     * a job (different row lengths, formats, layouts or pools) are multiplied one after another.
     */
    public static void multiply(float[] x, int tokens, WeightMatrix[] matrices, float[][] outs) {
        if (matrices.length != outs.length) {
            throw new IllegalArgumentException(matrices.length + " matrices but " + outs.length + " outputs");
        }
        for (WeightMatrix matrix : matrices) {
            if (!matrices[0].canShareJob(matrix)) {
                for (int i = 0; i < matrices.length; i++) {
                    matrices[i].multiply(x, tokens, outs[i]);
                }
                return;
            }
        }
        matrices[0].checkBatch(x, tokens);
        for (int i = 0; i < matrices.length; i++) {
            matrices[i].checkOutput(outs[i], tokens);
        }
        MultiplyTask task = TASKS.get();
        task.prepare(matrices, outs, 0, false, null);
        task.activations.convert(matrices[0].activationFormat, x, 0, tokens, matrices[0].columns, matrices[0].kernels);
        task.runOn(matrices[0].pool);
    }

    /** Called once a range of rows of both matrices of {@link #multiplyPaired} is done, for all tokens. */
    @FunctionalInterface
    public interface RowsDone {
        void run(int startRow, int endRow);
    }

    /**
     * Two matrices of the same shape, format and layout times the same activations (a SwiGLU block's gate and up),
     * in one parallel job whose chunks each compute the same rows of both and then call {@code done} for those
     * rows on the thread that computed them: element-wise work on the pair (the gating) runs in parallel, on rows
     * still in cache. Products equal {@link #multiply(float[], int, float[])}'s bit for bit. When the matrices
     * cannot share a job, they are multiplied one after the other and {@code done} runs once for all rows.
     */
    public static void multiplyPaired(
            float[] x,
            int tokens,
            WeightMatrix first,
            float[] firstOut,
            WeightMatrix second,
            float[] secondOut,
            RowsDone done) {
        if (!first.canShareJob(second) || first.rows != second.rows) {
            first.multiply(x, tokens, firstOut);
            second.multiply(x, tokens, secondOut);
            done.run(0, first.rows);
            return;
        }
        first.checkBatch(x, tokens);
        first.checkOutput(firstOut, tokens);
        second.checkOutput(secondOut, tokens);
        MultiplyTask task = TASKS.get();
        task.prepare(new WeightMatrix[] {first, second}, new float[][] {firstOut, secondOut}, 0, true, done);
        task.activations.convert(first.activationFormat, x, 0, tokens, first.columns, first.kernels);
        task.runOn(first.pool);
    }

    private boolean canShareJob(WeightMatrix other) {
        return columns == other.columns
                && activationFormat == other.activationFormat
                && (interleaved == null) == (other.interleaved == null)
                && kernels == other.kernels
                && pool == other.pool;
    }

    private void checkBatch(float[] x, int tokens) {
        if (tokens < 1) {
            throw new IllegalArgumentException("tokens must be at least 1, was " + tokens);
        }
        Objects.checkFromIndexSize(0, Math.multiplyExact(tokens, columns), x.length);
    }

    private void checkOutput(float[] out, int tokens) {
        Objects.checkFromIndexSize(0, Math.multiplyExact(tokens, rows), out.length);
    }

    /** Work units of one job: groups of {@link InterleavedQuants#ROWS} rows when repacked, else rows. */
    private int units() {
        return interleaved != null ? interleaved.groups() : rows;
    }

    /** Rows of units {@code [0, unit)}. */
    private int rowsOfUnits(int unit) {
        return interleaved != null ? Math.min(rows, unit * InterleavedQuants.ROWS) : unit;
    }

    private void multiplyUnits(Activations activations, float[] out, int outOffset, int start, int end) {
        if (interleaved != null) {
            multiplyGroups(activations, out, outOffset, start, end);
        } else {
            multiplyRows(activations, out, outOffset, start, end);
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
     * L2 while the quants of each pair of groups pass over them four tokens at a time.
     */
    private void multiplyGroups(Activations activations, float[] out, int outOffset, int start, int end) {
        int tokens = activations.tokens;
        int tokenBlock = Math.max(
                InterleavedQuants.TOKENS, 49_152 / columns / InterleavedQuants.TOKENS * InterleavedQuants.TOKENS);
        for (int first = 0; first < tokens; first += tokenBlock) {
            int last = Math.min(tokens, first + tokenBlock) - 1;
            int group = start;
            // Two row groups per kernel call wherever two or more tokens run (the same results, faster kernels):
            // four tokens per call, the last call of a block taking two, three or five, so never one alone.
            for (; group + 1 < end && last > first; group += 2) {
                for (int t = first; t <= last; t += InterleavedQuants.TOKENS) {
                    interleaved.multiplyPair(group, activations, t, last, out, outOffset);
                    if (t + 4 == last) {
                        break; // that call took the five tokens left
                    }
                }
            }
            for (; group < end; group++) {
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

    /**
     * One calling thread's reusable job: its converted activations and the matrices it multiplies with them. Units
     * (groups or rows) of all matrices are numbered one after another; a paired job numbers the units of the first
     * matrix only and computes each for both.
     */
    private static final class MultiplyTask implements WorkerPool.RangeBody {
        final Activations activations = new Activations();
        /** Reused for one-matrix jobs, so that they do not allocate. */
        final WeightMatrix[] single = new WeightMatrix[1];

        final float[][] singleOut = new float[1][];
        WeightMatrix[] matrices;
        float[][] outs;
        int outOffset;
        boolean paired;
        RowsDone done;
        /** {@code unitStarts[i]}: the first job unit of matrix i; the last entry is the total. */
        int[] unitStarts = new int[2];

        void prepare(WeightMatrix[] matrices, float[][] outs, int outOffset, boolean paired, RowsDone done) {
            this.matrices = matrices;
            this.outs = outs;
            this.outOffset = outOffset;
            this.paired = paired;
            this.done = done;
            int count = paired ? 1 : matrices.length;
            if (unitStarts.length < count + 1) {
                unitStarts = new int[count + 1];
            }
            for (int i = 0; i < count; i++) {
                unitStarts[i + 1] = unitStarts[i] + matrices[i].units();
            }
        }

        void runOn(WorkerPool pool) {
            try {
                WeightMatrix first = matrices[0];
                // Rows are cheap for small matrices: keep at least ~16K multiply-adds per chunk.
                long perRow = (long) first.columns * activations.tokens * (paired ? 2 : 1);
                int minimumRows = (int) Math.max(1, 16_384L / perRow);
                int minimumUnits =
                        first.interleaved != null ? Math.ceilDiv(minimumRows, InterleavedQuants.ROWS) : minimumRows;
                pool.parallelFor(unitStarts[paired ? 1 : matrices.length], minimumUnits, this);
            } finally {
                matrices = null;
                outs = null;
                done = null;
                single[0] = null;
                singleOut[0] = null;
            }
        }

        /** Units {@code [start, end)} of the job. */
        @Override
        public void run(int start, int end) {
            if (paired) {
                matrices[0].multiplyUnits(activations, outs[0], outOffset, start, end);
                matrices[1].multiplyUnits(activations, outs[1], outOffset, start, end);
                done.run(matrices[0].rowsOfUnits(start), matrices[0].rowsOfUnits(end));
                return;
            }
            for (int i = 0; i < matrices.length; i++) {
                int from = Math.max(start, unitStarts[i]);
                int to = Math.min(end, unitStarts[i + 1]);
                if (from < to) {
                    matrices[i].multiplyUnits(
                            activations, outs[i], outOffset, from - unitStarts[i], to - unitStarts[i]);
                }
            }
        }
    }

    @Override
    public String toString() {
        return name + " " + type + " " + rows + "x" + columns + " (" + precision + ")";
    }
}
