package org.logitlab.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * SEAM(constraints): structured-output fields are parsed and validated here, then refused with 400 "not
 * supported yet" until {@code org.logitlab.constraint} (grammar, JSON Schema and regex token masks) lands. To
 * plug it in: return a constraint description from {@link #read} instead of throwing, carry it in
 * {@link org.logitlab.server.scheduler.SequenceRequest}, and mask the logits in {@code Sequence} before the
 * sampler chain runs.
 */
final class ConstraintFields {
    private ConstraintFields() {}

    static void read(Fields fields) {
        fields.string("grammar").ifPresent(grammar -> {
            throw ApiException.notSupported("grammar", "constrained generation with a GBNF 'grammar'");
        });
        fields.string("regex").ifPresent(regex -> {
            throw ApiException.notSupported("regex", "constrained generation with a 'regex'");
        });
        fields.object("json_schema").ifPresent(schema -> {
            throw ApiException.notSupported("json_schema", "constrained generation with a 'json_schema'");
        });
        fields.object("response_format").ifPresent(format -> responseFormat(fields.nested("response_format", format)));
    }

    /** OpenAI's {@code response_format}: {@code text} is the default; JSON modes need constraints. */
    private static void responseFormat(Fields format) {
        String type = format.string("type")
                .orElseThrow(() -> ApiException.invalid("response_format.type", "'response_format.type' is required"));
        switch (type) {
            case "text" -> {}
            case "json_object" ->
                throw ApiException.notSupported("response_format", "response_format type 'json_object'");
            case "json_schema" -> {
                ObjectNode schema = format.object("json_schema")
                        .orElseThrow(() -> ApiException.invalid(
                                "response_format.json_schema",
                                "'response_format.json_schema' is required when type is 'json_schema'"));
                Fields schemaFields = format.nested("json_schema", schema);
                schemaFields.string("name");
                schemaFields.string("description");
                schemaFields.object("schema");
                schemaFields.bool("strict", false);
                schemaFields.rejectUnknown();
                throw ApiException.notSupported("response_format", "response_format type 'json_schema'");
            }
            default ->
                throw ApiException.invalid(
                        "response_format.type",
                        "'response_format.type' must be 'text', 'json_object' or 'json_schema', got '" + type + "'");
        }
        format.rejectUnknown();
    }
}
