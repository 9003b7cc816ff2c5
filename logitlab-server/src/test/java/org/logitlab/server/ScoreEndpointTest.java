package org.logitlab.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.logitlab.analysis.Analyzer;
import org.logitlab.analysis.TextAnalysis;
import org.logitlab.analysis.method.MethodScore;
import org.logitlab.analysis.method.ScoringMethod;
import org.logitlab.analysis.method.ScoringMethods;
import org.logitlab.analysis.scoring.ScoringOptions;
import org.logitlab.analysis.scoring.TextScorer;
import org.logitlab.analysis.scoring.TokenRecord;

/** POST /v1/score returns the analysis API's numbers for the same text, token by token and method by method. */
class ScoreEndpointTest {
    private static final String TEXT =
            "Once upon a time, there was a little cat. The cat liked to sit on the mat in the sun.";
    private static final double TOLERANCE = 1e-6;

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JsonNode score(String text, List<String> methods, int topLogprobs) {
        ObjectNode body = TestServer.JSON.createObjectNode();
        body.put("text", text);
        if (!methods.isEmpty()) {
            methods.forEach(body.putArray("methods")::add);
        }
        body.put("top_logprobs", topLogprobs);
        TestServer.Response response = server.post("/v1/score", body.toString());
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    private static TextAnalysis javaAnalysis(String text, ScoringOptions options, List<String> methods) {
        List<ScoringMethod> chosen = methods.stream()
                .map(name -> ScoringMethods.byName(name, ScoringMethods.Parameters.DEFAULT))
                .toList();
        return new Analyzer(new TextScorer(server.model, options), chosen).analyze(text);
    }

    private static void assertEqualsJavaApi(JsonNode response, TextAnalysis expected) {
        JsonNode tokens = response.get("tokens");
        assertThat(tokens.size()).isEqualTo(expected.tokens().size());
        for (int i = 0; i < tokens.size(); i++) {
            TokenRecord record = expected.tokens().get(i);
            JsonNode token = tokens.get(i);
            assertThat(token.get("id").asInt()).isEqualTo(record.token());
            assertThat(token.get("index").asInt()).isEqualTo(record.index());
            assertThat(token.get("logprob").asDouble())
                    .as("logprob %d", i)
                    .isCloseTo(record.logProb(), within(TOLERANCE));
            assertThat(token.get("rank").asInt()).as("rank %d", i).isEqualTo(record.rank());
            assertThat(token.get("entropy").asDouble())
                    .as("entropy %d", i)
                    .isCloseTo(record.entropy(), within(TOLERANCE));
            JsonNode top = token.get("top_logprobs");
            assertThat(top.size()).isEqualTo(record.alternatives().size());
            for (int j = 0; j < top.size(); j++) {
                assertThat(top.get(j).get("id").asInt())
                        .isEqualTo(record.alternatives().get(j).id());
                assertThat(top.get(j).get("logprob").asDouble())
                        .isCloseTo(record.alternatives().get(j).logProb(), within(TOLERANCE));
            }
        }
        JsonNode methods = response.get("methods");
        assertThat(methods.size()).isEqualTo(expected.scores().size());
        for (int m = 0; m < methods.size(); m++) {
            JsonNode method = methods.get(m);
            MethodScore score = expected.scores().get(m);
            assertThat(method.get("name").asText()).isEqualTo(score.method());
            assertThat(method.get("family").asText())
                    .isEqualTo(score.family().name().toLowerCase());
            assertThat(method.get("sign_convention").asText()).isEqualTo(score.signConvention());
            assertThat(method.get("score").asDouble())
                    .as(score.method())
                    .isCloseTo(score.score(), within(TOLERANCE * Math.max(1, Math.abs(score.score()))));
            assertThat(method.get("contributions_sum_to_score").asBoolean()).isEqualTo(score.contributionsSumToScore());
            JsonNode contributions = method.get("contributions");
            assertThat(contributions.size())
                    .as("contributions aligned with tokens")
                    .isEqualTo(tokens.size());
            for (int i = 0; i < contributions.size(); i++) {
                assertThat(contributions.get(i).asDouble())
                        .as("%s contribution %d", score.method(), i)
                        .isCloseTo(score.contributions()[i], within(TOLERANCE));
            }
        }
    }

    @Test
    void everyAvailableMethodScoresAsTheJavaApiDoes() {
        JsonNode response = score(TEXT, List.of(), 5);
        List<String> names = new ArrayList<>();
        response.get("methods").forEach(method -> names.add(method.get("name").asText()));
        assertThat(names)
                .contains("perplexity", "fast-detectgpt", "min-k-plus-plus", "zlib")
                .doesNotContain("binoculars", "dc-pdd");
        assertEqualsJavaApi(response, javaAnalysis(TEXT, ScoringOptions.DEFAULT, names));
        assertThat(response.get("context_token").get("id").asInt())
                .isEqualTo(server.model.tokenizer().encode(TEXT, true, false)[0]);
        StringBuilder text = new StringBuilder();
        response.get("tokens").forEach(token -> text.append(token.get("text").asText()));
        assertThat(text.toString().strip()).isEqualTo(TEXT);
    }

    @Test
    void chosenMethodsComeBackInTheOrderAsked() {
        List<String> methods = List.of("fast-detectgpt", "perplexity", "log-rank");
        JsonNode response = score(TEXT, methods, 0);
        assertEqualsJavaApi(response, javaAnalysis(TEXT, ScoringOptions.DEFAULT.withTopAlternatives(0), methods));
        assertThat(response.get("methods").get(0).get("family").asText()).isEqualTo("detection");
        assertThat(response.get("methods").get(1).get("sign_convention").asText())
                .startsWith("higher = ");
    }

    @Test
    void textLongerThanTheContextIsScoredInStridedWindowsLikeTheJavaApi() {
        String text = (TEXT + " ").repeat(30);
        int tokens = server.model.tokenizer().encode(text, true, false).length;
        int context = TestServer.config().contextLength();
        assertThat(tokens).isGreaterThan(context);
        List<String> methods = List.of("perplexity", "min-k");
        JsonNode response = score(text, methods, 2);
        assertThat(response.get("window").asInt()).isEqualTo(context);
        assertEqualsJavaApi(response, javaAnalysis(text, new ScoringOptions(context, 0, 2, true), methods));
    }

    @Test
    void scoringWhileGeneratingGivesTheSameNumbers() throws Exception {
        JsonNode solo = score(TEXT, List.of("perplexity", "entropy"), 3);
        try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
            List<Future<TestServer.Response>> generations = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                generations.add(pool.submit(() -> server.post(
                        "/v1/completions", "{\"prompt\": \"Once upon a time\", \"max_tokens\": 120, \"seed\": 1}")));
            }
            List<Future<JsonNode>> scores = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                scores.add(pool.submit(() -> score(TEXT, List.of("perplexity", "entropy"), 3)));
            }
            for (Future<JsonNode> future : scores) {
                JsonNode concurrent = future.get();
                assertThat(concurrent.get("methods")).isEqualTo(solo.get("methods"));
                assertThat(concurrent.get("tokens")).isEqualTo(solo.get("tokens"));
            }
            for (Future<TestServer.Response> generation : generations) {
                assertThat(generation.get().status()).isEqualTo(200);
            }
        }
        server.awaitIdle();
    }

    @Test
    void methodsEndpointListsAvailabilityFamilyAndSignConvention() {
        JsonNode data = server.get("/v1/score/methods").json().get("data");
        assertThat(data.size()).isEqualTo(ScoringMethods.NAMES.size());
        for (JsonNode method : data) {
            boolean needsMore = method.get("name").asText().equals("binoculars")
                    || method.get("name").asText().equals("dc-pdd");
            assertThat(method.get("available").asBoolean()).isEqualTo(!needsMore);
            if (needsMore) {
                assertThat(method.get("unavailable_because").asText()).isNotBlank();
            } else {
                assertThat(method.get("family").asText()).isIn("uncertainty", "detection", "membership");
                assertThat(method.get("sign_convention").asText()).startsWith("higher = ");
            }
        }
    }
}
