package org.logitlab.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.logitlab.constraint.Constraints;
import org.logitlab.constraint.TokenVocabularies;
import org.logitlab.generation.GenerationResult;
import org.logitlab.generation.Generator;
import org.logitlab.sampling.SamplerChain;
import org.logitlab.sampling.SamplerChains;
import org.logitlab.sampling.SamplerSettings;

/**
 * grammar, regex, json_schema and response_format: the output is a sentence of the language, ends with "stop",
 * and equals what the engine's own Generator produces with the same constraint and seed.
 */
class ConstrainedOutputTest {
    /** Small enough that the tiny embedded model finishes it well within max_tokens. */
    private static final String PERSON_SCHEMA = """
            {"type": "object",
             "properties": {
               "name": {"type": "string", "maxLength": 12},
               "age": {"type": "integer", "minimum": 0, "maximum": 120},
               "happy": {"type": "boolean"}},
             "required": ["name", "age", "happy"],
             "additionalProperties": false}""";

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JsonNode ok(TestServer.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    @Test
    void chatWithAJsonSchemaResponseFormatReturnsJsonValidAgainstTheSchema() throws Exception {
        String body = "{\"messages\": [{\"role\": \"user\", \"content\": \"Tell me about a person.\"}],"
                + " \"n\": 3, \"seed\": 11, \"max_tokens\": 200, \"logprobs\": true,"
                + " \"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"person\","
                + " \"strict\": true, \"schema\": " + PERSON_SCHEMA + "}}}";
        JsonNode choices = ok(server.post("/v1/chat/completions", body)).get("choices");
        assertThat(choices.size()).isEqualTo(3);
        for (JsonNode choice : choices) {
            assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
            String content = choice.get("message").get("content").asText();
            JsonNode person = TestServer.JSON.readTree(content);
            assertThat(person.isObject()).as(content).isTrue();
            assertThat(fieldNames(person)).as(content).containsExactlyInAnyOrder("name", "age", "happy");
            assertThat(person.get("name").isTextual()).as(content).isTrue();
            assertThat(person.get("name")
                            .asText()
                            .codePointCount(0, person.get("name").asText().length()))
                    .as(content)
                    .isLessThanOrEqualTo(12);
            assertThat(person.get("age").isIntegralNumber()).as(content).isTrue();
            assertThat(person.get("age").asInt()).as(content).isBetween(0, 120);
            assertThat(person.get("happy").isBoolean()).as(content).isTrue();
            // log-probs stay the model's raw ones: finite, never above 0, as if unconstrained
            for (JsonNode token : choice.get("logprobs").get("content")) {
                assertThat(token.get("logprob").asDouble()).isLessThanOrEqualTo(0.0);
            }
        }
    }

    @Test
    void chatWithJsonObjectResponseFormatReturnsJsonObjects() throws Exception {
        // a story model rarely closes a JSON string or object by itself: favour the closing tokens so that the
        // objects end well within max_tokens (the constraint still decides where each may appear)
        ObjectNode body = (ObjectNode) TestServer.JSON.readTree(
                "{\"messages\": [{\"role\": \"user\", \"content\": \"JSON please\"}], \"seed\": 5, \"n\": 4,"
                        + " \"max_tokens\": 150, \"response_format\": {\"type\": \"json_object\"}}");
        ObjectNode bias = body.putObject("logit_bias");
        for (int token : tokensContaining("\"", "}")) {
            bias.put(String.valueOf(token), 10);
        }
        for (JsonNode choice :
                ok(server.post("/v1/chat/completions", body.toString())).get("choices")) {
            String content = choice.get("message").get("content").asText();
            assertThat(choice.get("finish_reason").asText()).as(content).isEqualTo("stop");
            assertThat(TestServer.JSON.readTree(content).isObject()).as(content).isTrue();
        }
    }

    private static List<Integer> tokensContaining(String... parts) {
        var tokenizer = server.model.tokenizer();
        List<Integer> tokens = new java.util.ArrayList<>();
        for (int id = 0; id < server.model.config().vocabularySize(); id++) {
            String spelled = new String(tokenizer.tokenBytes(id), java.nio.charset.StandardCharsets.UTF_8);
            for (String part : parts) {
                if (spelled.contains(part)) {
                    tokens.add(id);
                    break;
                }
            }
        }
        assertThat(tokens)
                .as("tokens of the embedded model containing %s", List.of(parts))
                .isNotEmpty();
        return tokens;
    }

    @Test
    void grammarCompletionsFullyMatchTheGrammarForEveryChoice() {
        String grammar = "root ::= (\"cat\" | \"dog\" | \"bird\") \"s\"? \" \" [0-9] [0-9]? \".\"";
        ObjectNode body = TestServer.JSON.createObjectNode();
        body.put("prompt", "Once upon a time");
        body.put("grammar", grammar);
        body.put("n", 4);
        body.put("seed", 3);
        body.put("max_tokens", 40);
        JsonNode choices = ok(server.post("/v1/completions", body.toString())).get("choices");
        Pattern language = Pattern.compile("(cat|dog|bird)s? [0-9][0-9]?\\.");
        assertThat(choices.size()).isEqualTo(4);
        for (JsonNode choice : choices) {
            assertThat(choice.get("text").asText()).matches(language);
            assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
        }
    }

    @Test
    void regexCompletionsFullyMatchAndStreamTheSameText() {
        String regex = "[A-Z][a-z]{2,8} (is|was) [0-9]{1,2}";
        ObjectNode body = TestServer.JSON.createObjectNode();
        body.put("prompt", "The answer");
        body.put("regex", regex);
        body.put("seed", 9);
        body.put("max_tokens", 40);
        JsonNode choice = ok(server.post("/v1/completions", body.toString()))
                .get("choices")
                .get(0);
        assertThat(choice.get("text").asText()).matches(regex);
        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");

        body.put("stream", true);
        TestServer.Response streamed = server.post("/v1/completions", body.toString());
        StringBuilder text = new StringBuilder();
        for (JsonNode chunk : TestServer.events(streamed.body())) {
            for (JsonNode streamedChoice : chunk.get("choices")) {
                text.append(streamedChoice.get("text").asText());
            }
        }
        assertThat(text.toString()).isEqualTo(choice.get("text").asText());
    }

    @Test
    void constrainedCompletionEqualsTheGeneratorWithTheSameConstraint() {
        String regex = "(yes|no|maybe), [a-z]{1,6}!";
        int maxTokens = 30;
        long seed = 21;
        ObjectNode body = TestServer.JSON.createObjectNode();
        body.put("prompt", "Once upon a time");
        body.put("regex", regex);
        body.put("seed", seed);
        body.put("max_tokens", maxTokens);
        body.put("logprobs", 2);
        JsonNode choice = ok(server.post("/v1/completions", body.toString()))
                .get("choices")
                .get(0);

        var tokenizer = server.model.tokenizer();
        int[] prompt = tokenizer.encode("Once upon a time", true, false);
        SamplerSettings settings = SamplerSettings.builder()
                .temperature(1.0)
                .topP(1.0)
                .topK(0)
                .minP(0.0)
                .repeatLastN(-1)
                .seed(seed)
                .build();
        int context = prompt.length + maxTokens;
        SamplerChain chain = SamplerChains.create(
                settings, server.model.config().vocabularySize(), context, id -> "", text -> new int[0]);
        GenerationResult expected = new Generator(
                        server.model.newSession(context),
                        tokenizer,
                        chain,
                        Constraints.regex(regex, TokenVocabularies.of(tokenizer)))
                .generate(prompt, maxTokens, 2, token -> {});

        assertThat(choice.get("text").asText()).isEqualTo(expected.text()).matches(regex);
        JsonNode logProbs = choice.get("logprobs").get("token_logprobs");
        List<Double> expectedLogProbs = expected.tokens().stream()
                .filter(token -> !tokenizer.isEndOfGeneration(token.token()))
                .map(token -> token.logProbs().logProb())
                .toList();
        assertThat(logProbs.size()).isEqualTo(expectedLogProbs.size());
        for (int i = 0; i < expectedLogProbs.size(); i++) {
            assertThat(logProbs.get(i).asDouble())
                    .as("raw log-prob of token %d", i)
                    .isCloseTo(expectedLogProbs.get(i), within(1e-4));
        }
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new java.util.ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
