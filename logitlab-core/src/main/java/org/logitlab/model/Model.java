package org.logitlab.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.logitlab.gguf.GgufFile;
import org.logitlab.gguf.GgufFormatException;
import org.logitlab.gguf.GgufTensor;
import org.logitlab.session.Session;
import org.logitlab.tensor.ActivationPrecision;
import org.logitlab.tensor.WeightMatrix;
import org.logitlab.tokenizer.Tokenizer;

/**
 * An immutable Llama-family model: configuration and weights (views of the mapped GGUF file). Shareable
 * across threads; all mutable state lives in {@link Session}s. Closing the model unmaps the file.
 */
public final class Model implements AutoCloseable {
    /** Class-path location of the embedded default model (stories260K, MIT; see models/README.md). */
    public static final String EMBEDDED_RESOURCE = "/org/logitlab/models/stories260K.gguf";

    private final GgufFile file;
    private final ModelConfig config;
    private final WeightMatrix tokenEmbedding;
    private final List<LayerWeights> layers;
    private final float[] outputNorm;
    private final WeightMatrix output;
    private final Tokenizer tokenizer;

    private final ActivationPrecision precision;
    /** Null for a loaded model; for an early-exit view ({@link #firstLayers}), the model it shares everything with. */
    private final Model full;

    private Model(GgufFile file, ActivationPrecision precision) {
        this.full = null;
        this.file = file;
        this.precision = precision;
        GgufTensor embedding = file.requireTensor("token_embd.weight");
        this.tokenEmbedding = WeightMatrix.of(embedding, precision);
        this.config = ModelConfig.fromMetadata(file.metadata(), file.source(), tokenEmbedding.rows());
        requireShape(embedding, config.embeddingLength(), config.vocabularySize());
        List<LayerWeights> blocks = new ArrayList<>(config.layerCount());
        for (int layer = 0; layer < config.layerCount(); layer++) {
            blocks.add(loadLayer(layer));
        }
        this.layers = List.copyOf(blocks);
        this.outputNorm = vector("output_norm.weight", config.embeddingLength());
        // Tied embeddings: without output.weight the classifier is the token embedding (llama.cpp does the same).
        this.output = file.tensor("output.weight")
                .map(tensor -> matrix(tensor.name(), config.embeddingLength(), config.vocabularySize()))
                .orElse(tokenEmbedding);
        this.tokenizer = loadTokenizer(file);
        if (tokenizer.vocabularySize() != config.vocabularySize()) {
            throw new GgufFormatException(file.source() + ": tokenizer has " + tokenizer.vocabularySize()
                    + " tokens but token_embd.weight has " + config.vocabularySize() + " rows");
        }
    }

    private Model(Model full, int layerCount) {
        this.full = full;
        this.file = full.file;
        this.precision = full.precision;
        this.config = full.config.withLayerCount(layerCount);
        this.tokenEmbedding = full.tokenEmbedding;
        this.layers = full.layers.subList(0, layerCount);
        this.outputNorm = full.outputNorm;
        this.output = full.output;
        this.tokenizer = full.tokenizer;
    }

    /**
     * The first {@code count} layers of this model followed by its own final norm and output head: an early exit
     * that shares every weight (nothing is copied or loaded), for self-speculative drafting (the draft is the target
     * cut short, as in LayerSkip, Elhoushi et al. 2024). A model not trained for early exit predicts its next token
     * from a middle layer only roughly, so acceptance depends on the model; verification keeps the output exact
     * regardless. Closing the view leaves this model open.
     */
    public Model firstLayers(int count) {
        if (count < 1 || count > config.layerCount()) {
            throw new IllegalArgumentException("an early-exit draft needs 1 to " + config.layerCount() + " layers of "
                    + source() + ", got " + count);
        }
        return new Model(this, count);
    }

    /** Memory-maps and loads a GGUF model. */
    public static Model load(Path path) throws IOException {
        return load(path, ActivationPrecision.MATCH_LLAMA_CPP);
    }

