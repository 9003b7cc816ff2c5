package org.logitlab.constraint;

/** Factories for the constraints the engine offers: GBNF grammars, JSON Schemas, any JSON object, and regexes. */
public final class Constraints {

    private Constraints() {}

    /** Text matching the {@code root} rule of a GBNF grammar (llama.cpp's format). */
    public static Constraint gbnf(String grammar, TokenVocabulary vocabulary) {
        return GrammarConstraint.of(Grammar.parseGbnf(grammar), requireVocabulary(vocabulary));
    }

    /** JSON text valid against a JSON Schema (the subset {@link JsonSchemaGrammar} documents). */
    public static Constraint jsonSchema(String schemaJson, TokenVocabulary vocabulary) {
        return GrammarConstraint.of(
                Grammar.parseGbnf(JsonSchemaGrammar.toGbnf(schemaJson)), requireVocabulary(vocabulary));
    }

    /** Any JSON object, for OpenAI's {@code response_format: {"type": "json_object"}}. */
    public static Constraint jsonObject(TokenVocabulary vocabulary) {
        return GrammarConstraint.of(
                Grammar.parseGbnf(JsonSchemaGrammar.toGbnf("{\"type\": \"object\", \"additionalProperties\": true}")),
                requireVocabulary(vocabulary));
    }

    /** Text that the whole regex matches (anchors are implicit), for the subset {@link RegexGrammar} documents. */
    public static Constraint regex(String pattern, TokenVocabulary vocabulary) {
        return GrammarConstraint.of(Grammar.parseGbnf(RegexGrammar.toGbnf(pattern)), requireVocabulary(vocabulary));
    }

    private static TokenVocabulary requireVocabulary(TokenVocabulary vocabulary) {
        if (vocabulary == null) {
            throw new IllegalArgumentException("vocabulary must not be null");
        }
        return vocabulary;
    }
}
