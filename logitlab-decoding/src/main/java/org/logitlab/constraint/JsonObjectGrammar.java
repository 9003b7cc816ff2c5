package org.logitlab.constraint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The object part of {@link JsonSchemaGrammar}: required properties first in declaration order, then the optional
 * ones in order (any subset), then additional properties, as llama.cpp's {@code _build_object_rule} orders them.
 * Additional keys are strings that differ from every declared name, spelled out as a trie of the declared names
 * (llama.cpp's {@code _not_strings}).
 */
final class JsonObjectGrammar {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private enum Presence {
        REQUIRED,
        OPTIONAL,
        REPEATED
    }

    private record Member(String rule, Presence presence) {}

    private JsonObjectGrammar() {}

    static String body(JsonSchemaGrammar converter, JsonNode schema, String path) {
        JsonNode properties = schema.has("properties") ? schema.get("properties") : MAPPER.createObjectNode();
        if (!properties.isObject()) {
            throw JsonSchemaGrammar.unsupported(path + "/properties", "properties must be an object");
        }
        Set<String> required = new LinkedHashSet<>();
        JsonNode requiredNode = schema.get("required");
        if (requiredNode != null) {
            if (!requiredNode.isArray()) {
                throw JsonSchemaGrammar.unsupported(path + "/required", "required must be an array of names");
            }
            requiredNode.forEach(name -> required.add(name.asText()));
        }
        String hint = JsonSchemaGrammar.hintOf(path);
        List<Member> members = new ArrayList<>();
        List<String> optional = new ArrayList<>();
        Set<String> declared = new LinkedHashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = properties.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            declared.add(field.getKey());
            String value = converter.valueRule(field.getValue(), path + "/properties/" + field.getKey());
            String member = converter.namedRule(
                    hint + "-" + field.getKey() + "-kv",
                    JsonSchemaGrammar.jsonLiteral(MAPPER.getNodeFactory().textNode(field.getKey()))
                            + " space \":\" space " + value);
            if (required.contains(field.getKey())) {
                members.add(new Member(member, Presence.REQUIRED));
            } else {
                optional.add(member);
            }
        }
        for (String name : required) {
            if (!declared.contains(name)) {
                declared.add(name);
                members.add(new Member(
                        converter.namedRule(
                                hint + "-" + name + "-kv",
                                JsonSchemaGrammar.jsonLiteral(
                                                MAPPER.getNodeFactory().textNode(name))
                                        + " space \":\" space json-value"),
                        Presence.REQUIRED));
            }
        }
        optional.forEach(member -> members.add(new Member(member, Presence.OPTIONAL)));
        JsonNode additional = schema.get("additionalProperties");
        if (additional != null && !(additional.isBoolean() && !additional.booleanValue())) {
            String value = additional.isBoolean()
                    ? "json-value"
                    : converter.valueRule(additional, path + "/additionalProperties");
            String key =
                    converter.namedRule(hint + "-additional-key", "\"\\\"\" " + keyNotIn(declared) + " \"\\\"\" space");
            members.add(new Member(
                    converter.namedRule(hint + "-additional-kv", key + " \":\" space " + value), Presence.REPEATED));
        }
        return "\"{\" space " + sequence(members, 0, true) + " \"}\" space";
    }

    /** Members from {@code index} on; {@code first} means no member has been written yet (so no comma before it). */
    private static String sequence(List<Member> members, int index, boolean first) {
        if (index == members.size()) {
            return "";
        }
        Member member = members.get(index);
        String withComma = "\",\" space " + member.rule();
        if (!first) {
            return switch (member.presence()) {
                case REQUIRED -> withComma + " " + sequence(members, index + 1, false);
                case OPTIONAL -> "(" + withComma + ")? " + sequence(members, index + 1, false);
                case REPEATED -> "(" + withComma + ")*";
            };
        }
        return switch (member.presence()) {
            case REQUIRED -> member.rule() + " " + sequence(members, index + 1, false);
            case OPTIONAL ->
                "(" + member.rule() + " " + sequence(members, index + 1, false) + " | "
                        + sequence(members, index + 1, true) + ")";
            case REPEATED -> "(" + member.rule() + " (" + withComma + ")*)?";
        };
    }

    /** The encoded content of a JSON string that is none of {@code names}. */
    static String keyNotIn(Set<String> names) {
        Node root = new Node();
        for (String name : names) {
            Node node = root;
            for (int codePoint : name.codePoints().toArray()) {
                node = node.children.computeIfAbsent(codePoint, ignored -> new Node());
            }
            node.word = true;
        }
        return root.expression();
    }

    private static final class Node {
        final Map<Integer, Node> children = new TreeMap<>();
        boolean word;

        String expression() {
            List<String> alternatives = new ArrayList<>();
            StringBuilder excluded = new StringBuilder("[^\"\\\\\\x7F\\x00-\\x1F");
            for (Map.Entry<Integer, Node> child : children.entrySet()) {
                StringBuilder single = new StringBuilder("[");
                CharacterSet.appendEscaped(single, child.getKey());
                alternatives.add(single.append("] ")
                        .append(child.getValue().expression())
                        .toString());
                CharacterSet.appendEscaped(excluded, child.getKey());
            }
            // Any other character (or any escape) leaves every declared name behind.
            alternatives.add("(" + excluded + "] | json-escape) json-char*");
            if (!word) {
                alternatives.add("");
            }
            return "(" + String.join(" | ", alternatives) + ")";
        }
    }
}
