package org.logitlab.tensor;

/**
 * Float32 vector helpers for the forward pass (attention scores, weighted sums of values, residuals),
 * vectorized when {@link VectorSupport#enabled()}, scalar otherwise.
 */
public final class FloatKernels {
    private static final TensorKernels KERNELS = TensorKernels.preferred();

    private FloatKernels() {}

    /** Σ a[aOffset + i]·b[bOffset + i] over {@code i < length}, accumulated in float. */
    public static float dot(float[] a, int aOffset, float[] b, int bOffset, int length) {
        return KERNELS.dot(a, aOffset, b, bOffset, length);
    }

    /**
     * out[outOffset + i] = Σ<sub>j &lt; count</sub> weights[j]·rows[rowsOffset + j·rowStride + i] for {@code i <
     * length}: {@link #axpy} from zero for every row of nonzero weight, with the output kept in registers.
     */
    public static void weightedSum(
            float[] weights,
            int count,
            float[] rows,
            int rowsOffset,
            int rowStride,
            float[] out,
            int outOffset,
            int length) {
        KERNELS.weightedSum(weights, count, rows, rowsOffset, rowStride, out, outOffset, length);
    }

    /** {@link TensorKernels#weightedSums}: attention's weighted sums of value rows for several queries at once. */
    public static void weightedSums(
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
        KERNELS.weightedSums(weights, counts, queries, rows, rowsOffset, rowStride, out, outOffset, outStride, length);
    }

    /** y[yOffset + i] += alpha·x[xOffset + i] (fused multiply-add, as ggml's {@code ggml_vec_mad_f32}). */
    public static void axpy(float alpha, float[] x, int xOffset, float[] y, int yOffset, int length) {
        KERNELS.axpy(alpha, x, xOffset, y, yOffset, length);
    }
}
