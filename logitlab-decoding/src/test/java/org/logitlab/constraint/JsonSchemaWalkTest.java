package org.logitlab.constraint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random generation under a JSON Schema constraint, without a model: every finished walk must parse as JSON and
 * pass an independent JSON Schema validator.
 */
class JsonSchemaWalkTest {

    private static final ObjectMapper STRICT =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    static final String NESTED_OBJECTS = """
            {"type": "object",
             "properties": {
               "name": {"type": "string", "minLength": 1, "maxLength": 12},
               "address": {"type": "object",
                           "properties": {"street": {"type": "string", "maxLength": 10},
                                          "number": {"type": "integer"},
                                          "unit": {"type": ["string", "null"], "maxLength": 3}},
                           "required": ["street", "number"]},
               "nickname": {"type": "string", "maxLength": 5},
               "verified": {"type": "boolean"}},
             "required": ["name", "address"],
             "additionalProperties": false}""";

    static final String BOUNDED_ARRAYS = """
            {"type": "object",
             "properties": {
               "scores": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 4},
               "matrix": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}, "maxItems": 2},
                          "minItems": 1, "maxItems": 2},
               "empty": {"type": "array", "maxItems": 0}},
             "required": ["scores", "matrix", "empty"]}""";

    static final String ENUMS_AND_SCALARS = """
            {"type": "object",
             "properties": {
               "color": {"enum": ["red", "green", "blue", 7, null, "quote\\"d"]},
               "version": {"const": {"major": 1, "tags": ["x"]}},
               "ratio": {"type": "number"},
               "count": {"type": "integer"},
               "flag": {"type": "boolean"},
               "nothing": {"type": "null"}},
             "required": ["color", "version", "ratio", "count", "flag", "nothing"]}""";

    static final String REFERENCES_AND_UNIONS = """
            {"$defs": {
               "leaf": {"type": "object", "properties": {"value": {"type": "integer"}}, "required": ["value"]},
               "tree": {"type": "object",
                        "properties": {"kind": {"const": "node"},
                                       "children": {"type": "array", "items": {"$ref": "#/$defs/tree"}, "maxItems": 2}},
                        "required": ["kind"]}},
             "definitions": {"code": {"type": "string", "maxLength": 4}},
             "type": "object",
             "properties": {
               "item": {"oneOf": [{"$ref": "#/$defs/leaf"}, {"type": "string", "maxLength": 6}, {"type": "null"}]},
               "either": {"anyOf": [{"type": "integer"}, {"type": "boolean"}]},
               "tree": {"$ref": "#/$defs/tree"},
               "code": {"$ref": "#/definitions/code"}},
             "required": ["item", "either", "tree"]}""";

    static final String PATTERNS = """
            {"type": "object",
             "properties": {
               "code": {"type": "string", "pattern": "^[A-Z]{2}-\\\\d{3}$"},
               "slug": {"type": "string", "pattern": "^[a-z]+(-[a-z]+)*$"},
               "loose": {"type": "string", "pattern": "^ab?c"},
               "path": {"type": "string", "pattern": "^/(\\\\w+/){0,2}[\\"\\\\\\\\]?$"}},
             "required": ["code", "slug", "loose", "path"]}""";

    /** Patterns whose strings are bounded, so walks over a 50k vocabulary (few tokens close a string) finish. */
    static final String BOUNDED_PATTERNS = """
            {"type": "array", "minItems": 1, "maxItems": 3,
             "items": {"type": "string", "pattern": "^[A-Z]{2}-\\\\d{3}( [a-zé]{1,4}|🎉)?$"}}""";

    static final String INTEGER_RANGES = """
            {"type": "object",
             "properties": {
               "small": {"type": "integer", "minimum": -15, "maximum": 1234},
               "natural": {"type": "integer", "minimum": 0},
               "negative": {"exclusiveMinimum": -3.5, "exclusiveMaximum": 0},
               "year": {"type": "integer", "minimum": 1900, "maximum": 2100}},
             "required": ["small", "natural", "negative", "year"]}""";

