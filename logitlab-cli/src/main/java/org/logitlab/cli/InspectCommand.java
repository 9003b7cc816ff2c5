package org.logitlab.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.logitlab.gguf.GgufFile;
import org.logitlab.gguf.GgufTensor;
import org.logitlab.gguf.GgufValue;
import org.logitlab.model.Model;
import org.logitlab.model.ModelConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        description = "Print a model's architecture, hyper-parameters, tensor types and vocabulary.")
final class InspectCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Option(names = "--tensors", description = "List every tensor (name, type, shape).")
    boolean tensors;

    @Option(names = "--metadata", description = "List every metadata key (arrays abbreviated).")
    boolean metadata;

    @Override
    public Integer call() throws Exception {
        try (Model model = modelOptions.load()) {
            GgufFile file = model.file();
            ModelConfig config = model.config();
            Map<String, Long> typeCounts = new TreeMap<>();
            long parameters = 0;
            for (GgufTensor tensor : file.tensors().values()) {
                typeCounts.merge(tensor.type().name(), 1L, Long::sum);
                parameters += tensor.elementCount();
            }
            ObjectNode out = JsonOutput.object();
            out.put("file", file.source());
            out.put("gguf_version", file.version());
            out.put("bytes", file.byteSize());
            out.put("name", model.name().orElse(""));
            out.put("architecture", config.architecture().ggufName());
            out.put("parameters", parameters);
            ObjectNode hyper = out.putObject("hyper_parameters");
            hyper.put("embedding_length", config.embeddingLength());
            hyper.put("block_count", config.layerCount());
            hyper.put("head_count", config.headCount());
            hyper.put("head_count_kv", config.keyValueHeadCount());
            hyper.put("head_dimension", config.headDimension());
            hyper.put("feed_forward_length", config.feedForwardLength());
            hyper.put("vocabulary_size", config.vocabularySize());
            hyper.put("context_length", config.contextLength());
            hyper.put("rms_norm_epsilon", config.rmsNormEpsilon());
            hyper.put("rope_freq_base", config.ropeFrequencyBase());
            hyper.put("rope_freq_scale", config.ropeFrequencyScale());
            hyper.put("rope_dimensions", config.ropeDimensions());
            hyper.put("rope_style", config.architecture().ropeStyle().name().toLowerCase());
            ObjectNode types = out.putObject("tensor_types");
            typeCounts.forEach(types::put);
            ObjectNode tokenizer = out.putObject("tokenizer");
            tokenizer.put(
                    "model", file.metadata().string("tokenizer.ggml.model").orElse(""));
            tokenizer.put("pre", file.metadata().string("tokenizer.ggml.pre").orElse(""));
            tokenizer.put(
                    "tokens",
                    file.metadata()
                            .byteStringArray("tokenizer.ggml.tokens")
                            .map(a -> a.length)
                            .orElse(0));
            if (tensors) {
                ObjectNode list = out.putObject("tensors");
                file.tensors()
                        .values()
                        .forEach(t -> list.put(t.name(), t.type() + " " + java.util.Arrays.toString(t.shape())));
            }
            if (metadata) {
                ObjectNode list = out.putObject("metadata");
                for (Map.Entry<String, GgufValue> entry :
                        file.metadata().asMap().entrySet()) {
                    list.put(entry.getKey(), entry.getValue().describe());
                }
            }
            System.out.println(json ? JsonOutput.line(out) : JsonOutput.pretty(out));
            return 0;
        }
    }
}
