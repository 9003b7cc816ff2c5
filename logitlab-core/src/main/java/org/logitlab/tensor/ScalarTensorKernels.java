package org.logitlab.tensor;

import static org.logitlab.tensor.BlockLayout.FLOAT;
import static org.logitlab.tensor.BlockLayout.Q4_0_BYTES;
import static org.logitlab.tensor.BlockLayout.Q4_1_BYTES;
import static org.logitlab.tensor.BlockLayout.Q4_K_BYTES;
import static org.logitlab.tensor.BlockLayout.Q4_K_QUANTS;
import static org.logitlab.tensor.BlockLayout.Q5_0_BYTES;
import static org.logitlab.tensor.BlockLayout.Q5_1_BYTES;
import static org.logitlab.tensor.BlockLayout.Q6_K_BYTES;
import static org.logitlab.tensor.BlockLayout.Q6_K_D;
import static org.logitlab.tensor.BlockLayout.Q6_K_SCALES;
import static org.logitlab.tensor.BlockLayout.Q8_0_BYTES;
import static org.logitlab.tensor.BlockLayout.SHORT;
import static org.logitlab.tensor.BlockLayout.float16;
import static org.logitlab.tensor.BlockLayout.q4kMin;
import static org.logitlab.tensor.BlockLayout.q4kScale;
import static org.logitlab.tensor.BlockLayout.q5HighBits;
import static org.logitlab.tensor.BlockLayout.q5Quant;
import static org.logitlab.tensor.BlockLayout.q6kQuant;
import static org.logitlab.tensor.BlockLayout.signedByte;
import static org.logitlab.tensor.BlockLayout.unsignedByte;

import java.lang.foreign.MemorySegment;

/**
 * The reference kernels: one element at a time, following ggml's portable C ({@code dequantize_row_*} in
 * {@code ggml-quants.c}, {@code ggml_vec_dot_*_generic} in {@code ggml-cpu/quants.c}). Quantized dots sum
 * integer products per block exactly and accumulate {@code scale × integer sum} in float, block after block.
 */
final class ScalarTensorKernels implements TensorKernels {
    static final ScalarTensorKernels INSTANCE = new ScalarTensorKernels();

    private ScalarTensorKernels() {}