    static final String ADDITIONAL_PROPERTIES = """
            {"type": "object",
             "title": "extras", "description": "annotations are ignored",
             "properties": {"id": {"type": "integer"}, "ids": {"type": "boolean"}},
             "required": ["id"],
             "additionalProperties": {"type": "string", "maxLength": 3}}""";

    @ParameterizedTest
    @ValueSource(
            strings = {
                "NESTED_OBJECTS",
                "BOUNDED_ARRAYS",
                "ENUMS_AND_SCALARS",
                "REFERENCES_AND_UNIONS",
                "PATTERNS",
                "BOUNDED_PATTERNS",
                "INTEGER_RANGES",
                "ADDITIONAL_PROPERTIES"
            })
    void randomWalksProduceValidJson(String schemaName) throws Exception {
        String schema =
                (String) JsonSchemaWalkTest.class.getDeclaredField(schemaName).get(null);
        assertWalksValidate(schema, TestVocabularies.stories260K(), 200, schemaName.hashCode());
    }

    @Test
    void jsonObjectConstraintProducesObjects() {
        TokenVocabulary vocabulary = TestVocabularies.stories260K();
        Random random = new Random(11);
        int finished = 0;
        for (int walk = 0; walk < 200; walk++) {
            String text = TestVocabularies.randomWalk(Constraints.jsonObject(vocabulary), vocabulary, random, 3000);
            if (text != null) {
                assertThat(parse(text).isObject()).as(text).isTrue();
                finished++;
            }
        }
        assertThat(finished).isGreaterThan(180);
    }

    @ParameterizedTest
    @ValueSource(strings = {"NESTED_OBJECTS", "REFERENCES_AND_UNIONS", "BOUNDED_PATTERNS"})
    void walksOnALargeByteLevelVocabularyNeverHitAnEmptyMask(String schemaName) throws Exception {
        String schema =
                (String) JsonSchemaWalkTest.class.getDeclaredField(schemaName).get(null);
        // randomWalk fails on any empty mask while the text is incomplete.
        assertWalksValidate(schema, TestVocabularies.gpt2(), 15, schemaName.hashCode());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"type\": \"number\", \"minimum\": 3}                          | #/minimum | only supported for type integer",
                "{\"properties\": {\"a\": {\"not\": {}}}}                          | #/properties/a/not | 'not'",
                "{\"$ref\": \"http://example.com/s.json\"}                       | #/$ref | only local references",
                "{\"$ref\": \"#/$defs/missing\"}                                 | #/$ref | points at nothing",
                "{\"type\": \"array\", \"items\": [{}]}                            | #/items | tuple",
                "{\"type\": \"wat\"}                                             | #/type | unknown type",
            })
    void unsupportedKeywordsAreReportedWithTheirPath(String schema, String path, String problem) {
        assertThatThrownBy(() -> JsonSchemaGrammar.toGbnf(schema))
                .isInstanceOf(GrammarSyntaxException.class)
                .hasMessageContaining(path)
                .hasMessageContaining(problem);
    }

    private static void assertWalksValidate(String schemaText, TokenVocabulary vocabulary, int walks, long seed) {
        JsonSchema validator =
                JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaText);
        Constraint start = Constraints.jsonSchema(schemaText, vocabulary);
        Random random = new Random(seed);
        int finished = 0;
        for (int walk = 0; walk < walks; walk++) {
            String text = TestVocabularies.randomWalk(start.copy(), vocabulary, random, 4000);
            if (text == null) {
                continue;
            }
            finished++;
            if (walk < 2 && Boolean.getBoolean("logitlab.constraint.printWalks")) {
                System.out.println("sample: " + text);
            }
            Set<ValidationMessage> problems = validator.validate(parse(text));
            assertThat(problems).as("walk %d produced %s", walk, text).isEmpty();
        }
        assertThat(finished).as("walks that finished").isGreaterThanOrEqualTo(walks * 9 / 10);
    }

    private static JsonNode parse(String text) {
        try {
            return STRICT.readTree(text);
        } catch (Exception notJson) {
            throw new AssertionError("not JSON: " + text, notJson);
        }
    }
}
