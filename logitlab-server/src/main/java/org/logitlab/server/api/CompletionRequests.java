package org.logitlab.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.logitlab.constraint.Constraint;
import org.logitlab.sampling.SamplerSettings;
import org.logitlab.server.scheduler.SequenceRequest;
import org.logitlab.server.scheduler.SpeculationSettings;
import org.logitlab.tokenizer.Tokenizer;

/** Reads and validates a POST /v1/completions body (OpenAI's legacy completions schema + logitlab extensions). */
final class CompletionRequests {
    /** OpenAI's limit on n (and on prompts × n here). */
    static final int MAXIMUM_CHOICES = 128;

    private CompletionRequests() {}

    private record Prompt(int[] tokens, String text) {}

    static GenerationPlan parse(ObjectNode body, ServedModel served) {
        Fields fields = new Fields(body);
        fields.string("model");
        fields.ignore("user");
        List<Prompt> prompts = prompts(fields.required("prompt"), served);
        int maxTokens = fields.integer("max_tokens", 16, 0, served.contextLength());
        int n = fields.integer("n", 1, 1, MAXIMUM_CHOICES);
        fields.integer("best_of", 1L, MAXIMUM_CHOICES).ifPresent(bestOf -> {
            if (bestOf != n) {
                throw ApiException.notSupported("best_of", "'best_of' different from 'n'");
            }
        });
        fields.unsupported("suffix", "'suffix' (insertion)");
        boolean stream = fields.bool("stream", false);
        boolean includeUsage = StreamOptions.includeUsage(fields);
        Integer logprobs = fields.integer("logprobs", 0L, served.vocabularySize())
                .map(Long::intValue)
                .orElse(null);
        boolean echo = fields.bool("echo", false);
        boolean statistics = fields.bool("distribution_statistics", false);
        List<String> stop = fields.strings("stop", 16);
        ConstraintFields.Requested constraint = ConstraintFields.read(fields, served);
        SpeculationSettings speculation = SpeculationFields.read(fields, served);
        // sampling fields are read once per choice (seeds differ per choice); reading also validates them
        SamplerSettings first = SamplingFields.read(fields, served.vocabularySize(), 0);
        fields.rejectUnknown();
        if (prompts.size() * n > MAXIMUM_CHOICES) {
            throw ApiException.invalid(
                    "n", "prompts × 'n' must be at most " + MAXIMUM_CHOICES + ", got " + prompts.size() + " × " + n);
        }
        for (Prompt prompt : prompts) {
            ContextLimits.check(prompt.tokens().length, maxTokens, served.contextLength(), "prompt", "max_tokens");
        }
        Constraint compiled = ConstraintFields.compile(constraint);
        List<SequenceRequest> sequences = new ArrayList<>();
        List<String> echoTexts = new ArrayList<>();
        for (int promptIndex = 0; promptIndex < prompts.size(); promptIndex++) {
            Prompt prompt = prompts.get(promptIndex);
            for (int i = 0; i < n; i++) {
                int choice = promptIndex * n + i;
                SamplerSettings settings =
                        choice == 0 ? first : SamplingFields.read(fields, served.vocabularySize(), choice);
                sequences.add(new SequenceRequest(
                        choice,
                        prompt.tokens(),
                        maxTokens,
                        settings,
                        logprobs == null ? 0 : logprobs,
                        echo,
                        statistics,
                        stop,
                        compiled == null ? null : compiled.copy(),
                        speculation));
                echoTexts.add(echo ? prompt.text() : "");
            }
        }
        return new GenerationPlan(sequences, echoTexts, stream, includeUsage, logprobs != null, statistics, n);
    }

    /** OpenAI's prompt: a string, an array of strings, an array of token ids, or an array of such arrays. */
    private static List<Prompt> prompts(JsonNode node, ServedModel served) {
        Tokenizer tokenizer = served.tokenizer();
        if (node.isTextual()) {
            return List.of(text(node.textValue(), tokenizer, "prompt"));
        }
        if (!node.isArray() || node.isEmpty()) {
            throw ApiException.invalid(
                    "prompt",
                    "'prompt' must be a string, an array of strings, an array of token ids or an array of such arrays, got "
                            + Json.kind(node));
        }
        if (node.get(0).isNumber()) {
            return List.of(tokens(node, served, "prompt"));
        }
        if (node.size() > MAXIMUM_CHOICES) {
            throw ApiException.invalid(
                    "prompt", "'prompt' may hold at most " + MAXIMUM_CHOICES + " prompts, got " + node.size());
        }
        List<Prompt> prompts = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode element = node.get(i);
            String path = "prompt[" + i + "]";
            if (element.isTextual()) {
                prompts.add(text(element.textValue(), tokenizer, path));
            } else if (element.isArray() && !element.isEmpty()) {
                prompts.add(tokens(element, served, path));
            } else {
                throw ApiException.invalid(
                        "prompt", "'" + path + "' must be a string or a non-empty array of token ids, got " + element);
            }
        }
        return prompts;
    }

    private static Prompt text(String text, Tokenizer tokenizer, String path) {
        int[] tokens = tokenizer.encode(text, true, false);
        if (tokens.length == 0) {
            throw ApiException.invalid("prompt", "'" + path + "' produced no tokens and the model adds no BOS");
        }
        return new Prompt(tokens, text);
    }

    private static Prompt tokens(JsonNode array, ServedModel served, String path) {
        int[] tokens = new int[array.size()];
        for (int i = 0; i < tokens.length; i++) {
            JsonNode element = array.get(i);
            if (!element.isIntegralNumber()
                    || element.longValue() < 0
                    || element.longValue() >= served.vocabularySize()) {
                throw ApiException.invalid(
                        "prompt",
                        "'" + path + "[" + i + "]' must be a token id in [0, " + served.vocabularySize() + "), got "
                                + element);
            }
            tokens[i] = element.intValue();
        }
        return new Prompt(tokens, served.tokenizer().decode(tokens));
    }
}
