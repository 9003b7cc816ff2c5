package org.logitlab.tensor;

import static org.logitlab.tensor.VectorTensorKernels.FLOATS;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector kernels for the unquantized types F32, F16 and BF16, and plain float arrays. Dots keep four
 * accumulators (as ggml's {@code GGML_F32_ARR} does) so that consecutive fused multiply-adds do not wait
 * on each other; the tail is scalar.
 */
final class UnquantizedVectors {
    private static final int LANES = FLOATS.length();
    private static final VectorSpecies<Short> SHORTS =
            VectorSpecies.of(short.class, VectorShape.forBitSize(LANES * 16));
    private static final VectorSpecies<Integer> INTS = FLOATS.withLanes(int.class);
    private static final ByteOrder LITTLE = ByteOrder.LITTLE_ENDIAN;

    private UnquantizedVectors() {}

    /** {@code LANES} values of an F32, F16 or BF16 tensor at byte {@code offset}, as floats. */
    private static FloatVector load(TensorType type, MemorySegment data, long offset) {
        return switch (type) {
            case F32 -> FloatVector.fromMemorySegment(FLOATS, data, offset, LITTLE);
            case F16 -> float16ToFloat(ShortVector.fromMemorySegment(SHORTS, data, offset, LITTLE));
            case BF16 ->
                ((IntVector) ShortVector.fromMemorySegment(SHORTS, data, offset, LITTLE)
                                .convertShape(VectorOperators.S2I, INTS, 0))
                        .lanewise(VectorOperators.LSHL, 16)
                        .reinterpretAsFloats();
            default -> throw ScalarTensorKernels.unsupported(type);
        };
    }

    /**
     * Exact F16 → F32 for every encoding, without a hardware conversion the Vector API could reach: the
     * magnitude bits shifted into float position read as a float 2¹¹² times too small — for subnormals
     * too, as Java never flushes them — so one exact multiply fixes the exponent; infinities and NaNs
     * (exponent 31) get the float exponent 255 instead, keeping their payload (NaNs made quiet).
     */
    static FloatVector float16ToFloat(ShortVector halves) {
        IntVector bits = (IntVector) halves.convertShape(VectorOperators.S2I, INTS, 0);
        IntVector magnitude = bits.and(0x7FFF);
        IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
        IntVector finite = shifted.reinterpretAsFloats().mul(0x1.0p112f).reinterpretAsInts();
        IntVector infinityOrNaN = shifted.or(0x7F800000);
        // A signalling NaN comes out quiet, as from the float multiply in ggml and Float.float16ToFloat.
        infinityOrNaN =
                infinityOrNaN.blend(infinityOrNaN.or(0x00400000), magnitude.compare(VectorOperators.GT, 0x7C00));
        VectorMask<Integer> special = magnitude.compare(VectorOperators.GE, 0x7C00);
        IntVector result = finite.blend(infinityOrNaN, special);
        return result.or(bits.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }

    private static long elementBytes(TensorType type) {
        return type == TensorType.F32 ? 4 : 2;
    }

    private static float loadScalar(TensorType type, MemorySegment data, long offset) {
        return switch (type) {
            case F32 -> data.get(BlockLayout.FLOAT, offset);
            case F16 -> Float.float16ToFloat(data.get(BlockLayout.SHORT, offset));
            default -> HalfPrecision.bfloat16ToFloat(data.get(BlockLayout.SHORT, offset));
        };
    }

    private static final ThreadLocal<short[][]> HALVES = ThreadLocal.withInitial(() -> new short[1][0]);

    static void widen(TensorType type, MemorySegment data, long byteOffset, int elements, float[] out, int outOffset) {
        if (type != TensorType.F32) {
            widenHalves(type, data, byteOffset, elements, out, outOffset);
            return;
        }
        long size = elementBytes(type);
        int i = 0;
        for (int bound = FLOATS.loopBound(elements); i < bound; i += LANES) {
            load(type, data, byteOffset + size * i).intoArray(out, outOffset + i);
        }
        for (; i < elements; i++) {
            out[outOffset + i] = loadScalar(type, data, byteOffset + size * i);
        }
    }

    /**
     * F16/BF16 → F32 through a {@code short[]} copy: C2 compiles these plain loops to the hardware conversion
     * ({@code vcvtph2ps}) and to shifts, several times faster than widening shorts to ints in the Vector API.
     * {@link Float#float16ToFloat} is exact for every encoding, so this agrees with the scalar kernels bit for bit.
     */
    private static void widenHalves(
            TensorType type, MemorySegment data, long byteOffset, int elements, float[] out, int outOffset) {
        short[][] holder = HALVES.get();
        if (holder[0].length < elements) {
            holder[0] = new short[elements];
        }
        short[] halves = holder[0];
        MemorySegment.copy(data, BlockLayout.SHORT, byteOffset, halves, 0, elements);
        if (type == TensorType.F16) {
            for (int i = 0; i < elements; i++) {
                out[outOffset + i] = Float.float16ToFloat(halves[i]);
            }
        } else {
            for (int i = 0; i < elements; i++) {
                out[outOffset + i] = Float.intBitsToFloat(halves[i] << 16);
            }
        }
    }

    private static final ThreadLocal<float[][]> WIDENED = ThreadLocal.withInitial(() -> new float[1][0]);

    static float dot(TensorType type, MemorySegment data, long rowOffset, float[] x, int xOffset, int length) {
        if (type != TensorType.F32) {
            float[][] holder = WIDENED.get();
            if (holder[0].length < length) {
                holder[0] = new float[length];
            }
            widenHalves(type, data, rowOffset, length, holder[0], 0);
            return dot(holder[0], 0, x, xOffset, length);
        }
        long size = elementBytes(type);
        FloatVector sum0 = FloatVector.zero(FLOATS);
        FloatVector sum1 = FloatVector.zero(FLOATS);
        FloatVector sum2 = FloatVector.zero(FLOATS);
        FloatVector sum3 = FloatVector.zero(FLOATS);
        int i = 0;
        for (int bound = length - 4 * LANES; i <= bound; i += 4 * LANES) {
            long offset = rowOffset + size * i;
            sum0 = load(type, data, offset).fma(FloatVector.fromArray(FLOATS, x, xOffset + i), sum0);
            sum1 = load(type, data, offset + size * LANES)
                    .fma(FloatVector.fromArray(FLOATS, x, xOffset + i + LANES), sum1);
            sum2 = load(type, data, offset + size * 2 * LANES)
                    .fma(FloatVector.fromArray(FLOATS, x, xOffset + i + 2 * LANES), sum2);
            sum3 = load(type, data, offset + size * 3 * LANES)
                    .fma(FloatVector.fromArray(FLOATS, x, xOffset + i + 3 * LANES), sum3);
        }
        for (int bound = FLOATS.loopBound(length); i < bound; i += LANES) {
            sum0 = load(type, data, rowOffset + size * i).fma(FloatVector.fromArray(FLOATS, x, xOffset + i), sum0);
        }
        float sum = VectorTensorKernels.sumLanes(sum0.add(sum1).add(sum2.add(sum3)));
        for (; i < length; i++) {
            sum += loadScalar(type, data, rowOffset + size * i) * x[xOffset + i];
        }
        return sum;
    }

    static float dot(float[] a, int aOffset, float[] b, int bOffset, int length) {
        FloatVector sum0 = FloatVector.zero(FLOATS);
        FloatVector sum1 = FloatVector.zero(FLOATS);
        FloatVector sum2 = FloatVector.zero(FLOATS);
        FloatVector sum3 = FloatVector.zero(FLOATS);
        int i = 0;
        for (int bound = length - 4 * LANES; i <= bound; i += 4 * LANES) {
            sum0 = FloatVector.fromArray(FLOATS, a, aOffset + i)
                    .fma(FloatVector.fromArray(FLOATS, b, bOffset + i), sum0);
            sum1 = FloatVector.fromArray(FLOATS, a, aOffset + i + LANES)
                    .fma(FloatVector.fromArray(FLOATS, b, bOffset + i + LANES), sum1);
            sum2 = FloatVector.fromArray(FLOATS, a, aOffset + i + 2 * LANES)
                    .fma(FloatVector.fromArray(FLOATS, b, bOffset + i + 2 * LANES), sum2);
            sum3 = FloatVector.fromArray(FLOATS, a, aOffset + i + 3 * LANES)
                    .fma(FloatVector.fromArray(FLOATS, b, bOffset + i + 3 * LANES), sum3);
        }
        for (int bound = FLOATS.loopBound(length); i < bound; i += LANES) {
            sum0 = FloatVector.fromArray(FLOATS, a, aOffset + i)
                    .fma(FloatVector.fromArray(FLOATS, b, bOffset + i), sum0);
        }
        float sum = VectorTensorKernels.sumLanes(sum0.add(sum1).add(sum2.add(sum3)));
        for (; i < length; i++) {
            sum += a[aOffset + i] * b[bOffset + i];
        }
        return sum;
    }
}
