package org.logitlab.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import org.logitlab.server.scheduler.Scheduler;

/** The HTTP handlers: OpenAI's endpoints and llama.cpp-style utilities, all reading bodies through one limit. */
public final class Endpoints {
    private final ServedModel served;
    private final long maxBodyBytes;
    private final GenerationEndpoint completions;
    private final GenerationEndpoint chat;
    private final ScoreEndpoint score;

    public Endpoints(ServedModel served, Scheduler scheduler, long maxBodyBytes) {
        this.served = served;
        this.maxBodyBytes = maxBodyBytes;
        this.completions = new GenerationEndpoint(
                served,
                scheduler,
                "cmpl-",
                "text_completion",
                "text_completion",
                (index, plan) -> new CompletionChoice(index, served.tokenizer(), plan));
        this.chat = new GenerationEndpoint(
                served,
                scheduler,
                "chatcmpl-",
                "chat.completion",
                "chat.completion.chunk",
                (index, plan) -> new ChatChoice(index, served.tokenizer(), plan));
        this.score = new ScoreEndpoint(served);
    }

    public void completions(Context context) throws IOException, InterruptedException {
        completions.run(context, CompletionRequests.parse(body(context), served));
    }

    public void chatCompletions(Context context) throws IOException, InterruptedException {
        chat.run(context, ChatRequests.parse(body(context), served));
    }

    /** logitlab's /v1/score: per-token records and analysis methods' scores with per-token contributions. */
    public void score(Context context) throws IOException, InterruptedException {
        score.score(context, body(context));
    }

    /** The scoring methods /v1/score can run, with family, sign convention and description. */
    public void scoreMethods(Context context) {
        score.methods(context);
    }

    public void models(Context context) {
        ObjectNode response = Json.object().put("object", "list");
        ObjectNode model = response.putArray("data").addObject();
        model.put("id", served.id());
        model.put("object", "model");
        model.put("created", served.created());
        model.put("owned_by", "logitlab");
        ObjectNode meta = model.putObject("meta");
        meta.put("vocab_size", served.vocabularySize());
        meta.put("context_length", served.contextLength());
        meta.put("chat_template_from_model", served.chatTemplate().fromModel());
        json(context, response);
    }

    /** llama.cpp's /tokenize: {@code {"content", "add_special", "parse_special", "with_pieces"}} → tokens. */
    public void tokenize(Context context) throws IOException {
        Fields fields = new Fields(body(context));
        String content =
                fields.string("content").orElseThrow(() -> ApiException.invalid("content", "'content' is required"));
        boolean addSpecial = fields.bool("add_special", false);
        boolean parseSpecial = fields.bool("parse_special", true);
        boolean withPieces = fields.bool("with_pieces", false);
        fields.rejectUnknown();
        int[] tokens = served.tokenizer().encode(content, addSpecial, parseSpecial);
        ObjectNode response = Json.object();
        ArrayNode array = response.putArray("tokens");
        for (int token : tokens) {
            if (withPieces) {
                array.addObject().put("id", token).put("piece", TokenStrings.display(served.tokenizer(), token));
            } else {
                array.add(token);
            }
        }
        json(context, response);
    }

    /** llama.cpp's /detokenize: {@code {"tokens": [ids]}} → {@code {"content"}}. */
    public void detokenize(Context context) throws IOException {
        Fields fields = new Fields(body(context));
        JsonNode tokensNode = fields.required("tokens");
        fields.rejectUnknown();
        if (!tokensNode.isArray()) {
            throw fields.wrongType("tokens", "an array of token ids", tokensNode);
        }
        int[] tokens = new int[tokensNode.size()];
        for (int i = 0; i < tokens.length; i++) {
            JsonNode element = tokensNode.get(i);
            if (!element.isIntegralNumber()
                    || element.longValue() < 0
                    || element.longValue() >= served.vocabularySize()) {
                throw ApiException.invalid(
                        "tokens",
                        "'tokens[" + i + "]' must be a token id in [0, " + served.vocabularySize() + "), got "
                                + element);
            }
            tokens[i] = element.intValue();
        }
        json(context, Json.object().put("content", served.tokenizer().decode(tokens)));
    }

    /**
     * Reads the body up to the limit, so a huge body is refused without being buffered; then parses it as a JSON
     * object.
     */
    ObjectNode body(Context context) throws IOException {
        long declared = context.req().getContentLengthLong();
        if (declared > maxBodyBytes) {
            throw tooLarge(declared + " bytes");
        }
        try (InputStream input = context.req().getInputStream()) {
            byte[] bytes = input.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
            if (bytes.length > maxBodyBytes) {
                throw tooLarge("more than " + maxBodyBytes + " bytes");
            }
            return Json.parseObject(bytes);
        }
    }

    private ApiException tooLarge(String size) {
        return new ApiException(
                413,
                "invalid_request_error",
                "body",
                "request_too_large",
                "request body of " + size + " exceeds the limit of " + maxBodyBytes + " bytes");
    }

    static void json(Context context, JsonNode body) {
        context.contentType("application/json").result(Json.bytes(body));
    }

    /** Writes an error in OpenAI's shape with its status. */
    public static void error(Context context, ApiException error) {
        context.status(error.status());
        json(context, ErrorBody.of(error));
    }
}
