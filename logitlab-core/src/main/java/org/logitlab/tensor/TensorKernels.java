package org.logitlab.tensor;

import java.lang.foreign.MemorySegment;

/**
 * Dequantization and row-dot kernels for every computable {@link TensorType}, over weights held in a
 * {@link MemorySegment} in ggml's little-endian block layouts ({@code ggml-common.h}).
 *
 * <p>Two implementations: {@link ScalarTensorKernels}, the reference written to mirror ggml's portable C,
 * and {@link VectorTensorKernels} (Vector API), which tests compare against the reference on odd sizes.
 * {@link #preferred()} chooses between them once, as Lucene's vectorization provider does.
 */
sealed interface TensorKernels permits ScalarTensorKernels, VectorTensorKernels {

    /**
     * Writes {@code elements} values (a whole number of blocks) of the tensor whose bytes start at {@code
     * byteOffset} to {@code out[outOffset ...]}, exactly as ggml's {@code dequantize_row_*}.
     */
    void dequantize(TensorType type, MemorySegment data, long byteOffset, int elements, float[] out, int outOffset);

    /**
     * The dot product of the weight row at {@code rowOffset} (of {@code activations.columns} elements) with
     * token {@code token} of {@code activations}, which must be in the weight type's format ({@link
     * ActivationFormat#forWeights}); F32, F16 and BF16 rows accept any float format.
     */
    float dot(TensorType type, MemorySegment data, long rowOffset, Activations activations, int token);

    /**
     * Quantizes {@code length} activations (whole blocks of 32) to Q8_0 exactly as {@link
     * ActivationQuantizer#quantizeQ8_0} does, and writes each block's sum of its integer quants to {@code
     * blockSums[blockSumsOffset ...]}.
     */
    void quantizeQ8_0(
            float[] x,
            int xOffset,
            int length,
            float[] quants,
            int quantsOffset,
            float[] scales,
            int scalesOffset,
            int[] blockSums,
            int blockSumsOffset);

    /** Σ a[aOffset + i]·b[bOffset + i] over {@code i < length}. */
    float dot(float[] a, int aOffset, float[] b, int bOffset, int length);

    /**
     * Overwrites {@code out[outOffset + i]} ({@code i < length}) with Σ<sub>j</sub> weights[j]·rows[rowsOffset +
     * j·rowStride + i] over {@code j < count}, as {@link #axpy} row after row from zero would (the same fused
     * multiply-adds in the same order, rows whose weight is 0 skipped), so both implementations agree bit for bit.
     */
    void weightedSum(
            float[] weights,
            int count,
            float[] rows,
            int rowsOffset,
            int rowStride,
            float[] out,
            int outOffset,
            int length);

    /**
     * {@link #weightedSum} for several queries over the same rows: query q sums its first {@code counts[q]} rows
     * with {@code weights[q]} into {@code out[outOffset + q·outStride + i]}. Each query gets exactly what {@link
     * #weightedSum} gives it alone (the same fused multiply-adds in the same order, zero weights skipped); an
     * implementation may read each row once for several queries.
     */
    default void weightedSums(
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
        for (int q = 0; q < queries; q++) {
            weightedSum(weights[q], counts[q], rows, rowsOffset, rowStride, out, outOffset + q * outStride, length);
        }
    }

    /** y[yOffset + i] += alpha·x[xOffset + i] over {@code i < length}. */
    void axpy(float alpha, float[] x, int xOffset, float[] y, int yOffset, int length);

    /** The vector kernels when {@link VectorSupport} says they are usable, else the scalar ones. */
    static TensorKernels preferred() {
        return VectorSupport.enabled() ? VectorTensorKernels.INSTANCE : ScalarTensorKernels.INSTANCE;
    }

    static TensorKernels scalar() {
        return ScalarTensorKernels.INSTANCE;
    }
}
