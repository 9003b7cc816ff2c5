package org.logitlab.model;

import org.logitlab.tensor.WeightMatrix;

/**
 * Weights of one transformer block. Biases and Q/K norms are null when the architecture has none; norm
 * weights and biases are dequantized to float arrays once at load time (they are tiny and read per token).
 */
record LayerWeights(
        float[] attentionNorm,
        WeightMatrix query,
        WeightMatrix key,
        WeightMatrix value,
        float[] queryBias,
        float[] keyBias,
        float[] valueBias,
        float[] queryNorm,
        float[] keyNorm,
        WeightMatrix attentionOutput,
        float[] feedForwardNorm,
        WeightMatrix gate,
        WeightMatrix up,
        WeightMatrix down) {

    /** Query, key and value, which multiply the same normalised input in one job. */
    WeightMatrix[] queryKeyValue() {
        return new WeightMatrix[] {query, key, value};
    }
}
