package org.logitlab.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.logitlab.model.Model;
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

    String describe() {
        return model == null ? "embedded stories260K" : model.toString();
    }
}
