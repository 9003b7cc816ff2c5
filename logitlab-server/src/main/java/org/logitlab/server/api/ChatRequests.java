package org.logitlab.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.logitlab.constraint.Constraint;
import org.logitlab.server.scheduler.SequenceRequest;
import org.logitlab.server.scheduler.SpeculationSettings;
import org.logitlab.tokenizer.Tokenizer;

/** Reads and validates a POST /v1/chat/completions body and renders its messages with the chat template. */
final class ChatRequests {
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");

    private ChatRequests() {}

    static GenerationPlan parse(ObjectNode body, ServedModel served) {
        Fields fields = new Fields(body);
        fields.string("model");
        fields.ignore("user", "store", "metadata", "parallel_tool_calls", "service_tier");
        List<ChatTemplate.Message> messages = messages(fields.required("messages"));
        Long maxTokens = fields.integer("max_completion_tokens", 0L, served.contextLength())
                .or(() -> fields.integer("max_tokens", 0L, served.contextLength()))
                .orElse(null);
        int n = fields.integer("n", 1, 1, CompletionRequests.MAXIMUM_CHOICES);
        boolean stream = fields.bool("stream", false);
        boolean includeUsage = StreamOptions.includeUsage(fields);
        boolean logprobs = fields.bool("logprobs", false);
        int topLogprobs = fields.integer("top_logprobs", 0, 0, served.vocabularySize());
        if (topLogprobs > 0 && !logprobs) {
            throw ApiException.invalid("top_logprobs", "'top_logprobs' needs 'logprobs' set to true");
        }
        List<String> stop = fields.strings("stop", 16);
        fields.unsupported("tools", "'tools' (function calling)");
        fields.unsupported("tool_choice", "'tool_choice' (function calling)");
        fields.unsupported("functions", "'functions' (function calling)");
        fields.unsupported("function_call", "'function_call' (function calling)");
        fields.unsupported("audio", "'audio' output");
        fields.unsupported("prediction", "'prediction' (predicted outputs)");
        fields.strings("modalities", 4).stream()
                .filter(modality -> !modality.equals("text"))
                .findFirst()
                .ifPresent(modality -> {
                    throw ApiException.notSupported("modalities", "modality '" + modality + "'");
                });
        ConstraintFields.Requested constraint = ConstraintFields.read(fields, served);
        SpeculationSettings speculation = SpeculationFields.read(fields, served);
        List<org.logitlab.sampling.SamplerSettings> settings = new ArrayList<>();
        for (int choice = 0; choice < n; choice++) {
            settings.add(SamplingFields.read(fields, served.vocabularySize(), choice));
        }
        fields.rejectUnknown();

        String rendered = served.chatTemplate().render(messages, true, served.tokenizer());
        int[] prompt = encode(rendered, served.tokenizer());
        int completionLimit =
                maxTokens != null ? maxTokens.intValue() : Math.max(0, served.contextLength() - prompt.length);
        ContextLimits.check(
                prompt.length,
                completionLimit,
                served.contextLength(),
                "messages",
                body.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens");
        Constraint compiled = ConstraintFields.compile(constraint);
        List<SequenceRequest> sequences = new ArrayList<>();
        List<String> echoTexts = new ArrayList<>();
        for (int choice = 0; choice < n; choice++) {
            sequences.add(new SequenceRequest(
                    choice,
                    prompt,
                    completionLimit,
                    settings.get(choice),
                    topLogprobs,
                    false,
                    false,
                    stop,
                    compiled == null ? null : compiled.copy(),
                    speculation));
            echoTexts.add("");
        }
        return new GenerationPlan(sequences, echoTexts, stream, includeUsage, logprobs, false, n);
    }

    /**
     * Special tokens written by the template (e.g. {@code <|im_start|>}) are parsed as such; BOS is added by the
     * tokenizer unless the template already wrote it, so it is never doubled (llama.cpp warns about exactly that).
     */
    static int[] encode(String rendered, Tokenizer tokenizer) {
        OptionalInt bos = tokenizer.bosToken();
        boolean templateWroteBos = bos.isPresent()
                && !tokenizer.piece(bos.getAsInt()).isEmpty()
                && rendered.startsWith(tokenizer.piece(bos.getAsInt()));
        int[] tokens = tokenizer.encode(rendered, !templateWroteBos, true);
        if (tokens.length == 0) {
            throw ApiException.invalid("messages", "the rendered chat prompt has no tokens");
        }
        return tokens;
    }

    private static List<ChatTemplate.Message> messages(JsonNode node) {
        if (!node.isArray() || node.isEmpty()) {
            throw ApiException.invalid("messages", "'messages' must be a non-empty array of messages, got " + node);
        }
        List<ChatTemplate.Message> messages = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String path = "messages[" + i + "]";
            if (!(node.get(i) instanceof ObjectNode message)) {
                throw ApiException.invalid(path, "'" + path + "' must be an object, got " + node.get(i));
            }
            Fields fields = new Fields(message).nested(path, message);
            String role = fields.string("role")
                    .orElseThrow(() -> ApiException.invalid(path + ".role", "'" + path + ".role' is required"));
            if (!ROLES.contains(role)) {
                throw ApiException.invalid(
                        path + ".role", "'" + path + ".role' must be one of " + ROLES + ", got '" + role + "'");
            }
            String content = content(fields, path);
            fields.string("name");
            fields.string("tool_call_id");
            fields.unsupported("tool_calls", "'tool_calls' in messages");
            fields.ignore("refusal");
            fields.rejectUnknown();
            messages.add(new ChatTemplate.Message(role, content));
        }
        return messages;
    }

    /** A string, or an array of {@code {"type": "text", "text": ...}} parts (joined). */
    private static String content(Fields fields, String path) {
        JsonNode content = fields.value("content").orElse(null);
        if (content == null) {
            return "";
        }
        if (content.isTextual()) {
            return content.textValue();
        }
        if (!content.isArray()) {
            throw fields.wrongType("content", "a string or an array of content parts", content);
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < content.size(); i++) {
            String partPath = path + ".content[" + i + "]";
            JsonNode part = content.get(i);
            if (!part.isObject()
                    || !"text".equals(part.path("type").asText())
                    || !part.path("text").isTextual()) {
                if (part.isObject()
                        && part.has("type")
                        && !"text".equals(part.path("type").asText())) {
                    throw ApiException.notSupported(
                            partPath, "content part type '" + part.path("type").asText() + "'");
                }
                throw ApiException.invalid(
                        partPath, "'" + partPath + "' must be {\"type\": \"text\", \"text\": \"...\"}, got " + part);
            }
            text.append(part.get("text").textValue());
        }
        return text.toString();
    }
}
