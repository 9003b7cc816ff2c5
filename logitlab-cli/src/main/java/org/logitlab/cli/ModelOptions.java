package org.logitlab.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.logitlab.gguf.GgufFile;
import org.logitlab.model.Model;
import org.logitlab.tokenizer.Tokenizer;
import picocli.CommandLine.Option;

/** The {@code --model} option shared by every command that runs a model. */
final class ModelOptions {
    @Option(
            names = {"-m", "--model"},
            paramLabel = "FILE",
            description = "GGUF model file (default: the embedded stories260K model).")
    Path model;

    Model load() throws IOException {
        if (model == null) {
            return Model.loadEmbedded();
        }
        return Model.load(model);
    }

    /**
     * Only the tokenizer (works for vocabulary-only GGUF files too, like llama.cpp's ggml-vocab-*.gguf).
     */
    Tokenizer loadTokenizer() throws IOException {
        if (model == null) {
            try (Model embedded = Model.loadEmbedded()) {
                return embedded.tokenizer();
            }
        }
        try (GgufFile file = GgufFile.open(model)) {
            try {
                return Tokenizer.fromGguf(file.metadata());
            } catch (org.logitlab.gguf.GgufFormatException e) {
                throw new org.logitlab.gguf.GgufFormatException(model + ": " + e.getMessage(), e);
            }
        }
    }

    String describe() {
        return model == null ? "embedded stories260K" : model.toString();
    }
}
