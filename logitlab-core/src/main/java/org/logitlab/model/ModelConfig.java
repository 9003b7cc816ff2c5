package org.logitlab.model;

import org.logitlab.gguf.GgufFormatException;
import org.logitlab.gguf.GgufMetadata;

/**
 * Hyper-parameters of a Llama-family model, all read from GGUF metadata ({@code <arch>.*} keys).
 *
 * @param headDimension size of one attention head ({@code attention.key_length}, else dim / heads)
 * @param ropeDimensions how many leading dimensions of each head RoPE rotates
 * @param ropeFrequencyScale position multiplier of linear RoPE scaling (1 / scaling factor)
 */
public record ModelConfig(
        Architecture architecture,
        int embeddingLength,
        int layerCount,
        int headCount,
        int keyValueHeadCount,
        int headDimension,
        int feedForwardLength,
        int vocabularySize,
        int contextLength,
        float rmsNormEpsilon,
        float ropeFrequencyBase,
        float ropeFrequencyScale,
        int ropeDimensions) {

    public ModelConfig {
        require(embeddingLength > 0, "embedding_length", embeddingLength);
        require(layerCount > 0, "block_count", layerCount);
        require(headCount > 0, "attention.head_count", headCount);
        require(
                keyValueHeadCount > 0 && headCount % keyValueHeadCount == 0,
                "attention.head_count_kv",
                keyValueHeadCount);
        require(headDimension > 0, "attention.key_length", headDimension);
        require(feedForwardLength > 0, "feed_forward_length", feedForwardLength);
        require(vocabularySize > 0, "vocab_size", vocabularySize);
        require(contextLength > 0, "context_length", contextLength);
        require(
                ropeDimensions > 0 && ropeDimensions <= headDimension && ropeDimensions % 2 == 0,
                "rope.dimension_count",
                ropeDimensions);
    }

    private static void require(boolean valid, String key, Object value) {
        if (!valid) {
            throw new GgufFormatException("invalid hyper-parameter " + key + " = " + value);
        }
    }

    /** The same model with only its first {@code count} layers (an early-exit view, {@link Model#firstLayers}). */
    public ModelConfig withLayerCount(int count) {
        return new ModelConfig(
                architecture,
                embeddingLength,
                count,
                headCount,
                keyValueHeadCount,
                headDimension,
                feedForwardLength,
                vocabularySize,
                contextLength,
                rmsNormEpsilon,
                ropeFrequencyBase,
                ropeFrequencyScale,
                ropeDimensions);
    }

    public int keyValueDimension() {
        return keyValueHeadCount * headDimension;
    }

    public int queryDimension() {
        return headCount * headDimension;
    }

    /** Reads every hyper-parameter from metadata; {@code vocabularySize} comes from the embedding tensor. */
    public static ModelConfig fromMetadata(GgufMetadata metadata, String source, int vocabularySize) {
        String name = metadata.string("general.architecture")
                .orElseThrow(
                        () -> new GgufFormatException(source + ": metadata key 'general.architecture' is missing"));
        Architecture architecture = Architecture.fromGgufName(name)
                .orElseThrow(() -> new GgufFormatException(source + ": architecture '" + name
                        + "' is not supported (supported: " + Architecture.supportedNames() + ")"));
        String prefix = name + ".";
        int embedding = (int) metadata.requireInteger(prefix + "embedding_length");
        int heads = (int) metadata.requireInteger(prefix + "attention.head_count");
        int kvHeads = (int) metadata.integer(prefix + "attention.head_count_kv").orElse(heads);
        int headDimension =
                (int) metadata.integer(prefix + "attention.key_length").orElse(heads > 0 ? embedding / heads : 0);
        long valueLength = metadata.integer(prefix + "attention.value_length").orElse(headDimension);
        if (valueLength != headDimension) {
            throw new GgufFormatException(source + ": attention.value_length " + valueLength
                    + " differs from attention.key_length " + headDimension + "; not supported");
        }
        float scale = 1.0f;
        String scalingType = metadata.string(prefix + "rope.scaling.type").orElse("none");
        switch (scalingType) {
            case "none" -> {}
            case "linear" -> {
                double factor = metadata.number(prefix + "rope.scaling.factor").orElse(1.0);
                if (factor <= 0) {
                    throw new GgufFormatException(source + ": rope.scaling.factor = " + factor + " must be positive");
                }
                scale = (float) (1.0 / factor);
            }
            default ->
                throw new GgufFormatException(source + ": rope.scaling.type '" + scalingType
                        + "' is not supported yet (supported: none, linear)");
        }
        if (metadata.contains(prefix + "rope.freq_scale")) {
            scale = (float) metadata.number(prefix + "rope.freq_scale").getAsDouble();
        }
        return new ModelConfig(
                architecture,
                embedding,
                (int) metadata.requireInteger(prefix + "block_count"),
                heads,
                kvHeads,
                headDimension,
                (int) metadata.requireInteger(prefix + "feed_forward_length"),
                vocabularySize,
                (int) metadata.integer(prefix + "context_length").orElse(2048),
                (float) metadata.number(prefix + "attention.layer_norm_rms_epsilon")
                        .orElse(1e-5),
                (float) metadata.number(prefix + "rope.freq_base").orElse(10000.0),
                scale,
                (int) metadata.integer(prefix + "rope.dimension_count").orElse(headDimension));
    }
}
