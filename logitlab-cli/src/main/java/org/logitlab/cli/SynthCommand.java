package org.logitlab.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.logitlab.gguf.GgufFile;
import org.logitlab.model.Architecture;
import org.logitlab.model.Model;
import org.logitlab.synth.SyntheticModel;
import org.logitlab.tensor.TensorType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "synth",
        mixinStandardHelpOptions = true,
        description = {
            "Write a GGUF model with seeded random weights and a real vocabulary, for benchmarks at realistic"
                    + " sizes without downloads. llama.cpp loads the files too.",
            "Example (Llama-shaped, ~100M parameters with a 32k vocabulary):",
            "  logitlab synth --arch llama --dim 768 --layers 12 --heads 12 --kv-heads 12 --ffn 2048"
                    + " --vocab-from ../shared/models/vocab/ggml-vocab-llama-spm.gguf --type q8_0 --out llama-768.gguf"
        })
final class SynthCommand implements Callable<Integer> {
    @Option(
            names = "--arch",
            defaultValue = "llama",
            description = "llama, qwen2 or qwen3 (default: ${DEFAULT-VALUE}).")
    String architecture;

    @Option(names = "--dim", defaultValue = "768", description = "Embedding length (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--layers", defaultValue = "12", description = "Transformer blocks (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--heads", defaultValue = "12", description = "Attention heads (default: ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--kv-heads", defaultValue = "0", description = "Key/value heads (default: same as --heads).")
    int kvHeads;

    @Option(names = "--ffn", defaultValue = "2048", description = "Feed-forward length (default: ${DEFAULT-VALUE}).")
    int ffn;

    @Option(
            names = "--vocab",
            defaultValue = "0",
            description = "Vocabulary size; must equal the source's (default: the source's size).")
    int vocab;

    @Option(
            names = "--vocab-from",
            paramLabel = "GGUF",
            description =
                    "GGUF whose tokenizer.* metadata to copy (default: the embedded model's 512-token vocabulary).")
    Path vocabularySource;

    @Option(
            names = "--type",
            defaultValue = "q8_0",
            description = "Weight type: f32, f16, bf16, q8_0, q4_0 (default: ${DEFAULT-VALUE}).")
    String type;

    @Option(
            names = "--ctx",
            defaultValue = "4096",
            description = "Context length written into the metadata (default: ${DEFAULT-VALUE}).")
    int context;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--std",
            defaultValue = "0.02",
            description = "Standard deviation of the weights (default: ${DEFAULT-VALUE}).")
    float std;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Output GGUF file.")
    Path out;

    @Override
    public Integer call() throws Exception {
        Architecture arch = Architecture.fromGgufName(architecture.toLowerCase(Locale.ROOT))
                .filter(a -> a != Architecture.MISTRAL)
                .orElseThrow(() -> new IllegalArgumentException(
                        "--arch must be llama, qwen2 or qwen3, got '" + architecture + "'"));
        TensorType weightType;
        try {
            weightType = TensorType.valueOf(type.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--type must be one of f32, f16, bf16, q8_0, q4_0, got '" + type + "'");
        }
        SyntheticModel synthetic = new SyntheticModel(
                arch, dim, layers, heads, kvHeads == 0 ? heads : kvHeads, ffn, vocab, context, weightType, seed, std);
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        try (GgufFile source = vocabularySource != null ? GgufFile.open(vocabularySource) : null;
                Model embedded = vocabularySource == null ? Model.loadEmbedded() : null) {
            GgufFile vocabularyFile = source != null ? source : embedded.file();
            int vocabulary = vocabularyFile
                    .metadata()
                    .byteStringArray("tokenizer.ggml.tokens")
                    .map(a -> a.length)
                    .orElse(0);
            System.err.printf(
                    "synth: %s, %,d parameters, %s weights, vocabulary %d -> %s%n",
                    arch.ggufName(), synthetic.parameterCount(vocabulary), weightType, vocabulary, out);
            try (ProgressBar bar = new ProgressBarBuilder()
                    .setTaskName("tensors")
                    .setInitialMax(synthetic.tensorCount())
                    .setStyle(ProgressBarStyle.ASCII)
                    .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
                    .build()) {
                synthetic.write(vocabularyFile.metadata(), out, bar::stepTo);
            }
        }
        System.err.printf("synth: wrote %s (%,d bytes)%n", out, Files.size(out));
        return 0;
    }
}
