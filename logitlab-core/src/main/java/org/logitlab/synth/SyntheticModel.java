package org.logitlab.synth;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import org.logitlab.gguf.GgufFormatException;
import org.logitlab.gguf.GgufMetadata;
import org.logitlab.gguf.GgufWriter;
import org.logitlab.model.Architecture;
import org.logitlab.tensor.TensorType;

/**
 * Writes a GGUF model with seeded random weights (N(0, std²), norms 1) and a real vocabulary copied from
 * another GGUF file, so benchmarks at realistic sizes need no download. The files follow llama.cpp's
 * tensor names and metadata keys, so llama.cpp loads them too.
 *
 * @param vocabularySize number of tokens to keep from the vocabulary source (0 = all of them)
 */
public record SyntheticModel(
        Architecture architecture,
        int embeddingLength,
        int layerCount,
        int headCount,
        int keyValueHeadCount,
        int feedForwardLength,
        int vocabularySize,
        int contextLength,
        TensorType type,
        long seed,
        float standardDeviation) {

    public SyntheticModel {
        requirePositive("dim", embeddingLength);
        requirePositive("layers", layerCount);
        requirePositive("heads", headCount);
        requirePositive("kv-heads", keyValueHeadCount);
        requirePositive("ffn", feedForwardLength);
        requirePositive("ctx", contextLength);
        if (vocabularySize < 0) {
            throw new IllegalArgumentException("vocab must be >= 0 (0 = the source's size), got " + vocabularySize);
        }
        if (embeddingLength % headCount != 0 || (embeddingLength / headCount) % 2 != 0) {
            throw new IllegalArgumentException(
                    "dim " + embeddingLength + " must split into " + headCount + " heads of even size");
        }
        if (headCount % keyValueHeadCount != 0) {
            throw new IllegalArgumentException(
                    "heads " + headCount + " must be a multiple of kv-heads " + keyValueHeadCount);
        }
        if (!WeightQuantizer.supports(type)) {
            throw new IllegalArgumentException(
                    "type " + type + " is not supported by synth (supported: f32, f16, bf16, q8_0, q4_0)");
        }
        if (type.quantized()
                && (embeddingLength % type.blockSize() != 0 || feedForwardLength % type.blockSize() != 0)) {
            throw new IllegalArgumentException("dim and ffn must be multiples of " + type.blockSize() + " for " + type);
        }
        if (!(standardDeviation > 0)) {
            throw new IllegalArgumentException("std must be positive, got " + standardDeviation);
        }
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    /** Number of weights the file will hold. */
    public long parameterCount(int vocabulary) {
        long headDim = embeddingLength / headCount;
        long kvDim = keyValueHeadCount * headDim;
        long perLayer = 2L * embeddingLength * embeddingLength
                + 2L * embeddingLength * kvDim
                + 3L * embeddingLength * feedForwardLength
                + 2L * embeddingLength;
        return layerCount * perLayer + 2L * vocabulary * embeddingLength + embeddingLength;
    }

    /**
     * Writes the model to {@code out}; {@code progress} receives the number of tensors written so far.
     *
     * @param vocabularySource metadata holding {@code tokenizer.*} keys to copy
     */
    public void write(GgufMetadata vocabularySource, Path out, IntConsumer progress) throws IOException {
        String[] tokens = vocabularySource
                .stringArray("tokenizer.ggml.tokens")
                .orElseThrow(() -> new GgufFormatException("vocabulary source has no tokenizer.ggml.tokens"));
        int vocabulary = vocabularySize == 0 ? tokens.length : vocabularySize;
        if (vocabulary > tokens.length) {
            throw new IllegalArgumentException(
                    "vocab " + vocabulary + " exceeds the source vocabulary's " + tokens.length + " tokens");
        }
        if (vocabulary != tokens.length) {
            throw new IllegalArgumentException(
                    "vocab " + vocabulary + " differs from the source vocabulary's " + tokens.length
                            + " tokens; a truncated vocabulary would break its merges (omit --vocab or pick another source)");
        }
        String arch = architecture.ggufName();
        int headDim = embeddingLength / headCount;
        int kvDim = keyValueHeadCount * headDim;
        GgufWriter writer = new GgufWriter()
                .putString("general.architecture", arch)
                .putString("general.name", "logitlab-synth-" + arch)
                .putString(
                        "general.description",
                        "synthetic random weights (seed " + seed + ", std " + standardDeviation + ") for benchmarks")
                .putUint32("general.file_type", fileType(type))
                .putUint32("general.quantization_version", 2)
                .putUint32(arch + ".context_length", contextLength)
                .putUint32(arch + ".embedding_length", embeddingLength)
                .putUint32(arch + ".block_count", layerCount)
                .putUint32(arch + ".feed_forward_length", feedForwardLength)
                .putUint32(arch + ".attention.head_count", headCount)
                .putUint32(arch + ".attention.head_count_kv", keyValueHeadCount)
                .putFloat32(arch + ".attention.layer_norm_rms_epsilon", 1e-6f)
                .putFloat32(arch + ".rope.freq_base", architecture == Architecture.LLAMA ? 10000f : 1000000f)
                .putUint32(arch + ".vocab_size", vocabulary)
                .copyMetadata(vocabularySource, "tokenizer.");
        SplittableRandom random = new SplittableRandom(seed);
        int[] written = {0};
        Runnable step = () -> progress.accept(++written[0]);
        matrix(writer, "token_embd.weight", embeddingLength, vocabulary, random, step);
        ones(writer, "output_norm.weight", embeddingLength, step);
        matrix(writer, "output.weight", embeddingLength, vocabulary, random, step);
        for (int layer = 0; layer < layerCount; layer++) {
            String p = "blk." + layer + ".";
            ones(writer, p + "attn_norm.weight", embeddingLength, step);
            matrix(writer, p + "attn_q.weight", embeddingLength, embeddingLength, random, step);
            matrix(writer, p + "attn_k.weight", embeddingLength, kvDim, random, step);
            matrix(writer, p + "attn_v.weight", embeddingLength, kvDim, random, step);
            if (architecture.qkvBias()) {
                vector(writer, p + "attn_q.bias", embeddingLength, random, step);
                vector(writer, p + "attn_k.bias", kvDim, random, step);
                vector(writer, p + "attn_v.bias", kvDim, random, step);
            }
            if (architecture.qkNorm()) {
                ones(writer, p + "attn_q_norm.weight", headDim, step);
                ones(writer, p + "attn_k_norm.weight", headDim, step);
            }
            matrix(writer, p + "attn_output.weight", embeddingLength, embeddingLength, random, step);
            ones(writer, p + "ffn_norm.weight", embeddingLength, step);
            matrix(writer, p + "ffn_gate.weight", embeddingLength, feedForwardLength, random, step);
            matrix(writer, p + "ffn_up.weight", embeddingLength, feedForwardLength, random, step);
            matrix(writer, p + "ffn_down.weight", feedForwardLength, embeddingLength, random, step);
        }
        writer.write(out);
    }

    /** Total tensors {@link #write} produces (for progress bars). */
    public int tensorCount() {
        int perLayer = 9 + (architecture.qkvBias() ? 3 : 0) + (architecture.qkNorm() ? 2 : 0);
        return 3 + layerCount * perLayer;
    }

    private void matrix(GgufWriter writer, String name, int columns, int rows, SplittableRandom random, Runnable step) {
        float[] values = gaussian(random, columns * rows);
        writer.addTensor(name, type, new long[] {columns, rows}, WeightQuantizer.encode(values, type));
        step.run();
    }

    private void vector(GgufWriter writer, String name, int length, SplittableRandom random, Runnable step) {
        writer.addTensor(
                name,
                TensorType.F32,
                new long[] {length},
                WeightQuantizer.encode(gaussian(random, length), TensorType.F32));
        step.run();
    }

    private static void ones(GgufWriter writer, String name, int length, Runnable step) {
        float[] values = new float[length];
        java.util.Arrays.fill(values, 1f);
        writer.addTensor(name, TensorType.F32, new long[] {length}, WeightQuantizer.encode(values, TensorType.F32));
        step.run();
    }

    private float[] gaussian(SplittableRandom random, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (random.nextGaussian() * standardDeviation);
        }
        return values;
    }

    /** llama_ftype numbers ("mostly" type) as llama.cpp writes them into general.file_type. */
    private static int fileType(TensorType type) {
        return switch (type) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q8_0 -> 7;
            case BF16 -> 32;
            default -> throw new IllegalArgumentException("no file type for " + type);
        };
    }
}
