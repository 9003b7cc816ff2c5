package org.logitlab.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Typed, validated reading of a request object's fields. Every accessor records the field as known, so
 * {@link #rejectUnknown()} can refuse misspelt or unsupported fields instead of silently ignoring them. Errors
 * are 400s whose message and {@code param} name the field and the value.
 */
final class Fields {
    private final ObjectNode object;
    private final String prefix;
    private final Set<String> known = new LinkedHashSet<>();

    Fields(ObjectNode object) {
        this(object, "");
    }

    private Fields(ObjectNode object, String prefix) {
        this.object = object;
        this.prefix = prefix;
    }

    /** Fields of a nested object, named {@code parent.child} in errors. */
    Fields nested(String name, ObjectNode nested) {
        return new Fields(nested, prefix + name + ".");
    }

    String path(String name) {
        return prefix + name;
    }

    /** The value, absent when missing or null (OpenAI treats null as "use the default"). */
    Optional<JsonNode> value(String name) {
        known.add(name);
        JsonNode node = object.get(name);
        return node == null || node.isNull() ? Optional.empty() : Optional.of(node);
    }

    JsonNode required(String name) {
        return value(name).orElseThrow(() -> ApiException.invalid(path(name), "'" + path(name) + "' is required"));
    }

    Optional<Long> integer(String name, long minimum, long maximum) {
        return value(name).map(node -> {
            if (!node.isIntegralNumber() || !node.canConvertToLong()) {
                throw wrongType(name, "an integer", node);
            }
            long value = node.longValue();
            if (value < minimum || value > maximum) {
                throw ApiException.invalid(
                        path(name), "'" + path(name) + "' must be in [" + minimum + ", " + maximum + "], got " + value);
            }
            return value;
        });
    }

    int integer(String name, int defaultValue, int minimum, int maximum) {
        return integer(name, (long) minimum, (long) maximum).map(Long::intValue).orElse(defaultValue);
    }

    Optional<Double> number(String name, double minimum, double maximum) {
        return value(name).map(node -> {
            if (!node.isNumber()) {
                throw wrongType(name, "a number", node);
            }
            double value = node.doubleValue();
            if (!(value >= minimum && value <= maximum)) {
                throw ApiException.invalid(
                        path(name), "'" + path(name) + "' must be in [" + minimum + ", " + maximum + "], got " + value);
            }
            return value;
        });
    }

    boolean bool(String name, boolean defaultValue) {
        return value(name)
                .map(node -> {
                    if (!node.isBoolean()) {
                        throw wrongType(name, "a boolean", node);
                    }
                    return node.booleanValue();
                })
                .orElse(defaultValue);
    }

    Optional<String> string(String name) {
        return value(name).map(node -> {
            if (!node.isTextual()) {
                throw wrongType(name, "a string", node);
            }
            return node.textValue();
        });
    }

    Optional<ObjectNode> object(String name) {
        return value(name).map(node -> {
            if (!(node instanceof ObjectNode nested)) {
                throw wrongType(name, "an object", node);
            }
            return nested;
        });
    }

    /** A string or an array of strings (OpenAI's {@code stop}). */
    List<String> strings(String name, int maximumCount) {
        Optional<JsonNode> value = value(name);
        if (value.isEmpty()) {
            return List.of();
        }
        JsonNode node = value.get();
        if (node.isTextual()) {
            return List.of(nonEmpty(name, node.textValue()));
        }
        if (!node.isArray()) {
            throw wrongType(name, "a string or an array of strings", node);
        }
        if (node.size() > maximumCount) {
            throw ApiException.invalid(
                    path(name),
                    "'" + path(name) + "' may hold at most " + maximumCount + " entries, got " + node.size());
        }
        List<String> strings = new ArrayList<>();
        for (JsonNode element : node) {
            if (!element.isTextual()) {
                throw wrongType(name, "a string or an array of strings", node);
            }
            strings.add(nonEmpty(name, element.textValue()));
        }
        return List.copyOf(strings);
    }

    private String nonEmpty(String name, String value) {
        if (value.isEmpty()) {
            throw ApiException.invalid(path(name), "'" + path(name) + "' must not contain empty strings");
        }
        return value;
    }

    /** Accepted for compatibility and ignored (e.g. {@code user}). */
    void ignore(String... names) {
        known.addAll(List.of(names));
    }

    /** A field recognised but not implemented: any non-null value is refused with 400 "not supported yet". */
    void unsupported(String name, String what) {
        if (value(name).isPresent()) {
            throw ApiException.notSupported(path(name), what);
        }
    }

    /** Refuses any field no accessor asked for. Call after reading every field. */
    void rejectUnknown() {
        for (var iterator = object.fieldNames(); iterator.hasNext(); ) {
            String name = iterator.next();
            if (!known.contains(name)) {
                throw ApiException.invalid(path(name), "unrecognized request argument supplied: '" + path(name) + "'");
            }
        }
    }

    ApiException wrongType(String name, String expected, JsonNode node) {
        String shown = node.toString();
        if (shown.length() > 60) {
            shown = shown.substring(0, 57) + "...";
        }
        return ApiException.invalid(
                path(name), "'" + path(name) + "' must be " + expected + ", got " + Json.kind(node) + " " + shown);
    }
}
