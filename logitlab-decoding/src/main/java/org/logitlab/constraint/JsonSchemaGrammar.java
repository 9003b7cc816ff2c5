package org.logitlab.constraint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Converts a JSON Schema into a GBNF grammar, after llama.cpp's {@code common/json-schema-to-grammar.cpp}: one rule
 * per schema, each value followed by optional whitespace.
 *
 * <p>Supported: {@code type} (one or a list), {@code properties}, {@code required}, {@code additionalProperties}
 * (false, true or a schema; absent means false, as in llama.cpp: fewer, known keys), {@code items}, {@code minItems},
 * {@code maxItems}, {@code enum}, {@code const}, {@code anyOf}, {@code oneOf}, {@code allOf} with one member,
 * {@code $ref} to {@code #}, {@code #/$defs/...} or {@code #/definitions/...}, integer {@code minimum},
 * {@code maximum}, {@code exclusiveMinimum}, {@code exclusiveMaximum} (not for type number), {@code minLength}, {@code maxLength},
 * and {@code pattern} (through {@link RegexGrammar}; unanchored ends may be followed or preceded by anything, as JSON
 * Schema's search semantics say). Annotations ({@code title}, {@code description}, {@code format}, {@code default},
 * {@code examples}, ...) are ignored, as JSON Schema 2020-12 treats {@code format} by default. Any other keyword is an
 * error naming the keyword and its JSON pointer. {@code oneOf} is generated like {@code anyOf}: its branches must not
 * overlap for the output to be valid.
 */
public final class JsonSchemaGrammar {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final Set<String> ANNOTATIONS = Set.of(
            "title",
            "description",
            "$schema",
            "$id",
            "$comment",
            "default",
            "examples",
            "deprecated",
            "readOnly",
            "writeOnly",
            "format",
            "$defs",
            "definitions",
            "contentMediaType",
            "contentEncoding");

    private static final Set<String> SUPPORTED = Set.of(
            "type",
            "properties",
            "required",
            "additionalProperties",
            "items",
            "minItems",
            "maxItems",
            "enum",
            "const",
            "anyOf",
            "oneOf",
            "allOf",
            "$ref",
            "minLength",
            "maxLength",
            "pattern",
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum");

    /** The JSON grammar shared by every schema; names start with "json-" so schema rules cannot collide. */
    private static final String PRIMITIVES = """
            space ::= | " " | "\\n" [ \\t]{0,20}
            json-hex ::= [0-9a-fA-F]
            json-escape ::= "\\\\" ( ["\\\\/bfnrt] | "u" json-unit )
            # \\u escapes outside the surrogate block, so one escape is always one character (minLength/maxLength).
            json-unit ::= [0-9a-cA-CeEfF] json-hex json-hex json-hex | [dD] [0-7] json-hex json-hex
            json-char ::= [^"\\\\\\x7F\\x00-\\x1F] | json-escape
            json-string ::= "\\"" json-char* "\\"" space
            json-integral ::= "0" | [1-9] [0-9]{0,15}
            json-number ::= "-"? json-integral ("." [0-9]{1,16})? ([eE] [-+]? [0-9]{1,2})? space
            json-integer ::= "-"? json-integral space
            json-boolean ::= ("true" | "false") space
            json-null ::= "null" space
            json-value ::= json-object | json-array | json-string | json-number | json-boolean | json-null
            json-member ::= json-string ":" space json-value
            json-object ::= "{" space ( json-member ("," space json-member)* )? "}" space
            json-array ::= "[" space ( json-value ("," space json-value)* )? "]" space
            """;

    private final JsonNode rootSchema;
    private final Map<String, String> rules = new LinkedHashMap<>();
    private final Map<String, String> refRules = new HashMap<>();
    private final Set<String> usedNames = new HashSet<>();

    private JsonSchemaGrammar(JsonNode rootSchema) {
        this.rootSchema = rootSchema;
    }

    /** The GBNF grammar for a JSON Schema given as JSON text; its {@code root} rule is the schema. */
    public static String toGbnf(String schemaJson) {
        if (schemaJson == null) {
            throw new IllegalArgumentException("schemaJson must not be null");
        }
        JsonNode schema;
        try {
            schema = MAPPER.readTree(schemaJson);
        } catch (JsonProcessingException notJson) {
            throw new IllegalArgumentException(
                    "schemaJson is not valid JSON: " + notJson.getOriginalMessage(), notJson);
        }
        if (schema == null || !(schema.isObject() || schema.isBoolean())) {
            throw new IllegalArgumentException("schemaJson must be a JSON object or boolean, got: " + schemaJson);
        }
        JsonSchemaGrammar converter = new JsonSchemaGrammar(schema);
        converter.usedNames.add("root");
        String body = converter.body(schema, "#");
        StringBuilder grammar = new StringBuilder("root ::= ").append(body).append('\n');
        converter.rules.forEach((name, ruleBody) ->
                grammar.append(name).append(" ::= ").append(ruleBody).append('\n'));
        return grammar.append(PRIMITIVES).toString();
    }

    /** The JSON escape sequence for a character JSON cannot write raw ('"', '\', controls). */
    static String jsonEscape(int codePoint) {
        return switch (codePoint) {
            case '"' -> "\\\"";
            case '\\' -> "\\\\";
            case '\n' -> "\\n";
            case '\t' -> "\\t";
            case '\r' -> "\\r";
            case '\b' -> "\\b";
            case '\f' -> "\\f";
            default -> String.format("\\u%04x", codePoint);
        };
    }

    /** A rule name for a schema, registered with its body; returns the name. */
    private String rule(String hint, String body) {
        String name = uniqueName(hint);
        rules.put(name, body);
        return name;
    }

    private String uniqueName(String hint) {
        String base = hint.replaceAll("[^a-zA-Z0-9-]+", "-").replaceAll("^-+|-+$", "");
        if (base.isEmpty() || base.startsWith("json-") || base.equals("space")) {
            base = "s-" + base;
        }
        String name = base;
        for (int suffix = 2; usedNames.contains(name); suffix++) {
            name = base + "-" + suffix;
        }
        usedNames.add(name);
        return name;
    }

    /** A GBNF expression (ending with "space") for the values valid against {@code schema}. */
    private String body(JsonNode schema, String path) {
        if (schema.isBoolean()) {
            if (!schema.booleanValue()) {
                throw unsupported(path, "the schema 'false' admits no value");
            }
            return "json-value";
        }
        if (!schema.isObject()) {
            throw unsupported(path, "a schema must be an object or a boolean");
        }
        for (Iterator<String> keywords = schema.fieldNames(); keywords.hasNext(); ) {
            String keyword = keywords.next();
            if (!SUPPORTED.contains(keyword) && !ANNOTATIONS.contains(keyword)) {
                throw unsupported(path + "/" + keyword, "unsupported keyword '" + keyword + "'");
            }
        }
        if (schema.has("$ref")) {
            onlyAlongside(schema, path, "$ref");
            return reference(schema.get("$ref").asText(), path);
        }
        for (String combinator : List.of("anyOf", "oneOf", "allOf")) {
            if (schema.has(combinator)) {
                onlyAlongside(schema, path, combinator);
                JsonNode branches = schema.get(combinator);
                if (!branches.isArray() || branches.isEmpty()) {
                    throw unsupported(path + "/" + combinator, combinator + " must be a non-empty array");
                }
                if (combinator.equals("allOf") && branches.size() != 1) {
                    throw unsupported(path + "/allOf", "allOf with more than one schema is not supported");
                }
                List<String> alternatives = new ArrayList<>();
                for (int i = 0; i < branches.size(); i++) {
                    String branchPath = path + "/" + combinator + "/" + i;
                    alternatives.add(rule(hintOf(branchPath), body(branches.get(i), branchPath)));
                }
                return "(" + String.join(" | ", alternatives) + ")";
            }
        }
        if (schema.has("const")) {
            return "(" + jsonLiteral(schema.get("const")) + ") space";
        }
        if (schema.has("enum")) {
            JsonNode values = schema.get("enum");
            if (!values.isArray() || values.isEmpty()) {
                throw unsupported(path + "/enum", "enum must be a non-empty array");
            }
            List<String> alternatives = new ArrayList<>();
            values.forEach(value -> alternatives.add(jsonLiteral(value)));
            return "(" + String.join(" | ", alternatives) + ") space";
        }
        JsonNode type = schema.get("type");
        if (type != null && type.isArray()) {
            List<String> alternatives = new ArrayList<>();
            for (JsonNode single : type) {
                ObjectNode narrowed = ((ObjectNode) schema).deepCopy();
                narrowed.set("type", single);
                alternatives.add(rule(hintOf(path) + "-" + single.asText(), body(narrowed, path)));
            }
            return "(" + String.join(" | ", alternatives) + ")";
        }
        String typeName = type != null ? type.asText() : impliedType(schema);
        return switch (typeName) {
            case "object" -> JsonObjectGrammar.body(this, schema, path);
            case "array" -> array(schema, path);
            case "string" -> string(schema, path);
            case "number" -> {
                for (String bound : List.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")) {
                    if (schema.has(bound)) {
                        throw unsupported(path + "/" + bound, bound + " is only supported for type integer");
                    }
                }
                yield "json-number";
            }
            case "integer" -> IntegerRangeGrammar.forSchema(schema, path);
            case "boolean" -> "json-boolean";
            case "null" -> "json-null";
            case "any" -> "json-value";
            default -> throw unsupported(path + "/type", "unknown type '" + typeName + "'");
        };
    }

    private static String impliedType(JsonNode schema) {
        if (schema.has("properties") || schema.has("additionalProperties") || schema.has("required")) {
            return "object";
        }
        if (schema.has("items") || schema.has("minItems") || schema.has("maxItems")) {
            return "array";
        }
        if (schema.has("minLength") || schema.has("maxLength") || schema.has("pattern")) {
            return "string";
        }
        if (schema.has("minimum")
                || schema.has("maximum")
                || schema.has("exclusiveMinimum")
                || schema.has("exclusiveMaximum")) {
            return "integer"; // a subset of the numbers the bounds admit; bounds on other numbers are unsupported
        }
        return "any";
    }

    /** A rule for a sub-schema at {@code path}; used by the object grammar for property values. */
    String valueRule(JsonNode schema, String path) {
        return rule(hintOf(path), body(schema, path));
    }

    String namedRule(String hint, String body) {
        return rule(hint, body);
    }

    private String reference(String ref, String path) {
        String existing = refRules.get(ref);
        if (existing != null) {
            return existing;
        }
        if (!ref.equals("#") && !ref.startsWith("#/")) {
            throw unsupported(
                    path + "/$ref", "only local references ('#', '#/$defs/...') are supported, got '" + ref + "'");
        }
        JsonNode target = rootSchema.at(ref.substring(1));
        if (target.isMissingNode()) {
            throw unsupported(path + "/$ref", "reference '" + ref + "' points at nothing");
        }
        String name = uniqueName(ref.equals("#") ? "root-ref" : ref.substring(ref.lastIndexOf('/') + 1));
        refRules.put(ref, name);
        rules.put(name, ""); // placeholder keeps declaration order; recursive references see the name already
        rules.put(name, body(target, ref));
        return name;
    }

    private String array(JsonNode schema, String path) {
        JsonNode items = schema.get("items");
        if (items != null && items.isArray()) {
            throw unsupported(path + "/items", "tuple 'items' arrays are not supported");
        }
        String item = items == null ? "json-value" : rule(hintOf(path) + "-item", body(items, path + "/items"));
        int min = count(schema, "minItems", 0, path);
        int max = count(schema, "maxItems", -1, path);
        if (max >= 0 && max < min) {
            throw unsupported(path + "/maxItems", "maxItems " + max + " is below minItems " + min);
        }
        if (max == 0) {
            return "\"[\" space \"]\" space";
        }
        String more = "(\",\" space " + item + "){" + Math.max(min - 1, 0) + "," + (max < 0 ? "" : max - 1) + "}";
        String elements = item + " " + more;
        return "\"[\" space " + (min == 0 ? "(" + elements + ")?" : elements) + " \"]\" space";
    }

    private String string(JsonNode schema, String path) {
        int minLength = count(schema, "minLength", 0, path);
        int maxLength = count(schema, "maxLength", -1, path);
        if (schema.has("pattern")) {
            if (schema.has("minLength") || schema.has("maxLength")) {
                throw unsupported(path + "/pattern", "pattern together with minLength/maxLength is not supported");
            }
            String pattern = schema.get("pattern").asText();
            String content = RegexGrammar.expression(anchoredPattern(pattern), true);
            return "\"\\\"\" " + content + " \"\\\"\" space";
        }
        if (maxLength >= 0 && maxLength < minLength) {
            throw unsupported(path + "/maxLength", "maxLength " + maxLength + " is below minLength " + minLength);
        }
        if (minLength == 0 && maxLength < 0) {
            return "json-string";
        }
        return "\"\\\"\" json-char{" + minLength + "," + (maxLength < 0 ? "" : maxLength) + "} \"\\\"\" space";
    }

    /** JSON Schema patterns search (ECMA-262), so an unanchored end may be extended by any characters. */
    private static String anchoredPattern(String pattern) {
        boolean anchoredStart = pattern.startsWith("^");
        int backslashes = 0;
        for (int i = pattern.length() - 2; i >= 0 && pattern.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        boolean anchoredEnd = pattern.endsWith("$") && backslashes % 2 == 0;
        String core = pattern.substring(anchoredStart ? 1 : 0, anchoredEnd ? pattern.length() - 1 : pattern.length());
        String anything = "(?:[^\\n]|\\n)*";
        return "^" + (anchoredStart ? "" : anything) + "(?:" + core + ")" + (anchoredEnd ? "" : anything) + "$";
    }

    private static int count(JsonNode schema, String keyword, int absent, String path) {
        JsonNode value = schema.get(keyword);
        if (value == null) {
            return absent;
        }
        if (!value.canConvertToInt() || value.asInt() < 0 || !value.isIntegralNumber()) {
            throw unsupported(path + "/" + keyword, keyword + " must be a non-negative integer, got " + value);
        }
        return value.asInt();
    }

    private static void onlyAlongside(JsonNode schema, String path, String keyword) {
        for (Iterator<String> keywords = schema.fieldNames(); keywords.hasNext(); ) {
            String other = keywords.next();
            if (!other.equals(keyword) && !ANNOTATIONS.contains(other)) {
                throw unsupported(path + "/" + other, "'" + other + "' next to '" + keyword + "' is not supported");
            }
        }
    }

    /** A GBNF literal for the exact JSON text of a value (compact). */
    static String jsonLiteral(JsonNode value) {
        try {
            return RegexGrammar.gbnfLiteral(MAPPER.writeValueAsString(value));
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("cannot serialize " + value, impossible);
        }
    }

    static String hintOf(String path) {
        String hint = path.replace("#", "root").replace("/properties/", "-").replace("/$defs/", "-");
        return hint.replace("/definitions/", "-");
    }

    static GrammarSyntaxException unsupported(String path, String problem) {
        return new GrammarSyntaxException("JSON Schema at " + path + ": " + problem);
    }
}