    /**
     * Memory-maps and loads a GGUF model with the given treatment of activations in quantized dot products
     * (llama.cpp's 8-bit activation quantization by default, or exact float32).
     */
    public static Model load(Path path, ActivationPrecision precision) throws IOException {
        GgufFile file = GgufFile.open(path);
        try {
            return new Model(file, precision);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** Loads a model from an already-parsed file; the model takes ownership of it. */
    public static Model load(GgufFile file) {
        return new Model(file, ActivationPrecision.MATCH_LLAMA_CPP);
    }

    /** Loads the embedded default model shipped inside the jar. */
    public static Model loadEmbedded() throws IOException {
        try (InputStream input = Model.class.getResourceAsStream(EMBEDDED_RESOURCE)) {
            if (input == null) {
                throw new IOException(
                        "embedded model resource " + EMBEDDED_RESOURCE + " is missing from the class path");
            }
            return new Model(GgufFile.read("embedded:stories260K.gguf", input), ActivationPrecision.MATCH_LLAMA_CPP);
        }
    }

    private static Tokenizer loadTokenizer(GgufFile file) {
        try {
            return Tokenizer.fromGguf(file.metadata());
        } catch (GgufFormatException e) {
            throw new GgufFormatException(file.source() + ": " + e.getMessage(), e); // tokenizers do not know the file
        }
    }

    private LayerWeights loadLayer(int layer) {
        String prefix = "blk." + layer + ".";
        int dim = config.embeddingLength();
        int kvDim = config.keyValueDimension();
        int qDim = config.queryDimension();
        int ffn = config.feedForwardLength();
        boolean bias = config.architecture().qkvBias();
        boolean qkNorm = config.architecture().qkNorm();
        return new LayerWeights(
                vector(prefix + "attn_norm.weight", dim),
                matrix(prefix + "attn_q.weight", dim, qDim),
                matrix(prefix + "attn_k.weight", dim, kvDim),
                matrix(prefix + "attn_v.weight", dim, kvDim),
                bias ? vector(prefix + "attn_q.bias", qDim) : optionalVector(prefix + "attn_q.bias", qDim),
                bias ? vector(prefix + "attn_k.bias", kvDim) : optionalVector(prefix + "attn_k.bias", kvDim),
                bias ? vector(prefix + "attn_v.bias", kvDim) : optionalVector(prefix + "attn_v.bias", kvDim),
                qkNorm ? vector(prefix + "attn_q_norm.weight", config.headDimension()) : null,
                qkNorm ? vector(prefix + "attn_k_norm.weight", config.headDimension()) : null,
                matrix(prefix + "attn_output.weight", qDim, dim),
                vector(prefix + "ffn_norm.weight", dim),
                matrix(prefix + "ffn_gate.weight", dim, ffn),
                matrix(prefix + "ffn_up.weight", dim, ffn),
                matrix(prefix + "ffn_down.weight", ffn, dim));
    }

    private WeightMatrix matrix(String name, int columns, int rows) {
        GgufTensor tensor = file.requireTensor(name);
        requireShape(tensor, columns, rows);
        return WeightMatrix.of(tensor, precision);
    }

    private float[] vector(String name, int length) {
        GgufTensor tensor = file.requireTensor(name);
        requireShape(tensor, length, 1);
        float[] values = new float[length];
        WeightMatrix.of(tensor).dequantizeRow(0, values, 0);
        return values;
    }

    private float[] optionalVector(String name, int length) {
        return file.tensor(name).isPresent() ? vector(name, length) : null;
    }

    private void requireShape(GgufTensor tensor, long columns, long rows) {
        if (tensor.rowLength() != columns || tensor.rowCount() != rows) {
            throw new GgufFormatException(file.source() + ": tensor '" + tensor.name() + "' has shape "
                    + java.util.Arrays.toString(tensor.shape()) + ", expected [" + columns
                    + (rows > 1 ? ", " + rows : "")
                    + "] from the model's hyper-parameters");
        }
    }

    /** The tokenizer described by the file's {@code tokenizer.*} metadata. */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public ActivationPrecision precision() {
        return precision;
    }

    public ModelConfig config() {
        return config;
    }

    public GgufFile file() {
        return file;
    }

    public String source() {
        return full == null ? file.source() : full.source() + " (first " + config.layerCount() + " layers)";
    }

    WeightMatrix tokenEmbedding() {
        return tokenEmbedding;
    }

    List<LayerWeights> layers() {
        return layers;
    }

    float[] outputNorm() {
        return outputNorm;
    }

    WeightMatrix output() {
        return output;
    }

    /** A new empty session with a KV cache of {@code contextLength} positions (at most the model's). */
    public Session newSession(int contextLength) {
        return new Session(this, contextLength);
    }

    public Session newSession() {
        return newSession(config.contextLength());
    }

    public Optional<String> name() {
        return file.metadata().string("general.name");
    }

    @Override
    public void close() {
        if (full != null) {
            return; // a view: the full model owns the file
        }
        file.close();
    }
}
