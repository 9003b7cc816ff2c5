package org.logitlab.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.logitlab.constraint.Constraint;
import org.logitlab.constraint.Constraints;
import org.logitlab.constraint.TokenVocabulary;

/**
 * Structured output: the logitlab extensions {@code grammar} (GBNF, llama.cpp's format), {@code regex} and
 * {@code json_schema} (as llama.cpp's server names them) and OpenAI's {@code response_format} {@code json_object}
 * / {@code json_schema}. The constraint is compiled here, on the request's thread, so a bad grammar is a 400
 * naming its field before anything is queued and the engine thread never parses. It is compiled once per
 * request, and each choice gets its own {@link Constraint#copy()}.
 */
final class ConstraintFields {
    private ConstraintFields() {}

    /**
     * A requested constraint, not compiled yet: compiling builds a trie over the vocabulary, so it waits until
     * every other field has been validated.
     *
     * @param param the field it came from, named in errors
     */
    record Requested(String param, Supplier<Constraint> compiler) {

        /** The constraint at its start state; a grammar, regex or schema the engine refuses is a 400. */
        Constraint compile() {
            try {
                return compiler.get();
            } catch (IllegalArgumentException invalid) { // GrammarSyntaxException says where and why
                throw ApiException.invalid(param, "invalid '" + param + "': " + invalid.getMessage());
            }
        }
    }

    /** @return the requested constraint, or null when the output is unconstrained */
    static Requested read(Fields fields, ServedModel served) {
        TokenVocabulary vocabulary = served.constraintVocabulary();
        List<Requested> requested = new ArrayList<>();
        fields.string("grammar")
                .ifPresent(grammar ->
                        requested.add(new Requested("grammar", () -> Constraints.gbnf(grammar, vocabulary))));
        fields.string("regex")
                .ifPresent(regex -> requested.add(new Requested("regex", () -> Constraints.regex(regex, vocabulary))));
        fields.object("json_schema")
                .ifPresent(schema -> requested.add(
                        new Requested("json_schema", () -> Constraints.jsonSchema(Json.write(schema), vocabulary))));
        fields.object("response_format")
                .map(format -> responseFormat(fields.nested("response_format", format), vocabulary))
                .ifPresent(requested::add);
        if (requested.isEmpty()) {
            return null;
        }
        if (requested.size() > 1) {
            // two languages would have to be intersected; refusing is clearer than picking one silently
            throw ApiException.invalid(
                    requested.get(1).param(),
                    "'" + requested.get(1).param() + "' cannot be combined with '"
                            + requested.get(0).param()
                            + "': give one of grammar, regex, json_schema or a JSON response_format");
        }
        return requested.getFirst();
    }

    /** Compiles {@code requested} (null: unconstrained, returns null). */
    static Constraint compile(Requested requested) {
        return requested == null ? null : requested.compile();
    }

    /** OpenAI's {@code response_format}: {@code text} (the default) constrains nothing. */
    private static Requested responseFormat(Fields format, TokenVocabulary vocabulary) {
        String type = format.string("type")
                .orElseThrow(() -> ApiException.invalid("response_format.type", "'response_format.type' is required"));
        Requested requested =
                switch (type) {
                    case "text" -> null;
                    case "json_object" -> new Requested("response_format", () -> Constraints.jsonObject(vocabulary));
                    case "json_schema" -> jsonSchemaFormat(format, vocabulary);
                    default ->
                        throw ApiException.invalid(
                                "response_format.type",
                                "'response_format.type' must be 'text', 'json_object' or 'json_schema', got '" + type
                                        + "'");
                };
        format.rejectUnknown();
        return requested;
    }

    /**
     * {@code {"type": "json_schema", "json_schema": {"name", "description", "schema", "strict"}}}. The output
     * always follows the schema, so {@code strict} changes nothing; without a {@code schema} any JSON object is
     * allowed.
     */
    private static Requested jsonSchemaFormat(Fields format, TokenVocabulary vocabulary) {
        ObjectNode wrapper = format.object("json_schema")
                .orElseThrow(() -> ApiException.invalid(
                        "response_format.json_schema",
                        "'response_format.json_schema' is required when type is 'json_schema'"));
        Fields wrapperFields = format.nested("json_schema", wrapper);
        wrapperFields.string("name");
        wrapperFields.string("description");
        ObjectNode schema = wrapperFields.object("schema").orElse(null);
        wrapperFields.bool("strict", false);
        wrapperFields.rejectUnknown();
        if (schema == null) {
            return new Requested("response_format.json_schema", () -> Constraints.jsonObject(vocabulary));
        }
        return new Requested(
                "response_format.json_schema.schema", () -> Constraints.jsonSchema(Json.write(schema), vocabulary));
    }
}
