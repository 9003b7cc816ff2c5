package org.logitlab.tensor;

import static org.logitlab.tensor.BlockLayout.Q4_0_BYTES;
import static org.logitlab.tensor.BlockLayout.Q4_1_BYTES;
import static org.logitlab.tensor.BlockLayout.Q4_K_BYTES;
import static org.logitlab.tensor.BlockLayout.Q4_K_QUANTS;
import static org.logitlab.tensor.BlockLayout.Q5_0_BYTES;
import static org.logitlab.tensor.BlockLayout.Q5_1_BYTES;
import static org.logitlab.tensor.BlockLayout.Q6_K_BYTES;
import static org.logitlab.tensor.BlockLayout.Q6_K_D;
import static org.logitlab.tensor.BlockLayout.Q6_K_HIGH_BITS;
import static org.logitlab.tensor.BlockLayout.Q6_K_SCALES;
import static org.logitlab.tensor.BlockLayout.Q8_0_BYTES;
import static org.logitlab.tensor.BlockLayout.float16;
import static org.logitlab.tensor.BlockLayout.q4kMin;
import static org.logitlab.tensor.BlockLayout.q4kScale;
import static org.logitlab.tensor.BlockLayout.q5HighBits;
import static org.logitlab.tensor.BlockLayout.signedByte;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels with {@code L} = 8 or 16 float lanes (256- or 512-bit vectors).
 *
 * <p>Quantized dots: weights are widened from bytes to floats and multiplied with activations already
 * quantized to integers held in floats ({@link ActivationQuantizer}). Each lane accumulates integer
 * products, times the integer sub-block scales, over at most one super-block — every such partial sum
 * stays below 2²⁴ and is therefore exact, as ggml's int32 lanes are. A lane's integers are then scaled by
 * the block's float scale and accumulated per lane, like ggml's AVX2 kernels ({@code acc = fma(d, q,
 * acc)}, horizontal sum at the end). The only difference from {@link ScalarTensorKernels} is therefore the
 * order of float additions across blocks and lanes: results agree to float rounding of the block terms.
 *
 * <p>Dequantization performs the same float operations as the scalar code, so it agrees bit for bit.
 */
final class VectorTensorKernels implements TensorKernels {
    static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    static final VectorTensorKernels INSTANCE = new VectorTensorKernels();

