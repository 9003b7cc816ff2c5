package org.logitlab.tensor;

import static org.logitlab.tensor.BlockLayout.Q4_0_BYTES;
import static org.logitlab.tensor.BlockLayout.Q8_0_BYTES;
import static org.logitlab.tensor.BlockLayout.float16;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A Q8_0 or Q4_0 matrix repacked for the vector kernels, {@link #ROWS} rows at a time (one row per int lane), as
 * llama.cpp's CPU backend repacks Q4_0/Q8_0 weights for its GEMM. Within a group of rows, each block is stored
 * as {@code ints} of four quant bytes per row — Q8_0 elements 4g … 4g+3; Q4_0 packed bytes 4g … 4g+3, whose low
 * nibbles are elements 4g … 4g+3 and high nibbles 4g+16 … 4g+19 — and its F16 scales widened to floats. A
 * multiply loads one int vector, extracts a quant of every row with shifts and masks, converts it to floats once
 * and multiplies it with a broadcast activation of each token (four tokens per pass over the weights): no
 * horizontal sum per row, one scale multiply per block for all rows, and the result lanes are rows of the output.
 * Batches of two or more tokens run two groups per call ({@link #multiplyPair}): each broadcast then feeds two
 * FMAs, and eight accumulators give the eight independent FMA chains that two FMA pipes of latency 4 need (four
 * chains, one group's, cap the kernel at one FMA per cycle).
 *
 * <p>Results are stored inline ({@code intoArray} with an {@code indexInRange} mask), not through a helper
 * method: C2 does not inline a cold helper into kernels this large, and calling one boxes the result vectors —
 * which made the first two-group kernel a third slower than the one-group one.
 *
 * <p>Bytes are extracted with same-width int shifts, not with the Vector API's byte-to-int conversions: those
 * lose their intrinsic when other code converts other shapes (the JDK call sites' type profiles are shared) and
 * then allocate a vector per element. For the same reason each type and token count has its own method. Q4_0
 * nibbles are used as stored (quant + 8) and 8 · Σ activations is subtracted per block.
 *
 * <p><b>Numerics.</b> Activations are Q8_0 blocks as for {@link ActivationFormat#Q8_0}. For each row and token,
 * a block's integer dot is exact (|Σ| ≤ 32·128·127 &lt; 2<sup>24</sup>, so also exact as a float), then added as
 * {@code sum = fma(integer, d_weight · d_activation, sum)} block after block. So every (row, token) pair gets
 * the same float operations whether it is computed alone or in a batch of any size — batched verification equals
 * single-token decoding bit for bit — and the result differs from the row-at-a-time dot (and from ggml) only
 * by the order of the scaled block sums.
 */
final class InterleavedQuants {
    private static final VectorSpecies<Float> FLOATS = VectorTensorKernels.FLOATS;
    /** Rows per group: one per float lane. */
    static final int ROWS = FLOATS.length();

    private static final VectorSpecies<Integer> INTS = FLOATS.withLanes(int.class);
    private static final ByteOrder LITTLE = ByteOrder.LITTLE_ENDIAN;
    /** Tokens of one kernel call. */
    static final int TOKENS = 4;

    private final boolean q4;
    private final int rows;
    private final int blocks;
    private final int groups;
    /** Per group, per block: Q8_0 32 elements × ROWS bytes; Q4_0 16 byte positions × ROWS bytes. */
    private final MemorySegment quants;

    private final long blockQuantBytes;
    /** Per group, per block: ROWS float scales. */
    private final float[] scales;

    private InterleavedQuants(TensorType type, int rows, int columns) {
        this.q4 = type == TensorType.Q4_0;
        this.rows = rows;
        this.blocks = columns / 32;
        this.groups = Math.ceilDiv(rows, ROWS);
        this.blockQuantBytes = (q4 ? 16L : 32L) * ROWS;
        this.quants = Arena.ofAuto().allocate(blockQuantBytes * blocks * groups, 64);
        this.scales = new float[Math.multiplyExact(Math.multiplyExact(groups, blocks), ROWS)];
    }

    /** Whether matrices of {@code type} with rows of {@code columns} can be repacked. */
    static boolean supports(TensorType type, int columns) {
        return (type == TensorType.Q8_0 || type == TensorType.Q4_0) && columns % 32 == 0;
    }

    /** Repacks the {@code rows} rows of {@code rowBytes} bytes at {@code data}; groups in parallel on {@code pool}. */
    static InterleavedQuants repack(
            TensorType type, MemorySegment data, long rowBytes, int rows, int columns, WorkerPool pool) {
        if (!WARMED.getAndSet(true)) {
            warmUp();
        }
        InterleavedQuants packed = new InterleavedQuants(type, rows, columns);
        pool.parallelFor(packed.groups, (first, end) -> {
            for (int group = first; group < end; group++) {
                packed.repackGroup(data, rowBytes, group);
            }
        });
        return packed;
    }

    private void repackGroup(MemorySegment data, long rowBytes, int group) {
        int blockBytes = q4 ? Q4_0_BYTES : Q8_0_BYTES;
        int perBlock = q4 ? 16 : 32;
        for (int lane = 0; lane < ROWS; lane++) {
            int row = group * ROWS + lane;
            if (row >= rows) {
                break; // padding rows keep zero quants and scales
            }
            for (int block = 0; block < blocks; block++) {
                long source = row * rowBytes + (long) block * blockBytes;
                int blockIndex = group * blocks + block;
                scales[blockIndex * ROWS + lane] = float16(data, source);
                long target = blockIndex * blockQuantBytes + lane * 4L;
                for (int j = 0; j < perBlock; j++) {
                    quants.set(
                            ValueLayout.JAVA_BYTE,
                            target + (long) (j >> 2) * 4 * ROWS + (j & 3),
                            data.get(ValueLayout.JAVA_BYTE, source + 2 + j));
                }
            }
        }
    }

    private static final AtomicBoolean WARMED = new AtomicBoolean();

    /**
     * Runs every kernel (both types; one to four tokens in one group, two to five in two; a partial group) on a
     * small matrix until the JIT has compiled them, once per process and before any inference. The Vector API's
     * conversions keep their intrinsic only if the JIT compiles them while their shared type profiles are clean;
     * compiled here, before other code converts other vector shapes, the kernels keep fast code for the rest of the
     * run (measured: without it, {@code generate} ran at half the speed of {@code bench}). A kernel deoptimised
     * later is recompiled without that protection (seen once, under a JFR recording: ~10× slower).
     */
    private static void warmUp() {
        int rows = ROWS + ROWS / 2;
        int columns = 64;
        Random random = new Random(1);
        float[] x = new float[5 * columns];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        Activations activations = new Activations().convert(ActivationFormat.Q8_0, x, 0, 5, columns);
        float[] out = new float[5 * rows];
        List<InterleavedQuants> matrices = new ArrayList<>();
        for (TensorType type : new TensorType[] {TensorType.Q8_0, TensorType.Q4_0}) {
            long rowBytes = type.bytesFor(columns);
            MemorySegment data = Arena.ofAuto().allocate(rowBytes * rows);
            for (long i = 0; i < data.byteSize(); i++) {
                data.set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt());
            }
            for (int row = 0; row < rows; row++) {
                for (int block = 0; block < columns / 32; block++) {
                    data.set(
                            BlockLayout.SHORT,
                            row * rowBytes + (long) block * (type == TensorType.Q4_0 ? Q4_0_BYTES : Q8_0_BYTES),
                            Float.floatToFloat16(0.01f));
                }
            }
            InterleavedQuants packed = new InterleavedQuants(type, rows, columns);
            for (int group = 0; group < packed.groups; group++) {
                packed.repackGroup(data, rowBytes, group);
            }
            matrices.add(packed);
        }
        // Both types in every iteration: a dispatch compiled while only one type had run would keep the other's
        // branch as an uncommon trap, and the first real multiply of that type would deoptimise it (it was then
        // recompiled after other vector code had run, at half speed).
        for (int iteration = 0; iteration < 12_000; iteration++) {
            for (InterleavedQuants packed : matrices) {
                for (int group = 0; group < packed.groups; group++) {
                    packed.multiply(group, activations, 0, 3, out, 0);
                    packed.multiply(group, activations, 3, 4, out, 0);
                    packed.multiply(group, activations, 4, 4, out, 0);
                    packed.multiply(group, activations, 0, 2, out, 0);
                }
                packed.multiplyPair(0, activations, 0, 3, out, 0);
                packed.multiplyPair(0, activations, 3, 4, out, 0);
                packed.multiplyPair(0, activations, 0, 4, out, 0);
                packed.multiplyPair(0, activations, 0, 1, out, 0);
            }
        }
    }

    int groups() {
        return groups;
    }

    /**
     * Group {@code group}'s rows times tokens {@code token … token+3} (clamped to {@code lastToken}: a repeated
     * token is computed again and stored to the same place): {@code out[outOffset + t·rows + r]} for the group's
     * rows r.
     */
    void multiply(int group, Activations activations, int token, int lastToken, float[] out, int outOffset) {
        if (token == lastToken) {
            multiplyOne(group, activations, token, out, outOffset);
            return;
        }
        if (token + 1 == lastToken) {
            if (q4) {
                multiplyTwoQ4(group, activations, token, out, outOffset);
            } else {
                multiplyTwoQ8(group, activations, token, out, outOffset);
            }
            return;
        }
        if (q4) {
            multiplyQ4(group, activations, token, lastToken, out, outOffset);
        } else {
            multiplyQ8(group, activations, token, lastToken, out, outOffset);
        }
    }

    /**
     * Groups {@code group} and {@code group + 1} times tokens {@code token … token+3} (clamped as in {@link
     * #multiply}), or exactly two or five when {@code lastToken} is {@code token + 1} or {@code token + 4}. Each
     * (row, token) gets exactly the float operations of {@link #multiply}, so the results are the same, but every
     * broadcast activation serves two weight vectors and eight independent accumulators hide the FMA latency that
     * bounds the one-group kernel (2048×768, 16 tokens, one thread: Q4_0 76 against 49, Q8_0 72 against 57 G
     * multiply-adds/s).
     */
    void multiplyPair(int group, Activations activations, int token, int lastToken, float[] out, int outOffset) {
        if (token + 1 == lastToken) {
            if (q4) {
                multiplyPairTwoQ4(group, activations, token, out, outOffset);
            } else {
                multiplyPairTwoQ8(group, activations, token, out, outOffset);
            }
            return;
        }
        if (token + 4 == lastToken) {
            if (q4) {
                multiplyPairFiveQ4(group, activations, token, out, outOffset);
            } else {
                multiplyPairFiveQ8(group, activations, token, out, outOffset);
            }
            return;
        }
        if (q4) {
            multiplyPairQ4(group, activations, token, lastToken, out, outOffset);
        } else {
            multiplyPairQ8(group, activations, token, lastToken, out, outOffset);
        }
    }

    /**
     * Separate methods per type and per token count: each keeps its own branch and type profiles, so the JIT
     * compiles every kernel for the one shape it serves.
     */
    private void multiplyQ8(int group, Activations activations, int token, int lastToken, float[] out, int outOffset) {
        int t1 = Math.min(token + 1, lastToken), t2 = Math.min(token + 2, lastToken);
        int t3 = Math.min(token + 3, lastToken);
        float[] a = activations.values;
        int a0 = activations.valuesStart(token), a1 = activations.valuesStart(t1);
        int a2 = activations.valuesStart(t2), a3 = activations.valuesStart(t3);
        float[] x = activations.scales;
        int s0 = activations.scalesStart(token), s1 = activations.scalesStart(t1);
        int s2 = activations.scalesStart(t2), s3 = activations.scalesStart(t3);
        FloatVector sum0 = FloatVector.zero(FLOATS), sum1 = sum0, sum2 = sum0, sum3 = sum0;
        for (int block = 0; block < blocks; block++) {
            int blockIndex = group * blocks + block;
            long base = blockIndex * blockQuantBytes;
            int e = block * 32;
            FloatVector c0 = FloatVector.zero(FLOATS), c1 = c0, c2 = c0, c3 = c0;
            for (int g = 0; g < 8; g++) {
                IntVector packed = IntVector.fromMemorySegment(INTS, quants, base + (long) g * 4 * ROWS, LITTLE);
                for (int u = 0; u < 4; u++) {
                    int k = e + 4 * g + u;
                    FloatVector w = toFloats(signedByte(packed, u));
                    c0 = w.fma(FloatVector.broadcast(FLOATS, a[a0 + k]), c0);
                    c1 = w.fma(FloatVector.broadcast(FLOATS, a[a1 + k]), c1);
                    c2 = w.fma(FloatVector.broadcast(FLOATS, a[a2 + k]), c2);
                    c3 = w.fma(FloatVector.broadcast(FLOATS, a[a3 + k]), c3);
                }
            }
            FloatVector d = FloatVector.fromArray(FLOATS, scales, blockIndex * ROWS);
            sum0 = c0.fma(d.mul(x[s0 + block]), sum0);
            sum1 = c1.fma(d.mul(x[s1 + block]), sum1);
            sum2 = c2.fma(d.mul(x[s2 + block]), sum2);
            sum3 = c3.fma(d.mul(x[s3 + block]), sum3);
        }
        int first = group * ROWS;
        VectorMask<Float> valid = FLOATS.indexInRange(first, rows);
        sum0.intoArray(out, outOffset + token * rows + first, valid);
        sum1.intoArray(out, outOffset + t1 * rows + first, valid);
        sum2.intoArray(out, outOffset + t2 * rows + first, valid);
        sum3.intoArray(out, outOffset + t3 * rows + first, valid);
    }

    private void multiplyQ4(int group, Activations activations, int token, int lastToken, float[] out, int outOffset) {
        int t1 = Math.min(token + 1, lastToken), t2 = Math.min(token + 2, lastToken);
        int t3 = Math.min(token + 3, lastToken);
        float[] a = activations.values;
        int a0 = activations.valuesStart(token), a1 = activations.valuesStart(t1);
        int a2 = activations.valuesStart(t2), a3 = activations.valuesStart(t3);
        float[] x = activations.scales;
        int[] blockSums = activations.integerBlockSums;
        int s0 = activations.scalesStart(token), s1 = activations.scalesStart(t1);
        int s2 = activations.scalesStart(t2), s3 = activations.scalesStart(t3);
        FloatVector sum0 = FloatVector.zero(FLOATS), sum1 = sum0, sum2 = sum0, sum3 = sum0;
        for (int block = 0; block < blocks; block++) {
            int blockIndex = group * blocks + block;
            long base = blockIndex * blockQuantBytes;
            int e = block * 32;
            FloatVector c0 = FloatVector.zero(FLOATS), c1 = c0, c2 = c0, c3 = c0;
            for (int g = 0; g < 4; g++) {
                IntVector packed = IntVector.fromMemorySegment(INTS, quants, base + (long) g * 4 * ROWS, LITTLE);
                for (int u = 0; u < 4; u++) {
                    int k = e + 4 * g + u;
                    FloatVector w = toFloats(lowNibble(packed, u));
                    c0 = w.fma(FloatVector.broadcast(FLOATS, a[a0 + k]), c0);
                    c1 = w.fma(FloatVector.broadcast(FLOATS, a[a1 + k]), c1);
                    c2 = w.fma(FloatVector.broadcast(FLOATS, a[a2 + k]), c2);
                    c3 = w.fma(FloatVector.broadcast(FLOATS, a[a3 + k]), c3);
                    {
                        FloatVector h = toFloats(highNibble(packed, u));
                        c0 = h.fma(FloatVector.broadcast(FLOATS, a[a0 + k + 16]), c0);
                        c1 = h.fma(FloatVector.broadcast(FLOATS, a[a1 + k + 16]), c1);
                        c2 = h.fma(FloatVector.broadcast(FLOATS, a[a2 + k + 16]), c2);
                        c3 = h.fma(FloatVector.broadcast(FLOATS, a[a3 + k + 16]), c3);
                    }
                }
            }
            { // nibbles are quants + 8
                c0 = c0.sub(8 * blockSums[s0 + block]);
                c1 = c1.sub(8 * blockSums[s1 + block]);
                c2 = c2.sub(8 * blockSums[s2 + block]);
                c3 = c3.sub(8 * blockSums[s3 + block]);
            }
            FloatVector d = FloatVector.fromArray(FLOATS, scales, blockIndex * ROWS);
            sum0 = c0.fma(d.mul(x[s0 + block]), sum0);
            sum1 = c1.fma(d.mul(x[s1 + block]), sum1);
            sum2 = c2.fma(d.mul(x[s2 + block]), sum2);
            sum3 = c3.fma(d.mul(x[s3 + block]), sum3);
        }
        int first = group * ROWS;
        VectorMask<Float> valid = FLOATS.indexInRange(first, rows);
        sum0.intoArray(out, outOffset + token * rows + first, valid);
        sum1.intoArray(out, outOffset + t1 * rows + first, valid);
        sum2.intoArray(out, outOffset + t2 * rows + first, valid);
        sum3.intoArray(out, outOffset + t3 * rows + first, valid);
    }

    private void multiplyPairQ8(
            int group, Activations activations, int token, int lastToken, float[] out, int outOffset) {
        int t1 = Math.min(token + 1, lastToken), t2 = Math.min(token + 2, lastToken);
        int t3 = Math.min(token + 3, lastToken);
        float[] a = activations.values;
        int a0 = activations.valuesStart(token), a1 = activations.valuesStart(t1);
        int a2 = activations.valuesStart(t2), a3 = activations.valuesStart(t3);
        float[] x = activations.scales;
        int s0 = activations.scalesStart(token), s1 = activations.scalesStart(t1);
        int s2 = activations.scalesStart(t2), s3 = activations.scalesStart(t3);
        FloatVector sum0 = FloatVector.zero(FLOATS), sum1 = sum0, sum2 = sum0, sum3 = sum0;
        FloatVector tum0 = sum0, tum1 = sum0, tum2 = sum0, tum3 = sum0; // group + 1
        for (int block = 0; block < blocks; block++) {
            int blockIndex = group * blocks + block, nextIndex = blockIndex + blocks;
            long base = blockIndex * blockQuantBytes, nextBase = nextIndex * blockQuantBytes;
            int e = block * 32;
            FloatVector c0 = FloatVector.zero(FLOATS), c1 = c0, c2 = c0, c3 = c0, n0 = c0, n1 = c0, n2 = c0, n3 = c0;
            for (int g = 0; g < 8; g++) {
                IntVector packed = IntVector.fromMemorySegment(INTS, quants, base + (long) g * 4 * ROWS, LITTLE);
                IntVector next = IntVector.fromMemorySegment(INTS, quants, nextBase + (long) g * 4 * ROWS, LITTLE);
                for (int u = 0; u < 4; u++) {
                    int k = e + 4 * g + u;
                    FloatVector w = toFloats(signedByte(packed, u));
                    FloatVector v = toFloats(signedByte(next, u));
                    FloatVector b = FloatVector.broadcast(FLOATS, a[a0 + k]);
                    c0 = w.fma(b, c0);
                    n0 = v.fma(b, n0);
                    b = FloatVector.broadcast(FLOATS, a[a1 + k]);
                    c1 = w.fma(b, c1);
                    n1 = v.fma(b, n1);
                    b = FloatVector.broadcast(FLOATS, a[a2 + k]);
                    c2 = w.fma(b, c2);
                    n2 = v.fma(b, n2);
                    b = FloatVector.broadcast(FLOATS, a[a3 + k]);
                    c3 = w.fma(b, c3);
                    n3 = v.fma(b, n3);
                }
            }
            FloatVector d = FloatVector.fromArray(FLOATS, scales, blockIndex * ROWS);
            sum0 = c0.fma(d.mul(x[s0 + block]), sum0);
            sum1 = c1.fma(d.mul(x[s1 + block]), sum1);
            sum2 = c2.fma(d.mul(x[s2 + block]), sum2);
            sum3 = c3.fma(d.mul(x[s3 + block]), sum3);
            d = FloatVector.fromArray(FLOATS, scales, nextIndex * ROWS);
            tum0 = n0.fma(d.mul(x[s0 + block]), tum0);
            tum1 = n1.fma(d.mul(x[s1 + block]), tum1);
            tum2 = n2.fma(d.mul(x[s2 + block]), tum2);
            tum3 = n3.fma(d.mul(x[s3 + block]), tum3);
        }
        int first = group * ROWS;
        VectorMask<Float> valid = FLOATS.indexInRange(first, rows);
        VectorMask<Float> validNext = FLOATS.indexInRange(first + ROWS, rows);
        sum0.intoArray(out, outOffset + token * rows + first, valid);
        tum0.intoArray(out, outOffset + token * rows + first + ROWS, validNext);
        sum1.intoArray(out, outOffset + t1 * rows + first, valid);
        tum1.intoArray(out, outOffset + t1 * rows + first + ROWS, validNext);
        sum2.intoArray(out, outOffset + t2 * rows + first, valid);
        tum2.intoArray(out, outOffset + t2 * rows + first + ROWS, validNext);
        sum3.intoArray(out, outOffset + t3 * rows + first, valid);
        tum3.intoArray(out, outOffset + t3 * rows + first + ROWS, validNext);
    }

    private void multiplyPairQ4(
            int group, Activations activations, int token, int lastToken, float[] out, int outOffset) {
        int t1 = Math.min(token + 1, lastToken), t2 = Math.min(token + 2, lastToken);
        int t3 = Math.min(token + 3, lastToken);
        float[] a = activations.values;
        int a0 = activations.valuesStart(token), a1 = activations.valuesStart(t1);
        int a2 = activations.valuesStart(t2), a3 = activations.valuesStart(t3);
        float[] x = activations.scales;
        int[] blockSums = activations.integerBlockSums;
        int s0 = activations.scalesStart(token), s1 = activations.scalesStart(t1);
        int s2 = activations.scalesStart(t2), s3 = activations.scalesStart(t3);
        FloatVector sum0 = FloatVector.zero(FLOATS), sum1 = sum0, sum2 = sum0, sum3 = sum0;
        FloatVector tum0 = sum0, tum1 = sum0, tum2 = sum0, tum3 = sum0; // group + 1
        for (int block = 0; block < blocks; block++) {
            int blockIndex = group * blocks + block, nextIndex = blockIndex + blocks;
            long base = blockIndex * blockQuantBytes, nextBase = nextIndex * blockQuantBytes;
            int e = block * 32;
            FloatVector c0 = FloatVector.zero(FLOATS), c1 = c0, c2 = c0, c3 = c0, n0 = c0, n1 = c0, n2 = c0, n3 = c0;
            for (int g = 0; g < 4; g++) {
                IntVector packed = IntVector.fromMemorySegment(INTS, quants, base + (long) g * 4 * ROWS, LITTLE);
                IntVector next = IntVector.fromMemorySegment(INTS, quants, nextBase + (long) g * 4 * ROWS, LITTLE);
                for (int u = 0; u < 4; u++) {
                    int k = e + 4 * g + u;
                    FloatVector w = toFloats(lowNibble(packed, u));
                    FloatVector v = toFloats(lowNibble(next, u));
                    FloatVector b = FloatVector.broadcast(FLOATS, a[a0 + k]);
                    c0 = w.fma(b, c0);
                    n0 = v.fma(b, n0);
                    b = FloatVector.broadcast(FLOATS, a[a1 + k]);
                    c1 = w.fma(b, c1);
                    n1 = v.fma(b, n1);
                    b = FloatVector.broadcast(FLOATS, a[a2 + k]);
                    c2 = w.fma(b, c2);
                    n2 = v.fma(b, n2);
                    b = FloatVector.broadcast(FLOATS, a[a3 + k]);
                    c3 = w.fma(b, c3);
                    n3 = v.fma(b, n3);
                    w = toFloats(highNibble(packed, u));
                    v = toFloats(highNibble(next, u));
                    b = FloatVector.broadcast(FLOATS, a[a0 + k + 16]);
                    c0 = w.fma(b, c0);
                    n0 = v.fma(b, n0);
                    b = FloatVector.broadcast(FLOATS, a[a1 + k + 16]);
                    c1 = w.fma(b, c1);
                    n1 = v.fma(b, n1);
                    b = FloatVector.broadcast(FLOATS, a[a2 + k + 16]);
                    c2 = w.fma(b, c2);
                    n2 = v.fma(b, n2);
                    b = FloatVector.broadcast(FLOATS, a[a3 + k + 16]);
                    c3 = w.fma(b, c3);
                    n3 = v.fma(b, n3);
                }
            }
            // nibbles are quants + 8
            int q0 = 8 * blockSums[s0 + block], q1 = 8 * blockSums[s1 + block];
            int q2 = 8 * blockSums[s2 + block], q3 = 8 * blockSums[s3 + block];
            FloatVector d = FloatVector.fromArray(FLOATS, scales, blockIndex * ROWS);
            sum0 = c0.sub(q0).fma(d.mul(x[s0 + block]), sum0);
            sum1 = c1.sub(q1).fma(d.mul(x[s1 + block]), sum1);
            sum2 = c2.sub(q2).fma(d.mul(x[s2 + block]), sum2);
            sum3 = c3.sub(q3).fma(d.mul(x[s3 + block]), sum3);
            d = FloatVector.fromArray(FLOATS, scales, nextIndex * ROWS);
            tum0 = n0.sub(q0).fma(d.mul(x[s0 + block]), tum0);
            tum1 = n1.sub(q1).fma(d.mul(x[s1 + block]), tum1);
            tum2 = n2.sub(q2).fma(d.mul(x[s2 + block]), tum2);
            tum3 = n3.sub(q3).fma(d.mul(x[s3 + block]), tum3);
        }
        int first = group * ROWS;
        VectorMask<Float> valid = FLOATS.indexInRange(first, rows);
        VectorMask<Float> validNext = FLOATS.indexInRange(first + ROWS, rows);
        sum0.intoArray(out, outOffset + token * rows + first, valid);
        tum0.intoArray(out, outOffset + token * rows + first + ROWS, validNext);
        sum1.intoArray(out, outOffset + t1 * rows + first, valid);
        tum1.intoArray(out, outOffset + t1 * rows + first + ROWS, validNext);
        sum2.intoArray(out, outOffset + t2 * rows + first, valid);
        tum2.intoArray(out, outOffset + t2 * rows + first + ROWS, validNext);
        sum3.intoArray(out, outOffset + t3 * rows + first, valid);
        tum3.intoArray(out, outOffset + t3 * rows + first + ROWS, validNext);
    }

    /** Two tokens in two groups (a one-token draft's verification, or the end of a batch of 4k + 2). */
    private void multiplyPairTwoQ8(int group, Activations activations, int token, float[] out, int outOffset) {
        float[] a = activations.values;
        float[] x = activations.scales;
        int a0 = activations.valuesStart(token), a1 = activations.valuesStart(token + 1);
        int s0 = activations.scalesStart(token), s1 = activations.scalesStart(token + 1);
        FloatVector sum0 = FloatVector.zero(FLOATS), sum1 = sum0;
        FloatVector tum0 = sum0, tum1 = sum0; // group + 1
        for (int block = 0; block < blocks; block++) {
            int blockIndex = group * blocks + block, nextIndex = blockIndex + blocks;
            long base = blockIndex * blockQuantBytes, nextBase = nextIndex * blockQuantBytes;
            int e = block * 32;
            FloatVector c0 = FloatVector.zero(FLOATS), c1 = c0, n0 = c0, n1 = c0;
            for (int g = 0; g < 8; g++) {
                IntVector packed = IntVector.fromMemorySegment(INTS, quants, base + (long) g * 4 * ROWS, LITTLE);
                IntVector next = IntVector.fromMemorySegment(INTS, quants, nextBase + (long) g * 4 * ROWS, LITTLE);
                for (int u = 0; u < 4; u++) {
                    int k = e + 4 * g + u;
                    FloatVector w = toFloats(signedByte(packed, u));
                    FloatVector v = toFloats(signedByte(next, u));
                    FloatVector b = FloatVector.broadcast(FLOATS, a[a0 + k]);
                    c0 = w.fma(b, c0);
                    n0 = v.fma(b, n0);
                    b = FloatVector.broadcast(FLOATS, a[a1 + k]);
                    c1 = w.fma(b, c1);
                    n1 = v.fma(b, n1);
                }
            }
            FloatVector d = FloatVector.fromArray(FLOATS, scales, blockIndex * ROWS);
            sum0 = c0.fma(d.mul(x[s0 + block]), sum0);
            sum1 = c1.fma(d.mul(x[s1 + block]), sum1);
            d = FloatVector.fromArray(FLOATS, scales, nextIndex * ROWS);
            tum0 = n0.fma(d.mul(x[s0 + block]), tum0);
            tum1 = n1.fma(d.mul(x[s1 + block]), tum1);
        }
        int first = group * ROWS;
        VectorMask<Float> valid = FLOATS.indexInRange(first, rows);
        VectorMask<Float> validNext = FLOATS.indexInRange(first + ROWS, rows);
        sum0.intoArray(out, outOffset + token * rows + first, valid);
        tum0.intoArray(out, outOffset + token * rows + first + ROWS, validNext);
        sum1.intoArray(out, outOffset + (token + 1) * rows + first, valid);
        tum1.intoArray(out, outOffset + (token + 1) * rows + first + ROWS, validNext);
    }

    private void multiplyPairTwoQ4(int group, Activations activations, int token, float[] out, int outOffset) {
        float[] a = activations.values;
        float[] x = activations.scales;
        int[] blockSums = activations.integerBlockSums;
        int a0 = activations.valuesStart(token), a1 = activations.valuesStart(token + 1);
        int s0 = activations.scalesStart(token), s1 = activations.scalesStart(token + 1);
        FloatVector sum0 = FloatVector.zero(FLOATS), sum1 = sum0;
        FloatVector tum0 = sum0, tum1 = sum0; // group + 1
        for (int block = 0; block < blocks; block++) {
            int blockIndex = group * blocks + block, nextIndex = blockIndex + blocks;
            long base = blockIndex * blockQuantBytes, nextBase = nextIndex * blockQuantBytes;
            int e = block * 32;
            FloatVector c0 = FloatVector.zero(FLOATS), c1 = c0, n0 = c0, n1 = c0;
            for (int g = 0; g < 4; g++) {
                IntVector packed = IntVector.fromMemorySegment(INTS, quants, base + (long) g * 4 * ROWS, LITTLE);
                IntVector next = IntVector.fromMemorySegment(INTS, quants, nextBase + (long) g * 4 * ROWS, LITTLE);
                for (int u = 0; u < 4; u++) {
                    int k = e + 4 * g + u;
                    FloatVector w = toFloats(lowNibble(packed, u));
                    FloatVector v = toFloats(lowNibble(next, u));
                    FloatVector b = FloatVector.broadcast(FLOATS, a[a0 + k]);
                    c0 = w.fma(b, c0);
                    n0 = v.fma(b, n0);
                    b = FloatVector.broadcast(FLOATS, a[a1 + k]);
                    c1 = w.fma(b, c1);
                    n1 = v.fma(b, n1);
                    w = toFloats(highNibble(packed, u));
                    v = toFloats(highNibble(next, u));
                    b = FloatVector.broadcast(FLOATS, a[a0 + k + 16]);
                    c0 = w.fma(b, c0);
                    n0 = v.fma(b, n0);
                    b = FloatVector.broadcast(FLOATS, a[a1 + k + 16]);
                    c1 = w.fma(b, c1);
                    n1 = v.fma(b, n1);
                }
            }
            // nibbles are quants + 8
            int q0 = 8 * blockSums[s0 + block], q1 = 8 * blockSums[s1 + block];
            FloatVector d = FloatVector.fromArray(FLOATS, scales, blockIndex * ROWS);
            sum0 = c0.sub(q0).fma(d.mul(x[s0 + block]), sum0);
            sum1 = c1.sub(q1).fma(d.mul(x[s1 + block]), sum1);
            d = FloatVector.fromArray(FLOATS, scales, nextIndex * ROWS);
            tum0 = n0.sub(q0).fma(d.mul(x[s0 + block]), tum0);
            tum1 = n1.sub(q1).fma(d.mul(x[s1 + block]), tum1);
        }
        int first = group * ROWS;
        VectorMask<Float> valid = FLOATS.indexInRange(first, rows);
        VectorMask<Float> validNext = FLOATS.indexInRange(first + ROWS, rows);
        sum0.intoArray(out, outOffset + token * rows + first, valid);
        tum0.intoArray(out, outOffset + token * rows + first + ROWS, validNext);
        sum1.intoArray(out, outOffset + (token + 1) * rows + first, valid);
        tum1.intoArray(out, outOffset + (token + 1) * rows + first + ROWS, validNext);
    }

    /**
     * Five tokens in two groups: a batch of 4k + 1 tokens (a full eight-token draft's verification) ends with one
     * call of this instead of a four-token call plus a single-token pass over the weights.
     */
    private void multiplyPairFiveQ8(int group, Activations activations, int token, float[] out, int outOffset) {
        float[] a = activations.values;
        int a0 = activations.valuesStart(token), a1 = activations.valuesStart(token + 1);
        int a2 = activations.valuesStart(token + 2), a3 = activations.valuesStart(token + 3);
        int a4 = activations.valuesStart(token + 4);
        float[] x = activations.scales;
        int s0 = activations.scalesStart(token), s1 = activations.scalesStart(token + 1);
        int s2 = activations.scalesStart(token + 2), s3 = activations.scalesStart(token + 3);
        int s4 = activations.scalesStart(token + 4);
        FloatVector sum0 = FloatVector.zero(FLOATS), sum1 = sum0, sum2 = sum0, sum3 = sum0, sum4 = sum0;
        FloatVector tum0 = sum0, tum1 = sum0, tum2 = sum0, tum3 = sum0, tum4 = sum0; // group + 1
        for (int block = 0; block < blocks; block++) {
            int blockIndex = group * blocks + block, nextIndex = blockIndex + blocks;
            long base = blockIndex * blockQuantBytes, nextBase = nextIndex * blockQuantBytes;
            int e = block * 32;
            FloatVector c0 = FloatVector.zero(FLOATS), c1 = c0, c2 = c0, c3 = c0, c4 = c0;
            FloatVector n0 = c0, n1 = c0, n2 = c0, n3 = c0, n4 = c0;
            for (int g = 0; g < 8; g++) {
                IntVector packed = IntVector.fromMemorySegment(INTS, quants, base + (long) g * 4 * ROWS, LITTLE);
                IntVector next = IntVector.fromMemorySegment(INTS, quants, nextBase + (long) g * 4 * ROWS, LITTLE);
                for (int u = 0; u < 4; u++) {
                    int k = e + 4 * g + u;
                    FloatVector w = toFloats(signedByte(packed, u));
                    FloatVector v = toFloats(signedByte(next, u));
                    FloatVector b = FloatVector.broadcast(FLOATS, a[a0 + k]);
                    c0 = w.fma(b, c0);
                    n0 = v.fma(b, n0);
                    b = FloatVector.broadcast(FLOATS, a[a1 + k]);
                    c1 = w.fma(b, c1);
                    n1 = v.fma(b, n1);
                    b = FloatVector.broadcast(FLOATS, a[a2 + k]);
                    c2 = w.fma(b, c2);
                    n2 = v.fma(b, n2);
                    b = FloatVector.broadcast(FLOATS, a[a3 + k]);
                    c3 = w.fma(b, c3);
                    n3 = v.fma(b, n3);
                    b = FloatVector.broadcast(FLOATS, a[a4 + k]);
                    c4 = w.fma(b, c4);
                    n4 = v.fma(b, n4);
                }
            }
            FloatVector d = FloatVector.fromArray(FLOATS, scales, blockIndex * ROWS);
            sum0 = c0.fma(d.mul(x[s0 + block]), sum0);
            sum1 = c1.fma(d.mul(x[s1 + block]), sum1);
            sum2 = c2.fma(d.mul(x[s2 + block]), sum2);
            sum3 = c3.fma(d.mul(x[s3 + block]), sum3);
            sum4 = c4.fma(d.mul(x[s4 + block]), sum4);
            d = FloatVector.fromArray(FLOATS, scales, nextIndex * ROWS);
            tum0 = n0.fma(d.mul(x[s0 + block]), tum0);
            tum1 = n1.fma(d.mul(x[s1 + block]), tum1);
            tum2 = n2.fma(d.mul(x[s2 + block]), tum2);
            tum3 = n3.fma(d.mul(x[s3 + block]), tum3);
            tum4 = n4.fma(d.mul(x[s4 + block]), tum4);
        }
        int first = group * ROWS;
        VectorMask<Float> valid = FLOATS.indexInRange(first, rows);
        VectorMask<Float> validNext = FLOATS.indexInRange(first + ROWS, rows);
        sum0.intoArray(out, outOffset + token * rows + first, valid);
        tum0.intoArray(out, outOffset + token * rows + first + ROWS, validNext);
        sum1.intoArray(out, outOffset + (token + 1) * rows + first, valid);
        tum1.intoArray(out, outOffset + (token + 1) * rows + first + ROWS, validNext);
        sum2.intoArray(out, outOffset + (token + 2) * rows + first, valid);
        tum2.intoArray(out, outOffset + (token + 2) * rows + first + ROWS, validNext);
        sum3.intoArray(out, outOffset + (token + 3) * rows + first, valid);
        tum3.intoArray(out, outOffset + (token + 3) * rows + first + ROWS, validNext);
        sum4.intoArray(out, outOffset + (token + 4) * rows + first, valid);
        tum4.intoArray(out, outOffset + (token + 4) * rows + first + ROWS, validNext);
    }

    private void multiplyPairFiveQ4(int group, Activations activations, int token, float[] out, int outOffset) {
        float[] a = activations.values;
        int a0 = activations.valuesStart(token), a1 = activations.valuesStart(token + 1);
        int a2 = activations.valuesStart(token + 2), a3 = activations.valuesStart(token + 3);
        int a4 = activations.valuesStart(token + 4);
        float[] x = activations.scales;
        int[] blockSums = activations.integerBlockSums;
        int s0 = activations.scalesStart(token), s1 = activations.scalesStart(token + 1);
        int s2 = activations.scalesStart(token + 2), s3 = activations.scalesStart(token + 3);
        int s4 = activations.scalesStart(token + 4);
        FloatVector sum0 = FloatVector.zero(FLOATS), sum1 = sum0, sum2 = sum0, sum3 = sum0, sum4 = sum0;
        FloatVector tum0 = sum0, tum1 = sum0, tum2 = sum0, tum3 = sum0, tum4 = sum0; // group + 1
        for (int block = 0; block < blocks; block++) {
            int blockIndex = group * blocks + block, nextIndex = blockIndex + blocks;
            long base = blockIndex * blockQuantBytes, nextBase = nextIndex * blockQuantBytes;
            int e = block * 32;
            FloatVector c0 = FloatVector.zero(FLOATS), c1 = c0, c2 = c0, c3 = c0, c4 = c0;
            FloatVector n0 = c0, n1 = c0, n2 = c0, n3 = c0, n4 = c0;
            for (int g = 0; g < 4; g++) {
                IntVector packed = IntVector.fromMemorySegment(INTS, quants, base + (long) g * 4 * ROWS, LITTLE);
                IntVector next = IntVector.fromMemorySegment(INTS, quants, nextBase + (long) g * 4 * ROWS, LITTLE);
                for (int u = 0; u < 4; u++) {
                    int k = e + 4 * g + u;
                    FloatVector w = toFloats(lowNibble(packed, u));
                    FloatVector v = toFloats(lowNibble(next, u));
                    FloatVector b = FloatVector.broadcast(FLOATS, a[a0 + k]);
                    c0 = w.fma(b, c0);
                    n0 = v.fma(b, n0);
                    b = FloatVector.broadcast(FLOATS, a[a1 + k]);
                    c1 = w.fma(b, c1);
                    n1 = v.fma(b, n1);
                    b = FloatVector.broadcast(FLOATS, a[a2 + k]);
                    c2 = w.fma(b, c2);
                    n2 = v.fma(b, n2);
                    b = FloatVector.broadcast(FLOATS, a[a3 + k]);
                    c3 = w.fma(b, c3);
                    n3 = v.fma(b, n3);
                    b = FloatVector.broadcast(FLOATS, a[a4 + k]);
                    c4 = w.fma(b, c4);
                    n4 = v.fma(b, n4);
                    w = toFloats(highNibble(packed, u));
                    v = toFloats(highNibble(next, u));
                    b = FloatVector.broadcast(FLOATS, a[a0 + k + 16]);
                    c0 = w.fma(b, c0);
                    n0 = v.fma(b, n0);
                    b = FloatVector.broadcast(FLOATS, a[a1 + k + 16]);
                    c1 = w.fma(b, c1);
                    n1 = v.fma(b, n1);
                    b = FloatVector.broadcast(FLOATS, a[a2 + k + 16]);
                    c2 = w.fma(b, c2);
                    n2 = v.fma(b, n2);
                    b = FloatVector.broadcast(FLOATS, a[a3 + k + 16]);
                    c3 = w.fma(b, c3);
                    n3 = v.fma(b, n3);
                    b = FloatVector.broadcast(FLOATS, a[a4 + k + 16]);
                    c4 = w.fma(b, c4);
                    n4 = v.fma(b, n4);
                }
            }
            // nibbles are quants + 8
            int q0 = 8 * blockSums[s0 + block], q1 = 8 * blockSums[s1 + block];
            int q2 = 8 * blockSums[s2 + block], q3 = 8 * blockSums[s3 + block];
            int q4 = 8 * blockSums[s4 + block];
            FloatVector d = FloatVector.fromArray(FLOATS, scales, blockIndex * ROWS);
            sum0 = c0.sub(q0).fma(d.mul(x[s0 + block]), sum0);
            sum1 = c1.sub(q1).fma(d.mul(x[s1 + block]), sum1);
            sum2 = c2.sub(q2).fma(d.mul(x[s2 + block]), sum2);
            sum3 = c3.sub(q3).fma(d.mul(x[s3 + block]), sum3);
            sum4 = c4.sub(q4).fma(d.mul(x[s4 + block]), sum4);
            d = FloatVector.fromArray(FLOATS, scales, nextIndex * ROWS);
            tum0 = n0.sub(q0).fma(d.mul(x[s0 + block]), tum0);
            tum1 = n1.sub(q1).fma(d.mul(x[s1 + block]), tum1);
            tum2 = n2.sub(q2).fma(d.mul(x[s2 + block]), tum2);
            tum3 = n3.sub(q3).fma(d.mul(x[s3 + block]), tum3);
            tum4 = n4.sub(q4).fma(d.mul(x[s4 + block]), tum4);
        }
        int first = group * ROWS;
        VectorMask<Float> valid = FLOATS.indexInRange(first, rows);
        VectorMask<Float> validNext = FLOATS.indexInRange(first + ROWS, rows);
        sum0.intoArray(out, outOffset + token * rows + first, valid);
        tum0.intoArray(out, outOffset + token * rows + first + ROWS, validNext);
        sum1.intoArray(out, outOffset + (token + 1) * rows + first, valid);
        tum1.intoArray(out, outOffset + (token + 1) * rows + first + ROWS, validNext);
        sum2.intoArray(out, outOffset + (token + 2) * rows + first, valid);
        tum2.intoArray(out, outOffset + (token + 2) * rows + first + ROWS, validNext);
        sum3.intoArray(out, outOffset + (token + 3) * rows + first, valid);
        tum3.intoArray(out, outOffset + (token + 3) * rows + first + ROWS, validNext);
        sum4.intoArray(out, outOffset + (token + 4) * rows + first, valid);
        tum4.intoArray(out, outOffset + (token + 4) * rows + first + ROWS, validNext);
    }

    /** Two tokens in one group (a group left over from the pairs): half the work of the four-token kernel. */
    private void multiplyTwoQ8(int group, Activations activations, int token, float[] out, int outOffset) {
        float[] a = activations.values;
        int a0 = activations.valuesStart(token), a1 = activations.valuesStart(token + 1);
        float[] x = activations.scales;
        int s0 = activations.scalesStart(token), s1 = activations.scalesStart(token + 1);
        FloatVector sum0 = FloatVector.zero(FLOATS), sum1 = sum0;
        for (int block = 0; block < blocks; block++) {
            int blockIndex = group * blocks + block;
            long base = blockIndex * blockQuantBytes;
            int e = block * 32;
            FloatVector c0 = FloatVector.zero(FLOATS), c1 = c0;
            for (int g = 0; g < 8; g++) {
                IntVector packed = IntVector.fromMemorySegment(INTS, quants, base + (long) g * 4 * ROWS, LITTLE);
                for (int u = 0; u < 4; u++) {
                    int k = e + 4 * g + u;
                    FloatVector w = toFloats(signedByte(packed, u));
                    c0 = w.fma(FloatVector.broadcast(FLOATS, a[a0 + k]), c0);
                    c1 = w.fma(FloatVector.broadcast(FLOATS, a[a1 + k]), c1);
                }
            }
            FloatVector d = FloatVector.fromArray(FLOATS, scales, blockIndex * ROWS);
            sum0 = c0.fma(d.mul(x[s0 + block]), sum0);
            sum1 = c1.fma(d.mul(x[s1 + block]), sum1);
        }
        int first = group * ROWS;
        VectorMask<Float> valid = FLOATS.indexInRange(first, rows);
        sum0.intoArray(out, outOffset + token * rows + first, valid);
        sum1.intoArray(out, outOffset + (token + 1) * rows + first, valid);
    }

    private void multiplyTwoQ4(int group, Activations activations, int token, float[] out, int outOffset) {
        float[] a = activations.values;
        int a0 = activations.valuesStart(token), a1 = activations.valuesStart(token + 1);
        float[] x = activations.scales;
        int[] blockSums = activations.integerBlockSums;
        int s0 = activations.scalesStart(token), s1 = activations.scalesStart(token + 1);
        FloatVector sum0 = FloatVector.zero(FLOATS), sum1 = sum0;
        for (int block = 0; block < blocks; block++) {
            int blockIndex = group * blocks + block;
            long base = blockIndex * blockQuantBytes;
            int e = block * 32;
            FloatVector c0 = FloatVector.zero(FLOATS), c1 = c0;
            for (int g = 0; g < 4; g++) {
                IntVector packed = IntVector.fromMemorySegment(INTS, quants, base + (long) g * 4 * ROWS, LITTLE);
                for (int u = 0; u < 4; u++) {
                    int k = e + 4 * g + u;
                    FloatVector w = toFloats(lowNibble(packed, u));
                    c0 = w.fma(FloatVector.broadcast(FLOATS, a[a0 + k]), c0);
                    c1 = w.fma(FloatVector.broadcast(FLOATS, a[a1 + k]), c1);
                    FloatVector h = toFloats(highNibble(packed, u));
                    c0 = h.fma(FloatVector.broadcast(FLOATS, a[a0 + k + 16]), c0);
                    c1 = h.fma(FloatVector.broadcast(FLOATS, a[a1 + k + 16]), c1);
                }
            }
            // nibbles are quants + 8
            c0 = c0.sub(8 * blockSums[s0 + block]);
            c1 = c1.sub(8 * blockSums[s1 + block]);
            FloatVector d = FloatVector.fromArray(FLOATS, scales, blockIndex * ROWS);
            sum0 = c0.fma(d.mul(x[s0 + block]), sum0);
            sum1 = c1.fma(d.mul(x[s1 + block]), sum1);
        }
        int first = group * ROWS;
        VectorMask<Float> valid = FLOATS.indexInRange(first, rows);
        sum0.intoArray(out, outOffset + token * rows + first, valid);
        sum1.intoArray(out, outOffset + (token + 1) * rows + first, valid);
    }

    /** One token (decode). */
    private void multiplyOne(int group, Activations activations, int token, float[] out, int outOffset) {
        if (q4) {
            multiplyOneQ4(group, activations, token, out, outOffset);
            return;
        }
        float[] a = activations.values;
        int a0 = activations.valuesStart(token);
        float[] x = activations.scales;
        int s0 = activations.scalesStart(token);
        FloatVector sum = FloatVector.zero(FLOATS);
        for (int block = 0; block < blocks; block++) {
            int blockIndex = group * blocks + block;
            long base = blockIndex * blockQuantBytes;
            int e = a0 + block * 32;
            FloatVector c0 = FloatVector.zero(FLOATS), c1 = c0, c2 = c0, c3 = c0;
            for (int g = 0; g < 8; g++) {
                IntVector packed = IntVector.fromMemorySegment(INTS, quants, base + (long) g * 4 * ROWS, LITTLE);
                int k = e + 4 * g;
                c0 = toFloats(signedByte(packed, 0)).fma(FloatVector.broadcast(FLOATS, a[k]), c0);
                c1 = toFloats(signedByte(packed, 1)).fma(FloatVector.broadcast(FLOATS, a[k + 1]), c1);
                c2 = toFloats(signedByte(packed, 2)).fma(FloatVector.broadcast(FLOATS, a[k + 2]), c2);
                c3 = toFloats(signedByte(packed, 3)).fma(FloatVector.broadcast(FLOATS, a[k + 3]), c3);
            }
            FloatVector d = FloatVector.fromArray(FLOATS, scales, blockIndex * ROWS);
            sum = c0.add(c1).add(c2.add(c3)).fma(d.mul(x[s0 + block]), sum);
        }
        int first = group * ROWS;
        VectorMask<Float> valid = FLOATS.indexInRange(first, rows);
        sum.intoArray(out, outOffset + token * rows + first, valid);
    }

    private void multiplyOneQ4(int group, Activations activations, int token, float[] out, int outOffset) {
        float[] a = activations.values;
        int a0 = activations.valuesStart(token);
        float[] x = activations.scales;
        int[] blockSums = activations.integerBlockSums;
        int s0 = activations.scalesStart(token);
        FloatVector sum = FloatVector.zero(FLOATS);
        for (int block = 0; block < blocks; block++) {
            int blockIndex = group * blocks + block;
            long base = blockIndex * blockQuantBytes;
            int e = a0 + block * 32;
            FloatVector c0 = FloatVector.zero(FLOATS), c1 = c0, c2 = c0, c3 = c0;
            for (int g = 0; g < 4; g++) {
                IntVector packed = IntVector.fromMemorySegment(INTS, quants, base + (long) g * 4 * ROWS, LITTLE);
                int k = e + 4 * g;
                c0 = toFloats(lowNibble(packed, 0)).fma(FloatVector.broadcast(FLOATS, a[k]), c0);
                c1 = toFloats(lowNibble(packed, 1)).fma(FloatVector.broadcast(FLOATS, a[k + 1]), c1);
                c2 = toFloats(lowNibble(packed, 2)).fma(FloatVector.broadcast(FLOATS, a[k + 2]), c2);
                c3 = toFloats(lowNibble(packed, 3)).fma(FloatVector.broadcast(FLOATS, a[k + 3]), c3);
                c0 = toFloats(highNibble(packed, 0)).fma(FloatVector.broadcast(FLOATS, a[k + 16]), c0);
                c1 = toFloats(highNibble(packed, 1)).fma(FloatVector.broadcast(FLOATS, a[k + 17]), c1);
                c2 = toFloats(highNibble(packed, 2)).fma(FloatVector.broadcast(FLOATS, a[k + 18]), c2);
                c3 = toFloats(highNibble(packed, 3)).fma(FloatVector.broadcast(FLOATS, a[k + 19]), c3);
            }
            // nibbles are quants + 8
            FloatVector integer = c0.add(c1).add(c2.add(c3)).sub(8 * blockSums[s0 + block]);
            FloatVector d = FloatVector.fromArray(FLOATS, scales, blockIndex * ROWS);
            sum = integer.fma(d.mul(x[s0 + block]), sum);
        }
        int first = group * ROWS;
        VectorMask<Float> valid = FLOATS.indexInRange(first, rows);
        sum.intoArray(out, outOffset + token * rows + first, valid);
    }

    /** Byte {@code u} of every lane, sign-extended (Q8_0 quants). */
    private static IntVector signedByte(IntVector packed, int u) {
        IntVector shifted = u == 3 ? packed : packed.lanewise(VectorOperators.LSHL, 24 - 8 * u);
        return shifted.lanewise(VectorOperators.ASHR, 24);
    }

    /** The low nibble of byte {@code u} of every lane (a Q4_0 quant + 8). */
    private static IntVector lowNibble(IntVector packed, int u) {
        return (u == 0 ? packed : packed.lanewise(VectorOperators.LSHR, 8 * u)).and(0x0F);
    }

    /** The high nibble of byte {@code u} of every lane (a Q4_0 quant + 8). */
    private static IntVector highNibble(IntVector packed, int u) {
        return packed.lanewise(VectorOperators.LSHR, 8 * u + 4).and(0x0F);
    }

    private static FloatVector toFloats(IntVector integers) {
        return (FloatVector) integers.convertShape(VectorOperators.I2F, FLOATS, 0);
    }
}
