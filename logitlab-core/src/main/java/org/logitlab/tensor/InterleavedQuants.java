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
 * and multiplies it with a broadcast activation of each token (eight or four tokens per pass over the weights): no
 * horizontal sum per row, one scale multiply per block for all rows, and the result lanes are rows of the output.
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
    /** Tokens of the widest kernel call; fewer than {@link #EIGHT_FROM} remaining tokens go four at a time. */
    static final int TOKENS = 8;

    /** From this many remaining tokens on, the eight-token kernel (repeating the last) is no dearer than 4 + 1. */
    private static final int EIGHT_FROM = 5;

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
     * Runs every kernel (both types; one, two, four and eight tokens; a partial group) on a small matrix until the JIT has
     * compiled them, once per process and before any inference. The Vector API's conversions keep their intrinsic
     * only if the JIT compiles them while their shared type profiles are clean; compiled here, before other code
     * converts other vector shapes, the kernels keep fast code for the rest of the run (measured: without it,
     * {@code generate} ran at half the speed of {@code bench}).
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
                    packed.multiply(group, activations, 0, 1, out, 0);
                    packed.multiply(group, activations, 4, 4, out, 0);
                    packed.multiply(group, activations, 0, 4, out, 0);
                }
            }
        }
    }

    int groups() {
        return groups;
    }

    /**
     * Group {@code group}'s rows times tokens {@code token … min(token + 7, lastToken)}: {@code out[outOffset + t·rows
     * + r]} for the group's rows r. {@code token} is a multiple of {@link Activations#GROUP} (the batched kernels
     * read {@link Activations#groupedValues}), so callers step by {@link #TOKENS} from 0. A kernel may compute lanes
     * past {@code lastToken} (fewer than five tokens go four at a time) but stores only the tokens asked for.
     */
    void multiply(int group, Activations activations, int token, int lastToken, float[] out, int outOffset) {
        if (token == lastToken) {
            multiplyOne(group, activations, token, out, outOffset);
            return;
        }
        boolean eight = lastToken - token + 1 >= EIGHT_FROM;
        if (q4) {
            if (eight) {
                multiplyQ4Eight(group, activations, token, lastToken, out, outOffset);
            } else {
                multiplyQ4(group, activations, token, Math.min(lastToken, token + 3), out, outOffset);
            }
        } else if (eight) {
            multiplyQ8Eight(group, activations, token, lastToken, out, outOffset);
        } else {
            multiplyQ8(group, activations, token, Math.min(lastToken, token + 3), out, outOffset);
        }
    }

    /**
     * Separate methods per type and per token count: each keeps its own branch and type profiles, so the JIT
     * compiles every kernel for the one shape it serves.
     */
    private void multiplyQ8(int group, Activations activations, int token, int lastToken, float[] out, int outOffset) {
        float[] a = activations.groupedValues;
        float[] x = activations.groupedScales;
        int tokenGroup = token / Activations.GROUP;
        int valuesBase = tokenGroup * blocks * 32 * Activations.GROUP;
        int scalesBase = tokenGroup * blocks * Activations.GROUP;
        FloatVector sum0 = FloatVector.zero(FLOATS), sum1 = sum0, sum2 = sum0, sum3 = sum0;
        for (int block = 0; block < blocks; block++) {
            int blockIndex = group * blocks + block;
            long base = blockIndex * blockQuantBytes;
            FloatVector c0 = FloatVector.zero(FLOATS), c1 = c0, c2 = c0, c3 = c0;
            for (int g = 0; g < 8; g++) {
                IntVector packed = IntVector.fromMemorySegment(INTS, quants, base + (long) g * 4 * ROWS, LITTLE);
                for (int u = 0; u < 4; u++) {
                    int k = valuesBase + (block * 32 + 4 * g + u) * Activations.GROUP;
                    FloatVector w = toFloats(signedByte(packed, u));
                    c0 = w.fma(FloatVector.broadcast(FLOATS, a[k + 0]), c0);
                    c1 = w.fma(FloatVector.broadcast(FLOATS, a[k + 1]), c1);
                    c2 = w.fma(FloatVector.broadcast(FLOATS, a[k + 2]), c2);
                    c3 = w.fma(FloatVector.broadcast(FLOATS, a[k + 3]), c3);
                }
            }
            FloatVector d = FloatVector.fromArray(FLOATS, scales, blockIndex * ROWS);
            int s = scalesBase + block * Activations.GROUP;
            sum0 = c0.fma(d.mul(x[s + 0]), sum0);
            sum1 = c1.fma(d.mul(x[s + 1]), sum1);
            sum2 = c2.fma(d.mul(x[s + 2]), sum2);
            sum3 = c3.fma(d.mul(x[s + 3]), sum3);
        }
        store(sum0, group, out, outOffset + token * rows);
        if (token + 1 <= lastToken) {
            store(sum1, group, out, outOffset + (token + 1) * rows);
        }
        if (token + 2 <= lastToken) {
            store(sum2, group, out, outOffset + (token + 2) * rows);
        }
        if (token + 3 <= lastToken) {
            store(sum3, group, out, outOffset + (token + 3) * rows);
        }
    }

    private void multiplyQ4(int group, Activations activations, int token, int lastToken, float[] out, int outOffset) {
        float[] a = activations.groupedValues;
        float[] x = activations.groupedScales;
        float[] offsets = activations.groupedOffsets;
        int tokenGroup = token / Activations.GROUP;
        int valuesBase = tokenGroup * blocks * 32 * Activations.GROUP;
        int scalesBase = tokenGroup * blocks * Activations.GROUP;
        FloatVector sum0 = FloatVector.zero(FLOATS), sum1 = sum0, sum2 = sum0, sum3 = sum0;
        for (int block = 0; block < blocks; block++) {
            int blockIndex = group * blocks + block;
            long base = blockIndex * blockQuantBytes;
            FloatVector c0 = FloatVector.zero(FLOATS), c1 = c0, c2 = c0, c3 = c0;
            for (int g = 0; g < 4; g++) {
                IntVector packed = IntVector.fromMemorySegment(INTS, quants, base + (long) g * 4 * ROWS, LITTLE);
                for (int u = 0; u < 4; u++) {
                    int k = valuesBase + (block * 32 + 4 * g + u) * Activations.GROUP;
                    FloatVector w = toFloats(lowNibble(packed, u));
                    c0 = w.fma(FloatVector.broadcast(FLOATS, a[k + 0]), c0);
                    c1 = w.fma(FloatVector.broadcast(FLOATS, a[k + 1]), c1);
                    c2 = w.fma(FloatVector.broadcast(FLOATS, a[k + 2]), c2);
                    c3 = w.fma(FloatVector.broadcast(FLOATS, a[k + 3]), c3);
                    FloatVector h = toFloats(highNibble(packed, u));
                    int kHigh = k + 16 * Activations.GROUP;
                    c0 = h.fma(FloatVector.broadcast(FLOATS, a[kHigh + 0]), c0);
                    c1 = h.fma(FloatVector.broadcast(FLOATS, a[kHigh + 1]), c1);
                    c2 = h.fma(FloatVector.broadcast(FLOATS, a[kHigh + 2]), c2);
                    c3 = h.fma(FloatVector.broadcast(FLOATS, a[kHigh + 3]), c3);
                }
            }
            FloatVector d = FloatVector.fromArray(FLOATS, scales, blockIndex * ROWS);
            int s = scalesBase + block * Activations.GROUP;
            sum0 = c0.sub(offsets[s + 0]).fma(d.mul(x[s + 0]), sum0);
            sum1 = c1.sub(offsets[s + 1]).fma(d.mul(x[s + 1]), sum1);
            sum2 = c2.sub(offsets[s + 2]).fma(d.mul(x[s + 2]), sum2);
            sum3 = c3.sub(offsets[s + 3]).fma(d.mul(x[s + 3]), sum3);
        }
        store(sum0, group, out, outOffset + token * rows);
        if (token + 1 <= lastToken) {
            store(sum1, group, out, outOffset + (token + 1) * rows);
        }
        if (token + 2 <= lastToken) {
            store(sum2, group, out, outOffset + (token + 2) * rows);
        }
        if (token + 3 <= lastToken) {
            store(sum3, group, out, outOffset + (token + 3) * rows);
        }
    }

    /**
     * Eight tokens per pass over the weights ({@code token} a multiple of eight, so that they are one group of {@link
     * Activations#groupedValues}): a weight vector is extracted and converted once and then feeds eight
     * fused multiply-adds instead of four, so a speculative verification batch of up to nine tokens costs one pass
     * more than a single token rather than two. Sixteen accumulators and the weight fit the 32 AVX-512 registers.
     */
    private void multiplyQ8Eight(
            int group, Activations activations, int token, int lastToken, float[] out, int outOffset) {
        float[] a = activations.groupedValues;
        float[] x = activations.groupedScales;
        int tokenGroup = token / Activations.GROUP;
        int valuesBase = tokenGroup * blocks * 32 * Activations.GROUP;
        int scalesBase = tokenGroup * blocks * Activations.GROUP;
        FloatVector sum0 = FloatVector.zero(FLOATS),
                sum1 = sum0,
                sum2 = sum0,
                sum3 = sum0,
                sum4 = sum0,
                sum5 = sum0,
                sum6 = sum0,
                sum7 = sum0;
        for (int block = 0; block < blocks; block++) {
            int blockIndex = group * blocks + block;
            long base = blockIndex * blockQuantBytes;
            FloatVector c0 = FloatVector.zero(FLOATS), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
            for (int g = 0; g < 8; g++) {
                IntVector packed = IntVector.fromMemorySegment(INTS, quants, base + (long) g * 4 * ROWS, LITTLE);
                for (int u = 0; u < 4; u++) {
                    int k = valuesBase + (block * 32 + 4 * g + u) * Activations.GROUP;
                    FloatVector w = toFloats(signedByte(packed, u));
                    c0 = w.fma(FloatVector.broadcast(FLOATS, a[k + 0]), c0);
                    c1 = w.fma(FloatVector.broadcast(FLOATS, a[k + 1]), c1);
                    c2 = w.fma(FloatVector.broadcast(FLOATS, a[k + 2]), c2);
                    c3 = w.fma(FloatVector.broadcast(FLOATS, a[k + 3]), c3);
                    c4 = w.fma(FloatVector.broadcast(FLOATS, a[k + 4]), c4);
                    c5 = w.fma(FloatVector.broadcast(FLOATS, a[k + 5]), c5);
                    c6 = w.fma(FloatVector.broadcast(FLOATS, a[k + 6]), c6);
                    c7 = w.fma(FloatVector.broadcast(FLOATS, a[k + 7]), c7);
                }
            }
            FloatVector d = FloatVector.fromArray(FLOATS, scales, blockIndex * ROWS);
            int s = scalesBase + block * Activations.GROUP;
            sum0 = c0.fma(d.mul(x[s + 0]), sum0);
            sum1 = c1.fma(d.mul(x[s + 1]), sum1);
            sum2 = c2.fma(d.mul(x[s + 2]), sum2);
            sum3 = c3.fma(d.mul(x[s + 3]), sum3);
            sum4 = c4.fma(d.mul(x[s + 4]), sum4);
            sum5 = c5.fma(d.mul(x[s + 5]), sum5);
            sum6 = c6.fma(d.mul(x[s + 6]), sum6);
            sum7 = c7.fma(d.mul(x[s + 7]), sum7);
        }
        store(sum0, group, out, outOffset + token * rows);
        if (token + 1 <= lastToken) {
            store(sum1, group, out, outOffset + (token + 1) * rows);
        }
        if (token + 2 <= lastToken) {
            store(sum2, group, out, outOffset + (token + 2) * rows);
        }
        if (token + 3 <= lastToken) {
            store(sum3, group, out, outOffset + (token + 3) * rows);
        }
        if (token + 4 <= lastToken) {
            store(sum4, group, out, outOffset + (token + 4) * rows);
        }
        if (token + 5 <= lastToken) {
            store(sum5, group, out, outOffset + (token + 5) * rows);
        }
        if (token + 6 <= lastToken) {
            store(sum6, group, out, outOffset + (token + 6) * rows);
        }
        if (token + 7 <= lastToken) {
            store(sum7, group, out, outOffset + (token + 7) * rows);
        }
    }

    private void multiplyQ4Eight(
            int group, Activations activations, int token, int lastToken, float[] out, int outOffset) {
        float[] a = activations.groupedValues;
        float[] x = activations.groupedScales;
        float[] offsets = activations.groupedOffsets;
        int tokenGroup = token / Activations.GROUP;
        int valuesBase = tokenGroup * blocks * 32 * Activations.GROUP;
        int scalesBase = tokenGroup * blocks * Activations.GROUP;
        FloatVector sum0 = FloatVector.zero(FLOATS),
                sum1 = sum0,
                sum2 = sum0,
                sum3 = sum0,
                sum4 = sum0,
                sum5 = sum0,
                sum6 = sum0,
                sum7 = sum0;
        for (int block = 0; block < blocks; block++) {
            int blockIndex = group * blocks + block;
            long base = blockIndex * blockQuantBytes;
            FloatVector c0 = FloatVector.zero(FLOATS), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
            for (int g = 0; g < 4; g++) {
                IntVector packed = IntVector.fromMemorySegment(INTS, quants, base + (long) g * 4 * ROWS, LITTLE);
                for (int u = 0; u < 4; u++) {
                    int k = valuesBase + (block * 32 + 4 * g + u) * Activations.GROUP;
                    FloatVector w = toFloats(lowNibble(packed, u));
                    c0 = w.fma(FloatVector.broadcast(FLOATS, a[k + 0]), c0);
                    c1 = w.fma(FloatVector.broadcast(FLOATS, a[k + 1]), c1);
                    c2 = w.fma(FloatVector.broadcast(FLOATS, a[k + 2]), c2);
                    c3 = w.fma(FloatVector.broadcast(FLOATS, a[k + 3]), c3);
                    c4 = w.fma(FloatVector.broadcast(FLOATS, a[k + 4]), c4);
                    c5 = w.fma(FloatVector.broadcast(FLOATS, a[k + 5]), c5);
                    c6 = w.fma(FloatVector.broadcast(FLOATS, a[k + 6]), c6);
                    c7 = w.fma(FloatVector.broadcast(FLOATS, a[k + 7]), c7);
                    FloatVector h = toFloats(highNibble(packed, u));
                    int kHigh = k + 16 * Activations.GROUP;
                    c0 = h.fma(FloatVector.broadcast(FLOATS, a[kHigh + 0]), c0);
                    c1 = h.fma(FloatVector.broadcast(FLOATS, a[kHigh + 1]), c1);
                    c2 = h.fma(FloatVector.broadcast(FLOATS, a[kHigh + 2]), c2);
                    c3 = h.fma(FloatVector.broadcast(FLOATS, a[kHigh + 3]), c3);
                    c4 = h.fma(FloatVector.broadcast(FLOATS, a[kHigh + 4]), c4);
                    c5 = h.fma(FloatVector.broadcast(FLOATS, a[kHigh + 5]), c5);
                    c6 = h.fma(FloatVector.broadcast(FLOATS, a[kHigh + 6]), c6);
                    c7 = h.fma(FloatVector.broadcast(FLOATS, a[kHigh + 7]), c7);
                }
            }
            FloatVector d = FloatVector.fromArray(FLOATS, scales, blockIndex * ROWS);
            int s = scalesBase + block * Activations.GROUP;
            sum0 = c0.sub(offsets[s + 0]).fma(d.mul(x[s + 0]), sum0);
            sum1 = c1.sub(offsets[s + 1]).fma(d.mul(x[s + 1]), sum1);
            sum2 = c2.sub(offsets[s + 2]).fma(d.mul(x[s + 2]), sum2);
            sum3 = c3.sub(offsets[s + 3]).fma(d.mul(x[s + 3]), sum3);
            sum4 = c4.sub(offsets[s + 4]).fma(d.mul(x[s + 4]), sum4);
            sum5 = c5.sub(offsets[s + 5]).fma(d.mul(x[s + 5]), sum5);
            sum6 = c6.sub(offsets[s + 6]).fma(d.mul(x[s + 6]), sum6);
            sum7 = c7.sub(offsets[s + 7]).fma(d.mul(x[s + 7]), sum7);
        }
        store(sum0, group, out, outOffset + token * rows);
        if (token + 1 <= lastToken) {
            store(sum1, group, out, outOffset + (token + 1) * rows);
        }
        if (token + 2 <= lastToken) {
            store(sum2, group, out, outOffset + (token + 2) * rows);
        }
        if (token + 3 <= lastToken) {
            store(sum3, group, out, outOffset + (token + 3) * rows);
        }
        if (token + 4 <= lastToken) {
            store(sum4, group, out, outOffset + (token + 4) * rows);
        }
        if (token + 5 <= lastToken) {
            store(sum5, group, out, outOffset + (token + 5) * rows);
        }
        if (token + 6 <= lastToken) {
            store(sum6, group, out, outOffset + (token + 6) * rows);
        }
        if (token + 7 <= lastToken) {
            store(sum7, group, out, outOffset + (token + 7) * rows);
        }
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
        store(sum, group, out, outOffset + token * rows);
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
        store(sum, group, out, outOffset + token * rows);
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

    private void store(FloatVector result, int group, float[] out, int index) {
        int first = group * ROWS;
        if (first + ROWS <= rows) {
            result.intoArray(out, index + first);
        } else {
            VectorMask<Float> valid = FLOATS.indexInRange(first, rows);
            result.intoArray(out, index + first, valid);
        }
    }
}