    private static final int LANES = FLOATS.length();
    private static final VectorSpecies<Byte> BYTES =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, LANES * 8)));
    private static final VectorSpecies<Integer> INTS = FLOATS.withLanes(int.class);
    private static final ByteOrder LITTLE = ByteOrder.LITTLE_ENDIAN;
    /** Element index within a 32-element block, as shift counts for the fifth bits of Q5 quants. */
    private static final int[] BIT_POSITIONS =
            java.util.stream.IntStream.range(0, 32).toArray();

    /**
     * Q4_0's sixteen values −8 … 7 as float bits, indexed by nibble: with 16 lanes a nibble becomes its float
     * in one lookup ({@code vpermd}) instead of a subtraction, a widening and a conversion.
     */
    private static final IntVector Q4_0_VALUES = LANES == 16
            ? IntVector.fromArray(
                    INTS,
                    java.util.stream.IntStream.range(0, 16)
                            .map(n -> Float.floatToRawIntBits(n - 8))
                            .toArray(),
                    0)
            : null;

    private static final VectorShuffle<Float> SWAP_8 = VectorShuffle.fromOp(FLOATS, i -> i ^ 8);
    private static final VectorShuffle<Float> SWAP_4 = VectorShuffle.fromOp(FLOATS, i -> i ^ 4);
    private static final VectorShuffle<Float> SWAP_2 = VectorShuffle.fromOp(FLOATS, i -> i ^ 2);
    private static final VectorShuffle<Float> SWAP_1 = VectorShuffle.fromOp(FLOATS, i -> i ^ 1);

    private VectorTensorKernels() {}

    /**
     * The sum of the lanes in a fixed pairwise order. {@code reduceLanes(ADD)} leaves the order open, and
     * C2's intrinsic adds in a different order than the Java fallback that runs before compilation, so the
     * same product could differ in the last bit depending on JIT state; lanewise adds are deterministic.
     */
    static float sumLanes(FloatVector v) {
        if (LANES == 16) {
            v = v.add(v.rearrange(SWAP_8));
        }
        v = v.add(v.rearrange(SWAP_4));
        v = v.add(v.rearrange(SWAP_2));
        v = v.add(v.rearrange(SWAP_1));
        return v.lane(0);
    }

    /** {@code LANES} signed bytes at {@code offset}, widened to floats. */
    private static FloatVector bytesToFloats(ByteVector bytes) {
        return (FloatVector) bytes.convertShape(VectorOperators.B2F, FLOATS, 0);
    }

    private static ByteVector loadBytes(MemorySegment data, long offset) {
        return ByteVector.fromMemorySegment(BYTES, data, offset, LITTLE);
    }

    /** The 16 bytes at {@code offset}, each zero-extended to an int lane (16 lanes only). */
    private static IntVector loadBytesAsInts(MemorySegment data, long offset) {
        return (IntVector) loadBytes(data, offset).convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0);
    }

    /** Q4_0 values (nibble − 8) of the low nibbles of bytes held in int lanes, as floats (16 lanes only). */
    private static FloatVector q4_0Low(IntVector packed) {
        return packed.and(0x0F).selectFrom(Q4_0_VALUES).reinterpretAsFloats();
    }

    /** Q4_0 values of the high nibbles of zero-extended bytes held in int lanes (16 lanes only). */
    private static FloatVector q4_0High(IntVector packed) {
        return packed.lanewise(VectorOperators.LSHR, 4).selectFrom(Q4_0_VALUES).reinterpretAsFloats();
    }

    private static ByteVector lowNibbles(ByteVector packed) {
        return packed.and((byte) 0x0F);
    }

    private static ByteVector highNibbles(ByteVector packed) {
        return packed.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F);
    }

    /**
     * Unsigned 5-bit quants of elements {@code e … e+LANES−1} (e a multiple of LANES) of a Q5_0/Q5_1 block:
     * nibbles of bytes {@code e mod 16 …} (low for e < 16) joined with bits e… of {@code qh} as bit 4.
     */
    private static IntVector q5Quants(MemorySegment data, long quantsOffset, int highBits, int e) {
        ByteVector packed = loadBytes(data, quantsOffset + (e & 15));
        ByteVector nibbles = e < 16 ? lowNibbles(packed) : highNibbles(packed);
        IntVector quants = (IntVector) nibbles.convertShape(VectorOperators.B2I, INTS, 0);
        IntVector fifthBits = IntVector.broadcast(INTS, highBits)
                .lanewise(VectorOperators.LSHR, IntVector.fromArray(INTS, BIT_POSITIONS, e))
                .and(1)
                .lanewise(VectorOperators.LSHL, 4);
        return quants.or(fifthBits);
    }

    private static FloatVector intsToFloats(IntVector ints) {
        return (FloatVector) ints.convertShape(VectorOperators.I2F, FLOATS, 0);
    }

    @Override
    public void dequantize(
            TensorType type, MemorySegment data, long byteOffset, int elements, float[] out, int outOffset) {
        switch (type) {
            case F32, F16, BF16 -> UnquantizedVectors.widen(type, data, byteOffset, elements, out, outOffset);
            case Q8_0 -> {
                for (int block = 0; block < elements / 32; block++) {
                    long offset = byteOffset + (long) block * Q8_0_BYTES;
                    float d = float16(data, offset);
                    for (int k = 0; k < 32; k += LANES) {
                        bytesToFloats(loadBytes(data, offset + 2 + k))
                                .mul(d)
                                .intoArray(out, outOffset + block * 32 + k);
                    }
                }
            }
            case Q4_0 -> {
                for (int block = 0; block < elements / 32; block++) {
                    long offset = byteOffset + (long) block * Q4_0_BYTES;
                    float d = float16(data, offset);
                    int base = outOffset + block * 32;
                    for (int k = 0; k < 16; k += LANES) {
                        ByteVector packed = loadBytes(data, offset + 2 + k);
                        bytesToFloats(lowNibbles(packed).sub((byte) 8)).mul(d).intoArray(out, base + k);
                        bytesToFloats(highNibbles(packed).sub((byte) 8)).mul(d).intoArray(out, base + 16 + k);
                    }
                }
            }
            case Q4_1 -> {
                for (int block = 0; block < elements / 32; block++) {
                    long offset = byteOffset + (long) block * Q4_1_BYTES;
                    float d = float16(data, offset);
                    float m = float16(data, offset + 2);
                    int base = outOffset + block * 32;
                    for (int k = 0; k < 16; k += LANES) {
                        ByteVector packed = loadBytes(data, offset + 4 + k);
                        bytesToFloats(lowNibbles(packed)).mul(d).add(m).intoArray(out, base + k);
                        bytesToFloats(highNibbles(packed)).mul(d).add(m).intoArray(out, base + 16 + k);
                    }
                }
            }
            case Q5_0 -> {
                for (int block = 0; block < elements / 32; block++) {
                    long offset = byteOffset + (long) block * Q5_0_BYTES;
                    float d = float16(data, offset);
                    int highBits = q5HighBits(data, offset + 2);
                    for (int e = 0; e < 32; e += LANES) {
                        intsToFloats(q5Quants(data, offset + 6, highBits, e).sub(16))
                                .mul(d)
                                .intoArray(out, outOffset + block * 32 + e);
                    }
                }
            }
            case Q5_1 -> {
                for (int block = 0; block < elements / 32; block++) {
                    long offset = byteOffset + (long) block * Q5_1_BYTES;
                    float d = float16(data, offset);
                    float m = float16(data, offset + 2);
                    int highBits = q5HighBits(data, offset + 4);
                    for (int e = 0; e < 32; e += LANES) {
                        intsToFloats(q5Quants(data, offset + 8, highBits, e))
                                .mul(d)
                                .add(m)
                                .intoArray(out, outOffset + block * 32 + e);
                    }
                }
            }
            case Q4_K -> {
                for (int block = 0; block < elements / 256; block++) {
                    long offset = byteOffset + (long) block * Q4_K_BYTES;
                    float d = float16(data, offset);
                    float dmin = float16(data, offset + 2);
                    int base = outOffset + block * 256;
                    for (int pair = 0; pair < 4; pair++) {
                        float scaleLow = d * q4kScale(data, offset, 2 * pair);
                        float minLow = dmin * q4kMin(data, offset, 2 * pair);
                        float scaleHigh = d * q4kScale(data, offset, 2 * pair + 1);
                        float minHigh = dmin * q4kMin(data, offset, 2 * pair + 1);
                        for (int k = 0; k < 32; k += LANES) {
                            ByteVector packed = loadBytes(data, offset + Q4_K_QUANTS + 32L * pair + k);
                            bytesToFloats(lowNibbles(packed))
                                    .mul(scaleLow)
                                    .sub(minLow)
                                    .intoArray(out, base + 64 * pair + k);
                            bytesToFloats(highNibbles(packed))
                                    .mul(scaleHigh)
                                    .sub(minHigh)
                                    .intoArray(out, base + 64 * pair + 32 + k);
                        }
                    }
                }
            }
            case Q6_K -> {
                for (int block = 0; block < elements / 256; block++) {
                    long offset = byteOffset + (long) block * Q6_K_BYTES;
                    float d = float16(data, offset + Q6_K_D);
                    for (int half = 0; half < 2; half++) {
                        for (int k = 0; k < 32; k += LANES) {
                            for (int quarter = 0; quarter < 4; quarter++) {
                                int element = 128 * half + 32 * quarter + k;
                                float scale = d * signedByte(data, offset + Q6_K_SCALES + element / 16);
                                q6kQuarter(data, offset, half, quarter, k)
                                        .mul(scale)
                                        .intoArray(out, outOffset + block * 256 + element);
                            }
                        }
                    }
                }
            }
            default -> throw ScalarTensorKernels.unsupported(type);
        }
    }

    /**
     * Elements {@code 128·half + 32·quarter + k …+LANES} of a Q6_K block as floats in [-32, 31]: a nibble
     * of {@code ql} (low nibbles of bytes 0–31 / 32–63 for quarters 0 / 1, high nibbles for 2 / 3) joined
     * with bits {@code 2·quarter, 2·quarter+1} of {@code qh}.
     */
    private static FloatVector q6kQuarter(MemorySegment data, long offset, int half, int quarter, int k) {
        ByteVector low = loadBytes(data, offset + 64L * half + 32L * (quarter & 1) + k);
        low = quarter < 2 ? lowNibbles(low) : highNibbles(low);
        ByteVector high = loadBytes(data, offset + Q6_K_HIGH_BITS + 32L * half + k)
                .lanewise(VectorOperators.LSHR, 2 * quarter)
                .and((byte) 3)
                .lanewise(VectorOperators.LSHL, 4);
        return bytesToFloats(low.or(high).sub((byte) 32));
    }

    @Override
    public float dot(TensorType type, MemorySegment data, long rowOffset, Activations activations, int token) {
        return switch (type) {
            case F32, F16, BF16 ->
                UnquantizedVectors.dot(
                        type, data, rowOffset, activations.values, activations.valuesStart(token), activations.columns);
            case Q8_0 -> dotQ8_0(data, rowOffset, activations, token);
            case Q4_0 -> dotQ4_0(data, rowOffset, activations, token);
            case Q4_1 -> dotQ4_1(data, rowOffset, activations, token);
            case Q5_0 -> dotQ5_0(data, rowOffset, activations, token);
            case Q5_1 -> dotQ5_1(data, rowOffset, activations, token);
            case Q4_K -> dotQ4_K(data, rowOffset, activations, token);
            case Q6_K -> dotQ6_K(data, rowOffset, activations, token);
            default -> throw ScalarTensorKernels.unsupported(type);
        };
    }

    private static float dotQ8_0(MemorySegment data, long rowOffset, Activations activations, int token) {
        float[] a = activations.values;
        int aStart = activations.valuesStart(token);
        int scales = activations.scalesStart(token);
        FloatVector sum = FloatVector.zero(FLOATS);
        for (int block = 0; block < activations.columns / 32; block++) {
            long offset = rowOffset + (long) block * Q8_0_BYTES;
            FloatVector integers = FloatVector.zero(FLOATS);
            for (int k = 0; k < 32; k += LANES) {
                FloatVector x = FloatVector.fromArray(FLOATS, a, aStart + block * 32 + k);
                integers = bytesToFloats(loadBytes(data, offset + 2 + k)).fma(x, integers);
            }
            float d = float16(data, offset) * activations.scales[scales + block];
            sum = integers.fma(FloatVector.broadcast(FLOATS, d), sum);
        }
        return sumLanes(sum);
    }

    private static float dotQ4_0(MemorySegment data, long rowOffset, Activations activations, int token) {
        float[] a = activations.values;
        int aStart = activations.valuesStart(token);
        int scales = activations.scalesStart(token);
        FloatVector sum = FloatVector.zero(FLOATS);
        for (int block = 0; block < activations.columns / 32; block++) {
            long offset = rowOffset + (long) block * Q4_0_BYTES;
            int base = aStart + block * 32;
            FloatVector integers = FloatVector.zero(FLOATS);
            if (LANES == 16) {
                IntVector packed = loadBytesAsInts(data, offset + 2);
                integers = q4_0Low(packed).fma(FloatVector.fromArray(FLOATS, a, base), integers);
                integers = q4_0High(packed).fma(FloatVector.fromArray(FLOATS, a, base + 16), integers);
            } else {
                for (int k = 0; k < 16; k += LANES) {
                    ByteVector packed = loadBytes(data, offset + 2 + k);
                    FloatVector low = bytesToFloats(lowNibbles(packed).sub((byte) 8));
                    FloatVector high = bytesToFloats(highNibbles(packed).sub((byte) 8));
                    integers = low.fma(FloatVector.fromArray(FLOATS, a, base + k), integers);
                    integers = high.fma(FloatVector.fromArray(FLOATS, a, base + 16 + k), integers);
                }
            }
            float d = float16(data, offset) * activations.scales[scales + block];
            sum = integers.fma(FloatVector.broadcast(FLOATS, d), sum);
        }
        return sumLanes(sum);
    }

    private static float dotQ4_1(MemorySegment data, long rowOffset, Activations activations, int token) {
        float[] a = activations.values;
        int aStart = activations.valuesStart(token);
        int scales = activations.scalesStart(token);
        FloatVector sum = FloatVector.zero(FLOATS);
        float minimums = 0;
        for (int block = 0; block < activations.columns / 32; block++) {
            long offset = rowOffset + (long) block * Q4_1_BYTES;
            int base = aStart + block * 32;
            FloatVector integers = FloatVector.zero(FLOATS);
            for (int k = 0; k < 16; k += LANES) {
                ByteVector packed = loadBytes(data, offset + 4 + k);
                integers = bytesToFloats(lowNibbles(packed)).fma(FloatVector.fromArray(FLOATS, a, base + k), integers);
                integers = bytesToFloats(highNibbles(packed))
                        .fma(FloatVector.fromArray(FLOATS, a, base + 16 + k), integers);
            }
            float d = float16(data, offset) * activations.scales[scales + block];
            sum = integers.fma(FloatVector.broadcast(FLOATS, d), sum);
            minimums += float16(data, offset + 2) * activations.blockSums[scales + block];
        }
        return sumLanes(sum) + minimums;
    }

    private static float dotQ5_0(MemorySegment data, long rowOffset, Activations activations, int token) {
        float[] a = activations.values;
        int aStart = activations.valuesStart(token);
        int scales = activations.scalesStart(token);
        FloatVector sum = FloatVector.zero(FLOATS);
        for (int block = 0; block < activations.columns / 32; block++) {
            long offset = rowOffset + (long) block * Q5_0_BYTES;
            int highBits = q5HighBits(data, offset + 2);
            FloatVector integers = FloatVector.zero(FLOATS);
            for (int e = 0; e < 32; e += LANES) {
                FloatVector x = FloatVector.fromArray(FLOATS, a, aStart + block * 32 + e);
                integers = intsToFloats(q5Quants(data, offset + 6, highBits, e).sub(16))
                        .fma(x, integers);
            }
            float d = float16(data, offset) * activations.scales[scales + block];
            sum = integers.fma(FloatVector.broadcast(FLOATS, d), sum);
        }
        return sumLanes(sum);
    }

    private static float dotQ5_1(MemorySegment data, long rowOffset, Activations activations, int token) {
        float[] a = activations.values;
        int aStart = activations.valuesStart(token);
        int scales = activations.scalesStart(token);
        FloatVector sum = FloatVector.zero(FLOATS);
        float minimums = 0;
        for (int block = 0; block < activations.columns / 32; block++) {
            long offset = rowOffset + (long) block * Q5_1_BYTES;
            int highBits = q5HighBits(data, offset + 4);
            FloatVector integers = FloatVector.zero(FLOATS);
            for (int e = 0; e < 32; e += LANES) {
                FloatVector x = FloatVector.fromArray(FLOATS, a, aStart + block * 32 + e);
                integers = intsToFloats(q5Quants(data, offset + 8, highBits, e)).fma(x, integers);
            }
            float d = float16(data, offset) * activations.scales[scales + block];
            sum = integers.fma(FloatVector.broadcast(FLOATS, d), sum);
            minimums += float16(data, offset + 2) * activations.blockSums[scales + block];
        }
        return sumLanes(sum) + minimums;
    }

    private static float dotQ4_K(MemorySegment data, long rowOffset, Activations activations, int token) {
        float[] a = activations.values;
        int aStart = activations.valuesStart(token);
        int scales = activations.scalesStart(token);
        int groupSums = activations.groupSumsStart(token);
        FloatVector sum = FloatVector.zero(FLOATS);
        float minimumTerms = 0;
        for (int block = 0; block < activations.columns / 256; block++) {
            long offset = rowOffset + (long) block * Q4_K_BYTES;
            int base = aStart + block * 256;
            FloatVector integers = FloatVector.zero(FLOATS);
            for (int pair = 0; pair < 4; pair++) {
                float scaleLow = q4kScale(data, offset, 2 * pair);
                float scaleHigh = q4kScale(data, offset, 2 * pair + 1);
                for (int k = 0; k < 32; k += LANES) {
                    ByteVector packed = loadBytes(data, offset + Q4_K_QUANTS + 32L * pair + k);
                    FloatVector xLow = FloatVector.fromArray(FLOATS, a, base + 64 * pair + k);
                    FloatVector xHigh = FloatVector.fromArray(FLOATS, a, base + 64 * pair + 32 + k);
                    integers = bytesToFloats(lowNibbles(packed)).mul(scaleLow).fma(xLow, integers);
                    integers = bytesToFloats(highNibbles(packed)).mul(scaleHigh).fma(xHigh, integers);
                }
            }
            int minimums = 0;
            for (int group = 0; group < 16; group++) {
                minimums += activations.groupSums[groupSums + block * 16 + group] * q4kMin(data, offset, group / 2);
            }
            float activationScale = activations.scales[scales + block];
            sum = integers.fma(FloatVector.broadcast(FLOATS, float16(data, offset) * activationScale), sum);
            minimumTerms += float16(data, offset + 2) * activationScale * minimums;
        }
        return sumLanes(sum) - minimumTerms;
    }

    private static float dotQ6_K(MemorySegment data, long rowOffset, Activations activations, int token) {
        float[] a = activations.values;
        int aStart = activations.valuesStart(token);
        int scales = activations.scalesStart(token);
        FloatVector sum = FloatVector.zero(FLOATS);
        for (int block = 0; block < activations.columns / 256; block++) {
            long offset = rowOffset + (long) block * Q6_K_BYTES;
            FloatVector d =
                    FloatVector.broadcast(FLOATS, float16(data, offset + Q6_K_D) * activations.scales[scales + block]);
            for (int half = 0; half < 2; half++) {
                // Flushed per half so that a lane's integer sum stays below 2^24 with 8 lanes too.
                FloatVector integers = FloatVector.zero(FLOATS);
                for (int k = 0; k < 32; k += LANES) {
                    for (int quarter = 0; quarter < 4; quarter++) {
                        int element = 128 * half + 32 * quarter + k;
                        float scale = signedByte(data, offset + Q6_K_SCALES + element / 16);
                        FloatVector x = FloatVector.fromArray(FLOATS, a, aStart + block * 256 + element);
                        integers = q6kQuarter(data, offset, half, quarter, k)
                                .mul(scale)
                                .fma(x, integers);
                    }
                }
                sum = integers.fma(d, sum);
            }
        }
        return sumLanes(sum);
    }

    /** 1.5 · 2<sup>23</sup>: adding and subtracting it rounds a float of magnitude below 2<sup>22</sup> to an integer,
     * half to even (the default rounding), as {@link Math#rint} does. */
    private static final float ROUNDING_MAGIC = 12_582_912f;

    /**
     * The scalar quantizer's float operations lane by lane: {@code amax} is a maximum (exact in any order), each
     * quant is the same product {@code x · (127 / amax)} rounded half to even by {@link #ROUNDING_MAGIC} (exact for
     * products up to 127; NaN stays NaN), and the block sums add integers below 2<sup>24</sup>, exact in float.
     * Only the sign of a zero quant may differ ({@code rint(−0.3)} is −0.0, the magic sum +0.0), which no product
     * or sum can observe.
     */
    @Override
    public void quantizeQ8_0(
            float[] x,
            int xOffset,
            int length,
            float[] quants,
            int quantsOffset,
            float[] scales,
            int scalesOffset,
            int[] blockSums,
            int blockSumsOffset) {
        int block = ActivationQuantizer.Q8_0_BLOCK;
        if (LANES > block) {
            ScalarTensorKernels.INSTANCE.quantizeQ8_0(
                    x, xOffset, length, quants, quantsOffset, scales, scalesOffset, blockSums, blockSumsOffset);
            return;
        }
        for (int b = 0; b < length / block; b++) {
            int start = xOffset + b * block;
            FloatVector maxima = FloatVector.fromArray(FLOATS, x, start).abs();
            for (int i = LANES; i < block; i += LANES) {
                maxima = maxima.max(FloatVector.fromArray(FLOATS, x, start + i).abs());
            }
            float amax = maxima.reduceLanes(VectorOperators.MAX);
            scales[scalesOffset + b] = HalfPrecision.roundToFloat16(amax / 127f);
            float inverse = amax != 0 ? 127f / amax : 0f;
            int out = quantsOffset + b * block;
            FloatVector sums = FloatVector.zero(FLOATS);
            for (int i = 0; i < block; i += LANES) {
                FloatVector q = FloatVector.fromArray(FLOATS, x, start + i)
                        .mul(inverse)
                        .add(ROUNDING_MAGIC)
                        .sub(ROUNDING_MAGIC);
                q.intoArray(quants, out + i);
                sums = sums.add(q);
            }
            blockSums[blockSumsOffset + b] = (int) sumLanes(sums);
        }
    }

    @Override
    public float dot(float[] a, int aOffset, float[] b, int bOffset, int length) {
        return UnquantizedVectors.dot(a, aOffset, b, bOffset, length);
    }

    /**
     * Four vectors of the output at a time stay in registers while every row adds into them (instead of loading
     * and storing the output once per row, as {@link #axpy} row after row does); each element still receives the
     * same fused multiply-adds in the same row order.
     */
    /**
     * Four queries at a time over chunks of {@code 4·LANES} columns: each value row is loaded once for the four
     * (the single-query kernel loads it once per query) and the sixteen accumulators give independent FMA chains.
     * Per query the FMAs and their order are those of {@link #weightedSum}.
     */
    @Override
    public void weightedSums(
            float[][] weights,
            int[] counts,
            int queries,
            float[] rows,
            int rowsOffset,
            int rowStride,
            float[] out,
            int outOffset,
            int outStride,
            int length) {
        int q = 0;
        if (length % (4 * LANES) == 0) {
            for (; q + 1 < queries; q += 4) {
                weightedSumsOfFour(
                        weights,
                        counts,
                        q,
                        Math.min(4, queries - q),
                        rows,
                        rowsOffset,
                        rowStride,
                        out,
                        outOffset,
                        outStride,
                        length);
            }
        }
        for (; q < queries; q++) {
            weightedSum(weights[q], counts[q], rows, rowsOffset, rowStride, out, outOffset + q * outStride, length);
        }
    }

    /** Queries {@code first … first+n-1} ({@code 2 ≤ n ≤ 4}); a missing query has no rows. */
    private static void weightedSumsOfFour(
            float[][] weights,
            int[] counts,
            int first,
            int n,
            float[] rows,
            int rowsOffset,
            int rowStride,
            float[] out,
            int outOffset,
            int outStride,
            int length) {
        float[] w0 = weights[first], w1 = weights[first + 1];
        float[] w2 = n > 2 ? weights[first + 2] : w0, w3 = n > 3 ? weights[first + 3] : w0;
        int c0 = counts[first], c1 = counts[first + 1], c2 = n > 2 ? counts[first + 2] : 0;
        int c3 = n > 3 ? counts[first + 3] : 0;
        int rowCount = Math.max(Math.max(c0, c1), Math.max(c2, c3));
        for (int i = 0; i < length; i += 4 * LANES) {
            FloatVector zero = FloatVector.zero(FLOATS);
            FloatVector s00 = zero, s01 = zero, s02 = zero, s03 = zero, s10 = zero, s11 = zero, s12 = zero, s13 = zero;
            FloatVector s20 = zero, s21 = zero, s22 = zero, s23 = zero, s30 = zero, s31 = zero, s32 = zero, s33 = zero;
            for (int j = 0; j < rowCount; j++) {
                int row = rowsOffset + j * rowStride + i;
                FloatVector r0 = FloatVector.fromArray(FLOATS, rows, row);
                FloatVector r1 = FloatVector.fromArray(FLOATS, rows, row + LANES);
                FloatVector r2 = FloatVector.fromArray(FLOATS, rows, row + 2 * LANES);
                FloatVector r3 = FloatVector.fromArray(FLOATS, rows, row + 3 * LANES);
                float weight = j < c0 ? w0[j] : 0f;
                if (weight != 0f) {
                    FloatVector w = FloatVector.broadcast(FLOATS, weight);
                    s00 = r0.fma(w, s00);
                    s01 = r1.fma(w, s01);
                    s02 = r2.fma(w, s02);
                    s03 = r3.fma(w, s03);
                }
                weight = j < c1 ? w1[j] : 0f;
                if (weight != 0f) {
                    FloatVector w = FloatVector.broadcast(FLOATS, weight);
                    s10 = r0.fma(w, s10);
                    s11 = r1.fma(w, s11);
                    s12 = r2.fma(w, s12);
                    s13 = r3.fma(w, s13);
                }
                weight = j < c2 ? w2[j] : 0f;
                if (weight != 0f) {
                    FloatVector w = FloatVector.broadcast(FLOATS, weight);
                    s20 = r0.fma(w, s20);
                    s21 = r1.fma(w, s21);
                    s22 = r2.fma(w, s22);
                    s23 = r3.fma(w, s23);
                }
                weight = j < c3 ? w3[j] : 0f;
                if (weight != 0f) {
                    FloatVector w = FloatVector.broadcast(FLOATS, weight);
                    s30 = r0.fma(w, s30);
                    s31 = r1.fma(w, s31);
                    s32 = r2.fma(w, s32);
                    s33 = r3.fma(w, s33);
                }
            }
            int o = outOffset + first * outStride + i;
            s00.intoArray(out, o);
            s01.intoArray(out, o + LANES);
            s02.intoArray(out, o + 2 * LANES);
            s03.intoArray(out, o + 3 * LANES);
            o += outStride;
            s10.intoArray(out, o);
            s11.intoArray(out, o + LANES);
            s12.intoArray(out, o + 2 * LANES);
            s13.intoArray(out, o + 3 * LANES);
            if (n > 2) {
                o += outStride;
                s20.intoArray(out, o);
                s21.intoArray(out, o + LANES);
                s22.intoArray(out, o + 2 * LANES);
                s23.intoArray(out, o + 3 * LANES);
            }
            if (n > 3) {
                o += outStride;
                s30.intoArray(out, o);
                s31.intoArray(out, o + LANES);
                s32.intoArray(out, o + 2 * LANES);
                s33.intoArray(out, o + 3 * LANES);
            }
        }
    }

    @Override
    public void weightedSum(
            float[] weights,
            int count,
            float[] rows,
            int rowsOffset,
            int rowStride,
            float[] out,
            int outOffset,
            int length) {
        int i = 0;
        for (; i + 4 * LANES <= length; i += 4 * LANES) {
            FloatVector s0 = FloatVector.zero(FLOATS), s1 = s0, s2 = s0, s3 = s0;
            for (int j = 0; j < count; j++) {
                float weight = weights[j];
                if (weight != 0f) {
                    FloatVector w = FloatVector.broadcast(FLOATS, weight);
                    int row = rowsOffset + j * rowStride + i;
                    s0 = FloatVector.fromArray(FLOATS, rows, row).fma(w, s0);
                    s1 = FloatVector.fromArray(FLOATS, rows, row + LANES).fma(w, s1);
                    s2 = FloatVector.fromArray(FLOATS, rows, row + 2 * LANES).fma(w, s2);
                    s3 = FloatVector.fromArray(FLOATS, rows, row + 3 * LANES).fma(w, s3);
                }
            }
            s0.intoArray(out, outOffset + i);
            s1.intoArray(out, outOffset + i + LANES);
            s2.intoArray(out, outOffset + i + 2 * LANES);
            s3.intoArray(out, outOffset + i + 3 * LANES);
        }
        for (; i + LANES <= length; i += LANES) {
            FloatVector sum = FloatVector.zero(FLOATS);
            for (int j = 0; j < count; j++) {
                float weight = weights[j];
                if (weight != 0f) {
                    sum = FloatVector.fromArray(FLOATS, rows, rowsOffset + j * rowStride + i)
                            .fma(FloatVector.broadcast(FLOATS, weight), sum);
                }
            }
            sum.intoArray(out, outOffset + i);
        }
        for (; i < length; i++) {
            float sum = 0f;
            for (int j = 0; j < count; j++) {
                if (weights[j] != 0f) {
                    sum = Math.fma(weights[j], rows[rowsOffset + j * rowStride + i], sum);
                }
            }
            out[outOffset + i] = sum;
        }
    }

    @Override
    public void axpy(float alpha, float[] x, int xOffset, float[] y, int yOffset, int length) {
        FloatVector alphas = FloatVector.broadcast(FLOATS, alpha);
        int i = 0;
        for (int bound = FLOATS.loopBound(length); i < bound; i += LANES) {
            FloatVector.fromArray(FLOATS, x, xOffset + i)
                    .fma(alphas, FloatVector.fromArray(FLOATS, y, yOffset + i))
                    .intoArray(y, yOffset + i);
        }
        for (; i < length; i++) {
            y[yOffset + i] = Math.fma(alpha, x[xOffset + i], y[yOffset + i]);
        }
    }
}
