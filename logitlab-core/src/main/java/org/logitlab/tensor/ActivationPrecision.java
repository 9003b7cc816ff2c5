package org.logitlab.tensor;

/**
 * How a {@link WeightMatrix} treats the activation vector before the dot products.
 */
public enum ActivationPrecision {
    /**
     * As llama.cpp's CPU backend does (the default): the activations are first converted to the weight
     * type's {@code vec_dot_type} ({@code type_traits_cpu} in {@code ggml-cpu.c}) — rounded to F16 for F16
     * weights, to BF16 for BF16 weights, quantized to Q8_0 blocks for Q8_0 and Q4_0 weights and to Q8_K
     * blocks for Q4_K and Q6_K weights; F32 weights use the activations as they are. The dot is then
     * integer products per block scaled by the blocks' scales. Use this to reproduce llama.cpp's logits.
     */
    MATCH_LLAMA_CPP,

    /**
     * Full float32 activations: each weight row is dequantized exactly (as ggml's {@code dequantize_row_*})
     * and multiplied with the unrounded activations. Slightly more accurate than llama.cpp, and slower for
     * quantized weights.
     */
    FLOAT32
}
