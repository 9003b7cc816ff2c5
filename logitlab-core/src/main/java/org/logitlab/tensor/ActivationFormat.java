package org.logitlab.tensor;

/** The form activations take before a dot with weights of a given type (ggml's {@code vec_dot_type}). */
enum ActivationFormat {
    /** Used as given. */
    FLOAT32(1),
    /** Rounded to F16 and widened back: products and sums are then exactly ggml's F16 × F16. */
    FLOAT16_ROUNDED(1),
    /** Rounded to BF16 (ggml's round-to-nearest-even) and widened back. */
    BFLOAT16_ROUNDED(1),
    /** Blocks of 32: an F16 scale and 32 integers in [-127, 127] ({@code block_q8_0}). */
    Q8_0(32),
    /**
     * {@code block_q8_1}: as {@link #Q8_0} plus, per block, {@code s = d·Σq} (F16), which the Q4_1/Q5_1
     * dots multiply with the weights' block minimum.
     */
    Q8_1(32),
    /** Blocks of 256: a float scale, 256 integers and 16 sums of 16 ({@code block_q8_K}). */
    Q8_K(256);

    final int blockSize;

    ActivationFormat(int blockSize) {
        this.blockSize = blockSize;
    }

    /** The format ggml's CPU backend converts activations to for weights of {@code type}. */
    static ActivationFormat forWeights(TensorType type, ActivationPrecision precision) {
        if (precision == ActivationPrecision.FLOAT32) {
            return FLOAT32;
        }
        return switch (type) {
            case F32 -> FLOAT32;
            case F16 -> FLOAT16_ROUNDED;
            case BF16 -> BFLOAT16_ROUNDED;
            case Q8_0, Q4_0, Q5_0 -> Q8_0;
            case Q4_1, Q5_1 -> Q8_1;
            case Q4_K, Q6_K -> Q8_K;
            default -> throw new IllegalArgumentException("no activation format for weight type " + type);
        };
    }
}
