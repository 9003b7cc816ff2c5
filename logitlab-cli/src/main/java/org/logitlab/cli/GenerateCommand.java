package org.logitlab.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.logitlab.constraint.Constraint;
import org.logitlab.distribution.TokenLogProb;
import org.logitlab.generation.GeneratedToken;
import org.logitlab.generation.GenerationResult;
import org.logitlab.generation.Generator;
import org.logitlab.model.Model;
import org.logitlab.sampling.SamplerChain;
import org.logitlab.sampling.SamplerChains;
import org.logitlab.sampling.SamplerSettings;
import org.logitlab.session.Session;
import org.logitlab.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = {
            "Generate text after a prompt, streaming it to stdout (greedy at --temp 0).",
            "Sampling flags follow llama.cpp's names and defaults; --json prints one object at the end."
        })
final class GenerateCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Mixin
    ThreadOptions threadOptions;

    @Mixin
    SamplingOptions samplingOptions;

    @Mixin
    ConstraintOptions constraintOptions;

    @Mixin
    SpeculativeOptions speculativeOptions;

    @Option(
            names = {"-p", "--prompt"},
            defaultValue = "",
            paramLabel = "TEXT",
            description = "Prompt text (default: empty, i.e. just BOS).")
    String prompt;

    @Option(
            names = {"-n", "--max-tokens"},
            defaultValue = "128",
            paramLabel = "N",
            description = "Tokens to generate at most (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(
            names = "--ctx",
            paramLabel = "N",
            description = "Context length (default: the model's, at most prompt + max tokens).")
    Integer contextLength;

    @Option(
            names = "--logprobs",
            defaultValue = "0",
            paramLabel = "N",
            description =
                    "With --json: top-N alternatives per token, raw and post-sampler (default: ${DEFAULT-VALUE}).")
    int logprobs;

    @Option(
            names = "--json",
            description =
                    "Print {\"ids\":[...],\"text\":\"...\"} (plus log-probs and statistics) instead of streaming text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        CliValidation.requireAtLeast("--max-tokens", maxTokens, 0);
        CliValidation.requireAtLeast("--logprobs", logprobs, 0);
        threadOptions.apply();
        SamplerSettings settings = samplingOptions.settings();
        try (Model model = modelOptions.load()) {
            Tokenizer tokenizer = model.tokenizer();
            int[] promptTokens = tokenizer.encode(prompt, true, false);
            if (promptTokens.length == 0) {
                throw new IllegalArgumentException(
                        "--prompt produced no tokens and the model adds no BOS; give a prompt");
            }
            int context = contextLength != null
                    ? contextLength
                    : Math.min(model.config().contextLength(), promptTokens.length + maxTokens);
            if (promptTokens.length >= context) {
                throw new IllegalArgumentException(
                        "prompt of " + promptTokens.length + " tokens does not fit the context length " + context);
            }
            Session session = model.newSession(context);
            Supplier<SamplerChain> chains = () -> SamplerChains.create(
                    settings,
                    model.config().vocabularySize(),
                    context,
                    id -> TokenText.display(tokenizer, id),
                    text -> tokenizer.encode(text, false, false));
            PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
            if (!json) {
                out.print(prompt);
                out.flush();
            }
            Consumer<GeneratedToken> stream = token -> {
                if (!json) {
                    out.print(token.text());
                    out.flush();
                }
            };
            Constraint constraint = constraintOptions.build(tokenizer);
            long started = System.nanoTime();
            GenerationResult result = speculativeOptions.enabled()
                    ? speculativeOptions.generate(
                            model, context, chains, constraint, promptTokens, maxTokens, logprobs, stream)
                    : new Generator(session, tokenizer, chains.get(), constraint)
                            .generate(promptTokens, maxTokens, logprobs, stream);
            double seconds = (System.nanoTime() - started) / 1e9;
            System.err.printf(
                    "generate: %d prompt + %d generated tokens in %.3f s (%.1f tokens/s), finish: %s%n",
                    promptTokens.length,
                    result.tokens().size(),
                    seconds,
                    result.tokens().size() / seconds,
                    result.finishReason().openAiName());
            if (speculativeOptions.enabled()) {
                speculativeOptions.report(System.err);
            }
            if (json) {
                ObjectNode root = toJson(result, tokenizer);
                if (speculativeOptions.enabled()) {
                    speculativeOptions.addJson(root);
                }
                out.println(JsonOutput.line(root));
            } else {
                String tail = result.text()
                        .substring(result.tokens().stream()
                                .mapToInt(t -> t.text().length())
                                .sum());
                out.println(tail);
            }
            out.flush();
            return 0;
        }
    }

    private ObjectNode toJson(GenerationResult result, Tokenizer tokenizer) {
        ObjectNode root = JsonOutput.object();
        ArrayNode ids = root.putArray("ids");
        for (int id : result.generatedIds()) {
            ids.add(id);
        }
        root.put("text", result.text());
        root.put("finish_reason", result.finishReason().openAiName());
        root.put("prompt_tokens", result.promptTokens().length);
        root.put("sequence_logprob", result.statistics().totalLogProb());
        root.put("perplexity", result.statistics().perplexity());
        if (logprobs > 0) {
            ArrayNode tokens = root.putArray("logprobs");
            for (GeneratedToken token : result.tokens()) {
                ObjectNode entry = tokens.addObject();
                entry.put("id", token.token());
                entry.put("piece", TokenText.display(tokenizer, token.token()));
                entry.put("logprob", token.logProbs().logProb());
                entry.put("sampled_logprob", token.logProbs().sampledLogProb());
                entry.put("rank", token.logProbs().rank());
                ArrayNode top = entry.putArray("top");
                for (TokenLogProb alternative : token.logProbs().topRaw()) {
                    top.addObject().put("id", alternative.id()).put("logprob", alternative.logProb());
                }
                ArrayNode sampled = entry.putArray("top_sampled");
                for (TokenLogProb alternative : token.logProbs().topSampled()) {
                    sampled.addObject().put("id", alternative.id()).put("logprob", alternative.logProb());
                }
            }
        }
        return root;
    }
}