    @Override
    public void dequantize(
            TensorType type, MemorySegment data, long byteOffset, int elements, float[] out, int outOffset) {
        switch (type) {
            case F32 -> {
                for (int i = 0; i < elements; i++) {
                    out[outOffset + i] = data.get(FLOAT, byteOffset + 4L * i);
                }
            }
            case F16 -> {
                for (int i = 0; i < elements; i++) {
                    out[outOffset + i] = Float.float16ToFloat(data.get(SHORT, byteOffset + 2L * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < elements; i++) {
                    out[outOffset + i] = HalfPrecision.bfloat16ToFloat(data.get(SHORT, byteOffset + 2L * i));
                }
            }
            case Q8_0 -> {
                for (int block = 0; block < elements / 32; block++) {
                    long offset = byteOffset + (long) block * Q8_0_BYTES;
                    float d = float16(data, offset);
                    for (int i = 0; i < 32; i++) {
                        out[outOffset + block * 32 + i] = signedByte(data, offset + 2 + i) * d;
                    }
                }
            }
            case Q4_0 -> {
                for (int block = 0; block < elements / 32; block++) {
                    long offset = byteOffset + (long) block * Q4_0_BYTES;
                    float d = float16(data, offset);
                    int base = outOffset + block * 32;
                    for (int j = 0; j < 16; j++) {
                        int packed = unsignedByte(data, offset + 2 + j);
                        out[base + j] = ((packed & 0xF) - 8) * d;
                        out[base + j + 16] = ((packed >>> 4) - 8) * d;
                    }
                }
            }
            case Q4_1 -> {
                for (int block = 0; block < elements / 32; block++) {
                    long offset = byteOffset + (long) block * Q4_1_BYTES;
                    float d = float16(data, offset);
                    float m = float16(data, offset + 2);
                    int base = outOffset + block * 32;
                    for (int j = 0; j < 16; j++) {
                        int packed = unsignedByte(data, offset + 4 + j);
                        out[base + j] = (packed & 0xF) * d + m;
                        out[base + j + 16] = (packed >>> 4) * d + m;
                    }
                }
            }
            case Q5_0 -> {
                for (int block = 0; block < elements / 32; block++) {
                    long offset = byteOffset + (long) block * Q5_0_BYTES;
                    float d = float16(data, offset);
                    int highBits = q5HighBits(data, offset + 2);
                    for (int e = 0; e < 32; e++) {
                        out[outOffset + block * 32 + e] = (q5Quant(data, offset + 6, highBits, e) - 16) * d;
                    }
                }
            }
            case Q5_1 -> {
                for (int block = 0; block < elements / 32; block++) {
                    long offset = byteOffset + (long) block * Q5_1_BYTES;
                    float d = float16(data, offset);
                    float m = float16(data, offset + 2);
                    int highBits = q5HighBits(data, offset + 4);
                    for (int e = 0; e < 32; e++) {
                        out[outOffset + block * 32 + e] = q5Quant(data, offset + 8, highBits, e) * d + m;
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
                        // ggml computes d·scale and dmin·min in float first, then scale·q − min.
                        float scaleLow = d * q4kScale(data, offset, 2 * pair);
                        float minLow = dmin * q4kMin(data, offset, 2 * pair);
                        float scaleHigh = d * q4kScale(data, offset, 2 * pair + 1);
                        float minHigh = dmin * q4kMin(data, offset, 2 * pair + 1);
                        for (int l = 0; l < 32; l++) {
                            int packed = unsignedByte(data, offset + Q4_K_QUANTS + 32L * pair + l);
                            out[base + 64 * pair + l] = scaleLow * (packed & 0xF) - minLow;
                            out[base + 64 * pair + 32 + l] = scaleHigh * (packed >>> 4) - minHigh;
                        }
                    }
                }
            }
            case Q6_K -> {
                for (int block = 0; block < elements / 256; block++) {
                    long offset = byteOffset + (long) block * Q6_K_BYTES;
                    float d = float16(data, offset + Q6_K_D);
                    int base = outOffset + block * 256;
                    for (int e = 0; e < 256; e++) {
                        int scale = signedByte(data, offset + Q6_K_SCALES + e / 16);
                        out[base + e] = d * scale * (q6kQuant(data, offset, e) - 32);
                    }
                }
            }
            default -> throw unsupported(type);
        }
    }

    @Override
    public float dot(TensorType type, MemorySegment data, long rowOffset, Activations activations, int token) {
        int columns = activations.columns;
        float[] a = activations.values;
        int aStart = activations.valuesStart(token);
        return switch (type) {
            case F32 -> {
                float sum = 0;
                for (int i = 0; i < columns; i++) {
                    sum += data.get(FLOAT, rowOffset + 4L * i) * a[aStart + i];
                }
                yield sum;
            }
            case F16 -> {
                float sum = 0;
                for (int i = 0; i < columns; i++) {
                    sum += Float.float16ToFloat(data.get(SHORT, rowOffset + 2L * i)) * a[aStart + i];
                }
                yield sum;
            }
            case BF16 -> {
                float sum = 0;
                for (int i = 0; i < columns; i++) {
                    sum += HalfPrecision.bfloat16ToFloat(data.get(SHORT, rowOffset + 2L * i)) * a[aStart + i];
                }
                yield sum;
            }
            case Q8_0 -> dotQ8_0(data, rowOffset, activations, token);
            case Q4_0 -> dotQ4_0(data, rowOffset, activations, token);
            case Q4_1 -> dotQ4_1(data, rowOffset, activations, token);
            case Q5_0 -> dotQ5_0(data, rowOffset, activations, token);
            case Q5_1 -> dotQ5_1(data, rowOffset, activations, token);
            case Q4_K -> dotQ4_K(data, rowOffset, activations, token);
            case Q6_K -> dotQ6_K(data, rowOffset, activations, token);
            default -> throw unsupported(type);
        };
    }

    private static float dotQ8_0(MemorySegment data, long rowOffset, Activations activations, int token) {
        float[] a = activations.values;
        int aStart = activations.valuesStart(token);
        int scales = activations.scalesStart(token);
        float sum = 0;
        for (int block = 0; block < activations.columns / 32; block++) {
            long offset = rowOffset + (long) block * Q8_0_BYTES;
            int sumi = 0;
            for (int i = 0; i < 32; i++) {
                sumi += signedByte(data, offset + 2 + i) * (int) a[aStart + block * 32 + i];
            }
            sum += sumi * (float16(data, offset) * activations.scales[scales + block]);
        }
        return sum;
    }

    private static float dotQ4_0(MemorySegment data, long rowOffset, Activations activations, int token) {
        float[] a = activations.values;
        int aStart = activations.valuesStart(token);
        int scales = activations.scalesStart(token);
        float sum = 0;
        for (int block = 0; block < activations.columns / 32; block++) {
            long offset = rowOffset + (long) block * Q4_0_BYTES;
            int base = aStart + block * 32;
            int sumi = 0;
            for (int j = 0; j < 16; j++) {
                int packed = unsignedByte(data, offset + 2 + j);
                sumi += ((packed & 0xF) - 8) * (int) a[base + j] + ((packed >>> 4) - 8) * (int) a[base + j + 16];
            }
            // The AVX2 kernel multiplies the two scales first (the generic C multiplies sumi by each in turn).
            sum += sumi * (float16(data, offset) * activations.scales[scales + block]);
        }
        return sum;
    }

    /** As ggml's AVX2 {@code ggml_vec_dot_q4_1_q8_1}: Σ d_x·d_y·Σq_x·q_y + Σ m_x·s_y, the two sums apart. */
    private static float dotQ4_1(MemorySegment data, long rowOffset, Activations activations, int token) {
        float[] a = activations.values;
        int aStart = activations.valuesStart(token);
        int scales = activations.scalesStart(token);
        float sum = 0;
        float minimums = 0;
        for (int block = 0; block < activations.columns / 32; block++) {
            long offset = rowOffset + (long) block * Q4_1_BYTES;
            int base = aStart + block * 32;
            int sumi = 0;
            for (int j = 0; j < 16; j++) {
                int packed = unsignedByte(data, offset + 4 + j);
                sumi += (packed & 0xF) * (int) a[base + j] + (packed >>> 4) * (int) a[base + j + 16];
            }
            sum += sumi * (float16(data, offset) * activations.scales[scales + block]);
            minimums += float16(data, offset + 2) * activations.blockSums[scales + block];
        }
        return sum + minimums;
    }

    /** As ggml's AVX2 {@code ggml_vec_dot_q5_0_q8_0}: like Q4_0 with 5-bit quants offset by 16. */
    private static float dotQ5_0(MemorySegment data, long rowOffset, Activations activations, int token) {
        float[] a = activations.values;
        int aStart = activations.valuesStart(token);
        int scales = activations.scalesStart(token);
        float sum = 0;
        for (int block = 0; block < activations.columns / 32; block++) {
            long offset = rowOffset + (long) block * Q5_0_BYTES;
            int highBits = q5HighBits(data, offset + 2);
            int base = aStart + block * 32;
            int sumi = 0;
            for (int e = 0; e < 32; e++) {
                sumi += (q5Quant(data, offset + 6, highBits, e) - 16) * (int) a[base + e];
            }
            sum += sumi * (float16(data, offset) * activations.scales[scales + block]);
        }
        return sum;
    }

    /** As ggml's AVX2 {@code ggml_vec_dot_q5_1_q8_1}. */
    private static float dotQ5_1(MemorySegment data, long rowOffset, Activations activations, int token) {
        float[] a = activations.values;
        int aStart = activations.valuesStart(token);
        int scales = activations.scalesStart(token);
        float sum = 0;
        float minimums = 0;
        for (int block = 0; block < activations.columns / 32; block++) {
            long offset = rowOffset + (long) block * Q5_1_BYTES;
            int highBits = q5HighBits(data, offset + 4);
            int base = aStart + block * 32;
            int sumi = 0;
            for (int e = 0; e < 32; e++) {
                sumi += q5Quant(data, offset + 8, highBits, e) * (int) a[base + e];
            }
            sum += sumi * (float16(data, offset) * activations.scales[scales + block]);
            minimums += float16(data, offset + 2) * activations.blockSums[scales + block];
        }
        return sum + minimums;
    }

    private static float dotQ4_K(MemorySegment data, long rowOffset, Activations activations, int token) {
        float[] a = activations.values;
        int aStart = activations.valuesStart(token);
        int scales = activations.scalesStart(token);
        int groupSums = activations.groupSumsStart(token);
        float sum = 0;
        for (int block = 0; block < activations.columns / 256; block++) {
            long offset = rowOffset + (long) block * Q4_K_BYTES;
            int base = aStart + block * 256;
            int scaled = 0;
            for (int pair = 0; pair < 4; pair++) {
                int low = 0;
                int high = 0;
                for (int l = 0; l < 32; l++) {
                    int packed = unsignedByte(data, offset + Q4_K_QUANTS + 32L * pair + l);
                    low += (packed & 0xF) * (int) a[base + 64 * pair + l];
                    high += (packed >>> 4) * (int) a[base + 64 * pair + 32 + l];
                }
                scaled += q4kScale(data, offset, 2 * pair) * low + q4kScale(data, offset, 2 * pair + 1) * high;
            }
            // Σ min·q8 over a sub-block of 32 is min × (sum of its two 16-element group sums).
            int minimums = 0;
            for (int group = 0; group < 16; group++) {
                minimums += activations.groupSums[groupSums + block * 16 + group] * q4kMin(data, offset, group / 2);
            }
            float activationScale = activations.scales[scales + block];
            sum += float16(data, offset) * activationScale * scaled;
            sum -= float16(data, offset + 2) * activationScale * minimums;
        }
        return sum;
    }

    private static float dotQ6_K(MemorySegment data, long rowOffset, Activations activations, int token) {
        float[] a = activations.values;
        int aStart = activations.valuesStart(token);
        int scales = activations.scalesStart(token);
        float sum = 0;
        for (int block = 0; block < activations.columns / 256; block++) {
            long offset = rowOffset + (long) block * Q6_K_BYTES;
            int base = aStart + block * 256;
            int scaled = 0;
            for (int group = 0; group < 16; group++) {
                int groupSum = 0;
                for (int i = 0; i < 16; i++) {
                    int e = group * 16 + i;
                    groupSum += (q6kQuant(data, offset, e) - 32) * (int) a[base + e];
                }
                scaled += signedByte(data, offset + Q6_K_SCALES + group) * groupSum;
            }
            sum += float16(data, offset + Q6_K_D) * activations.scales[scales + block] * scaled;
        }
        return sum;
    }

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
        ActivationQuantizer.quantizeQ8_0(x, xOffset, length, quants, quantsOffset, scales, scalesOffset);
        for (int block = 0; block < length / ActivationQuantizer.Q8_0_BLOCK; block++) {
            int start = quantsOffset + block * ActivationQuantizer.Q8_0_BLOCK;
            int sum = 0;
            for (int i = start; i < start + ActivationQuantizer.Q8_0_BLOCK; i++) {
                sum += (int) quants[i];
            }
            blockSums[blockSumsOffset + block] = sum;
        }
    }

    @Override
    public float dot(float[] a, int aOffset, float[] b, int bOffset, int length) {
        float sum = 0;
        for (int i = 0; i < length; i++) {
            sum += a[aOffset + i] * b[bOffset + i];
        }
        return sum;
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
        java.util.Arrays.fill(out, outOffset, outOffset + length, 0f);
        for (int j = 0; j < count; j++) {
            if (weights[j] != 0f) {
                axpy(weights[j], rows, rowsOffset + j * rowStride, out, outOffset, length);
            }
        }
    }

    @Override
    public void axpy(float alpha, float[] x, int xOffset, float[] y, int yOffset, int length) {
        for (int i = 0; i < length; i++) {
            // Fused, as ggml_vec_mad_f32's GGML_F32_VEC_FMA, so that scalar and vector agree exactly.
            y[yOffset + i] = Math.fma(alpha, x[xOffset + i], y[yOffset + i]);
        }
    }

    static IllegalArgumentException unsupported(TensorType type) {
        return new IllegalArgumentException(
                "no kernel for tensor type " + type + "; supported: " + TensorType.computableNames());
    }
}
