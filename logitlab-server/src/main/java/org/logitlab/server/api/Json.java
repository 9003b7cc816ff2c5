package org.logitlab.server.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/** The server's one JSON mapper: strict on input (duplicate keys, trailing data), compact on output. */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private Json() {}

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /** Parses a request body that must be one JSON object; 400 naming "body" otherwise. */
    public static ObjectNode parseObject(byte[] body) {
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            String detail = e instanceof JsonProcessingException parse ? parse.getOriginalMessage() : e.getMessage();
            throw ApiException.invalid("body", "request body is not valid JSON: " + detail);
        }
        if (node == null || node.isMissingNode()) {
            throw ApiException.invalid("body", "request body is empty; expected a JSON object");
        }
        if (!(node instanceof ObjectNode object)) {
            throw ApiException.invalid("body", "request body must be a JSON object, got " + kind(node));
        }
        return object;
    }

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a response", e);
        }
    }

    public static byte[] bytes(JsonNode node) {
        return write(node).getBytes(StandardCharsets.UTF_8);
    }

    /** "string", "number", "array"… for error messages about a value of the wrong type. */
    static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** A log-prob as JSON: finite values as numbers, −∞ (a token masked out) as null, which JSON cannot spell. */
    static void putLogProb(ObjectNode node, String field, double logProb) {
        if (Double.isFinite(logProb)) {
            node.put(field, logProb);
        } else {
            node.putNull(field);
        }
    }

    static void addLogProb(ArrayNode array, Double logProb) {
        if (logProb != null && Double.isFinite(logProb)) {
            array.add(logProb);
        } else {
            array.addNull();
        }
    }
}
