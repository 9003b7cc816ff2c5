package org.logitlab.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.logitlab.server.scheduler.SpeculationSettings;

/**
 * Speculative decoding in the server is lossless at temperature 0: with --spec lookup, recycle, draft, tree or multi
 * every
 * completion and chat response — text, tokens, log-probs and top log-probs, streamed or whole, constrained by a JSON
 * Schema, a regex or a GBNF grammar or not — is the plain server's byte for byte (but for ids and timestamps), while
 * the requests run concurrently and share forward passes.
 */
class SpeculativeServerGreedyTest {
    private static final List<String> PROMPTS = List.of(
            "Once upon a time",
            "Lily and Tom went to the park. Lily and Tom went to the park. Lily and Tom",
            "The little dog said \\\"hi\\\". The little dog said \\\"hi\\\". The little dog said",
            "One day, a girl named Sue saw a big tree. One day, a girl named Sue");

    /** Bounded, so the text is complete (finish "stop") well within the requests' max_tokens. */
    static final String SCHEMA = "{\"type\":\"object\",\"properties\":{"
            + "\"name\":{\"type\":\"string\",\"maxLength\":12},"
            + "\"friends\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"maxLength\":8},\"maxItems\":3},"
            + "\"age\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":99}},"
            + "\"required\":[\"name\",\"friends\",\"age\"],\"additionalProperties\":false}";

    /** As written inside the request's JSON (its backslash escaped). */
    static final String REGEX = "( Lily| and| Tom| went| to| the| park){3,12}\\\\.";
    /** The language of {@link #REGEX}. */
    static final Pattern REGEX_LANGUAGE = Pattern.compile("( Lily| and| Tom| went| to| the| park){3,12}\\.");

    /** GBNF, as written inside the request's JSON. */
    static final String GRAMMAR = "root ::= sentence{2,4} \\\"The end.\\\"\\n"
            + "sentence ::= name \\\" and \\\" name \\\" went to the \\\" place \\\". \\\"\\n"
            + "name ::= \\\"Lily\\\" | \\\"Tom\\\" | \\\"Sue\\\" | \\\"Ben\\\"\\n"
            + "place ::= \\\"park\\\" | \\\"shop\\\" | \\\"sea\\\"";
    /** The language of {@link #GRAMMAR}. */
    static final Pattern GRAMMAR_LANGUAGE = Pattern.compile(
            "((Lily|Tom|Sue|Ben) and (Lily|Tom|Sue|Ben) went to the (park|shop|sea)\\. ){2,4}The end\\.");

    /** A constrained completion's extra fields, keyed by how its text is checked. */
    static final Map<String, String> CONSTRAINTS = Map.of(
            "json_schema", "\"json_schema\":" + SCHEMA,
            "regex", "\"regex\":\"" + REGEX + "\"",
            "grammar", "\"grammar\":\"" + GRAMMAR + "\"");

    static TestServer plain;
    static Map<String, TestServer> speculative;

    @BeforeAll
    static void start() {
        plain = TestServer.start(TestServer.config().withParallel(8));
        Path draftModel = draftModel();
        speculative = Map.of(
                "lookup",
                TestServer.start(
                        speculativeConfig(SpeculationFlags.parse("lookup", null, null, 6, 0, 0.1, 3, 24, 3), null)),
                // p-min 0: every draft at full length, so rejections deep inside drafts are exercised
                "recycle",
                TestServer.start(
                        speculativeConfig(SpeculationFlags.parse("recycle", null, null, 5, 0, 0.0, 3, 24, 3), null)),
                "draft",
                TestServer.start(speculativeConfig(
                        SpeculationFlags.parse("draft", draftModel, null, 4, 0, 0.0, 3, 24, 3), draftModel)),
                // full trees of up to 12 nodes, 4 deep: branches rejected at every depth, paths kept from deep inside
                "tree",
                TestServer.start(speculativeConfig(
                        SpeculationFlags.parse("tree", draftModel, null, 4, 0, 0.0, 3, 12, 3), draftModel)),
                "multi",
                TestServer.start(speculativeConfig(
                        SpeculationFlags.parse("multi", draftModel, null, 4, 0, 0.0, 3, 16, 3), draftModel)),
                // self-speculation: the target's first 3 of 5 layers draft
                "early-exit",
                TestServer.start(TestServer.config()
                        .withParallel(8)
                        .withSpeculation(
                                SpeculationFlags.parse("draft", null, 3, 4, 0, 0.0, 3, 24, 3),
                                DraftSource.of(null, 3))));
    }

    static ServerConfig speculativeConfig(SpeculationSettings settings, Path draftModel) {
        return TestServer.config().withParallel(8).withSpeculation(settings, draftModel);
    }

    /** stories260K quantized to Q4_K_M: the embedded model's vocabulary, weights different enough that drafts get rejected. */
    static Path draftModel() {
        Path path = Path.of(
                System.getProperty("logitlab.shared", "../../shared"),
                "models",
                "stories260K",
                "quantized",
                "stories260K-q4_k_m.gguf");
        assertThat(path).as("draft model fixture").isRegularFile();
        return path;
    }

    @AfterAll
    static void stop() {
        plain.close();
        speculative.values().forEach(TestServer::close);
    }

    private record Call(String path, String body, boolean stream) {}

    private static List<Call> calls() {
        List<Call> calls = new ArrayList<>();
        for (String prompt : PROMPTS) {
            String completion = "\"prompt\":\"" + prompt + "\",\"max_tokens\":40,\"temperature\":0,\"logprobs\":3";
            calls.add(new Call("/v1/completions", "{" + completion + "}", false));
            calls.add(new Call(
                    "/v1/completions",
                    "{" + completion + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}",
                    true));
            // echo: the prompt's own rows come from the same pass as the first draft-free step
            calls.add(new Call("/v1/completions", "{" + completion + ",\"echo\":true,\"n\":2}", false));
            String chat = "\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}],\"max_tokens\":32,"
                    + "\"temperature\":0,\"logprobs\":true,\"top_logprobs\":3";
            calls.add(new Call("/v1/chat/completions", "{" + chat + "}", false));
            calls.add(new Call("/v1/chat/completions", "{" + chat + ",\"stream\":true}", true));
        }
        calls.addAll(constrainedCalls());
        return calls;
    }

    /** Greedy constrained requests: a completion per constraint, whole and streamed, and a chat response_format. */
    private static List<Call> constrainedCalls() {
        List<Call> calls = new ArrayList<>();
        for (var constraint : CONSTRAINTS.entrySet()) {
            String body = constrainedCompletion(constraint.getKey());
            calls.add(new Call("/v1/completions", body, false));
            calls.add(new Call(
                    "/v1/completions",
                    body.substring(0, body.length() - 1)
                            + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}",
                    true));
        }
        calls.add(new Call("/v1/chat/completions", constrainedChat(), false));
        return calls;
    }

    static String constrainedCompletion(String constraint) {
        return "{\"prompt\":\"" + PROMPTS.get(1) + "\",\"max_tokens\":96,\"temperature\":0,\"logprobs\":3,"
                + CONSTRAINTS.get(constraint) + "}";
    }

    static String constrainedChat() {
        return "{\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPTS.get(3) + "\"}],\"max_tokens\":96,"
                + "\"temperature\":0,\"logprobs\":true,\"top_logprobs\":2,\"response_format\":{\"type\":\"json_schema\","
                + "\"json_schema\":{\"name\":\"person\",\"strict\":true,\"schema\":" + SCHEMA + "}}}";
    }

    /**
     * The response without what differs between any two responses (id, created) and without logitlab's
     * usage.speculative, as one JSON text per object (per event when streamed).
     */
    static List<String> comparable(TestServer.Response response, boolean stream) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        List<JsonNode> objects = stream ? TestServer.events(response.body()) : List.of(response.json());
        List<String> texts = new ArrayList<>();
        for (JsonNode object : objects) {
            ObjectNode copy = object.deepCopy();
            copy.remove("id");
            copy.remove("created");
            if (copy.get("usage") instanceof ObjectNode usage) {
                usage.remove("speculative");
            }
            texts.add(copy.toString());
        }
        return texts;
    }

    private static List<TestServer.Response> runConcurrently(TestServer server, List<Call> calls) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(calls.size());
        try {
            List<CompletableFuture<TestServer.Response>> futures = new ArrayList<>();
            for (Call call : calls) {
                futures.add(CompletableFuture.supplyAsync(() -> server.post(call.path(), call.body()), clients));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            List<TestServer.Response> responses = new ArrayList<>();
            for (CompletableFuture<TestServer.Response> future : futures) {
                responses.add(future.get());
            }
            return responses;
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void concurrentSpeculativeResponsesEqualThePlainServersByteForByte() throws Exception {
        List<Call> calls = calls();
        List<TestServer.Response> expected = runConcurrently(plain, calls);
        for (var entry : speculative.entrySet()) {
            List<TestServer.Response> actual = runConcurrently(entry.getValue(), calls);
            for (int i = 0; i < calls.size(); i++) {
                Call call = calls.get(i);
                assertThat(comparable(actual.get(i), call.stream()))
                        .as("--spec %s: %s %s", entry.getKey(), call.path(), call.body())
                        .isEqualTo(comparable(expected.get(i), call.stream()));
            }
            entry.getValue().awaitIdle();
            assertThat(entry.getValue().server.statistics().failedSequences()).isZero();
        }
    }

    /**
     * The scheduler's reproducibility survives speculation: a seeded sampled request — plain or constrained — gives
     * the same response alone and while constrained greedy requests share its forward passes (drafts, trees and their
     * verification draw only from the sequence's own seeded generator and history).
     */
    @Test
    void seededSampledRequestsReproduceAloneAndUnderLoad() throws Exception {
        String sampled = "\"prompt\":\"" + PROMPTS.get(2) + "\",\"max_tokens\":32,\"temperature\":1.2,\"seed\":17,"
                + "\"n\":2,\"logprobs\":2";
        List<Call> seeded = List.of(
                new Call("/v1/completions", "{" + sampled + "}", false),
                new Call("/v1/completions", "{" + sampled + "," + CONSTRAINTS.get("grammar") + "}", false));
        for (var entry : speculative.entrySet()) {
            TestServer server = entry.getValue();
            List<String> alone = new ArrayList<>();
            for (Call call : seeded) {
                alone.addAll(comparable(server.post(call.path(), call.body()), false));
            }
            List<Call> load = new ArrayList<>(constrainedCalls());
            load.addAll(seeded);
            List<TestServer.Response> responses = runConcurrently(server, load);
            List<String> underLoad = new ArrayList<>();
            for (int i = load.size() - seeded.size(); i < load.size(); i++) {
                underLoad.addAll(comparable(responses.get(i), false));
            }
            assertThat(underLoad).as("--spec %s", entry.getKey()).isEqualTo(alone);
        }
    }

    @Test
    void repetitivePromptAcceptsDraftsAndSavesForwardPasses() {
        String body = "{\"prompt\":\"" + PROMPTS.get(1) + "\",\"max_tokens\":48,\"temperature\":0}";
        for (var entry : speculative.entrySet()) {
            JsonNode usage =
                    entry.getValue().post("/v1/completions", body).json().get("usage");
            JsonNode statistics = usage.get("speculative");
            assertThat(statistics)
                    .as("--spec %s: usage.speculative in %s", entry.getKey(), usage)
                    .isNotNull();
            int completion = usage.get("completion_tokens").asInt();
            assertThat(statistics.get("drafted_tokens").asInt())
                    .as(entry.getKey())
                    .isPositive();
            assertThat(statistics.get("accepted_tokens").asInt())
                    .as(entry.getKey())
                    .isPositive();
            assertThat(statistics.get("acceptance_rate").asDouble())
                    .as(entry.getKey())
                    .isEqualTo(statistics.get("accepted_tokens").asDouble()
                            / statistics.get("drafted_tokens").asDouble());
            assertThat(statistics.get("mean_accepted_length").asDouble())
                    .as(entry.getKey())
                    .isPositive();
            // plain decoding takes one pass for the prompt and one per further token
            assertThat(statistics.get("target_passes").asInt())
                    .as("--spec %s: passes for %d tokens", entry.getKey(), completion)
                    .isLessThan(completion);
        }
        String metrics = speculative.get("lookup").get("/metrics").body();
        assertThat(counter(metrics, "logitlab_speculative_accepted_tokens_total"))
                .isPositive();
        assertThat(counter(metrics, "logitlab_speculative_drafted_tokens_total"))
                .isGreaterThanOrEqualTo(counter(metrics, "logitlab_speculative_accepted_tokens_total"));
        assertThat(counter(metrics, "logitlab_speculative_target_passes_total")).isPositive();
        assertThat(counter(metrics, "logitlab_speculative_acceptance_rate")).isBetween(0.0, 1.0);
    }

    @Test
    void requestsCanTurnSpeculationOffOrChooseTheirOwn() {
        String prompt = "\"prompt\":\"" + PROMPTS.get(1) + "\",\"max_tokens\":24,\"temperature\":0,\"logprobs\":2";
        TestServer.Response reference = plain.post("/v1/completions", "{" + prompt + "}");
        assertThat(reference.json().get("usage").has("speculative"))
                .as("a plain server does not speculate unless asked")
                .isFalse();
        TestServer.Response off = speculative
                .get("lookup")
                .post("/v1/completions", "{" + prompt + ",\"speculative\":{\"mode\":\"off\"}}");
        assertThat(off.json().get("usage").has("speculative")).isFalse();
        assertThat(comparable(off, false)).isEqualTo(comparable(reference, false));
        TestServer.Response chosen = plain.post(
                "/v1/completions",
                "{" + prompt + ",\"speculative\":{\"mode\":\"lookup\",\"draft_max\":3,\"draft_p_min\":0}}");
        assertThat(chosen.json()
                        .get("usage")
                        .get("speculative")
                        .get("accepted_tokens")
                        .asInt())
                .isPositive();
        assertThat(comparable(chosen, false)).isEqualTo(comparable(reference, false));
        for (String mode : List.of("tree", "multi")) {
            // a server started with a draft model serves every draft-model mode, with the request's tree budget
            TestServer.Response tree = speculative
                    .get("draft")
                    .post(
                            "/v1/completions",
                            "{" + prompt + ",\"speculative\":{\"mode\":\"" + mode
                                    + "\",\"draft_tree_nodes\":6,\"drafts\":2}}");
            assertThat(tree.json()
                            .get("usage")
                            .get("speculative")
                            .get("accepted_tokens")
                            .asInt())
                    .as(mode)
                    .isPositive();
            assertThat(comparable(tree, false)).as(mode).isEqualTo(comparable(reference, false));
        }
    }

    @Test
    void mirostatRequestsDecodePlainlyWithTheSameOutput() {
        String body =
                "{\"prompt\":\"" + PROMPTS.get(1) + "\",\"max_tokens\":16,\"seed\":3,\"mirostat\":2,\"logprobs\":2}";
        TestServer.Response expected = plain.post("/v1/completions", body);
        TestServer.Response actual = speculative.get("lookup").post("/v1/completions", body);
        assertThat(actual.json().get("usage").has("speculative")).as(body).isFalse();
        assertThat(comparable(actual, false)).as(body).isEqualTo(comparable(expected, false));
    }

    /**
     * Constrained requests speculate (drafts are made and accepted) and every response is a complete sentence of its
     * language, equal to the plain server's; the concurrent test above covers the same requests under load.
     */
    @Test
    void constrainedRequestsSpeculateAndStayValid() throws Exception {
        for (var entry : speculative.entrySet()) {
            long drafted = 0, accepted = 0;
            for (String constraint : CONSTRAINTS.keySet()) {
                String body = constrainedCompletion(constraint);
                TestServer.Response response = entry.getValue().post("/v1/completions", body);
                assertThat(comparable(response, false))
                        .as("--spec %s: %s", entry.getKey(), body)
                        .isEqualTo(comparable(plain.post("/v1/completions", body), false));
                JsonNode choice = response.json().get("choices").get(0);
                assertThat(choice.get("finish_reason").asText()).as(body).isEqualTo("stop");
                assertValid(constraint, choice.get("text").asText());
                JsonNode statistics = response.json().get("usage").get("speculative");
                assertThat(statistics).as("--spec %s: %s", entry.getKey(), body).isNotNull();
                drafted += statistics.get("drafted_tokens").asLong();
                accepted += statistics.get("accepted_tokens").asLong();
            }
            TestServer.Response chat = entry.getValue().post("/v1/chat/completions", constrainedChat());
            assertThat(comparable(chat, false))
                    .as("--spec %s: chat", entry.getKey())
                    .isEqualTo(comparable(plain.post("/v1/chat/completions", constrainedChat()), false));
            JsonNode chatChoice = chat.json().get("choices").get(0);
            assertThat(chatChoice.get("finish_reason").asText()).isEqualTo("stop");
            assertValid("json_schema", chatChoice.get("message").get("content").asText());
            assertThat(accepted)
                    .as("--spec %s: constrained drafts accepted (of %d drafted)", entry.getKey(), drafted)
                    .isPositive();
        }
    }

    /** {@code text} is a complete sentence of the language of {@code constraint} (a key of {@link #CONSTRAINTS}). */
    static void assertValid(String constraint, String text) throws Exception {
        switch (constraint) {
            case "regex" -> assertThat(text).as("regex").matches(REGEX_LANGUAGE);
            case "grammar" -> assertThat(text).as("grammar").matches(GRAMMAR_LANGUAGE);
            case "json_schema" -> {
                JsonNode json = TestServer.JSON.readTree(text);
                assertThat(json.isObject()).as(text).isTrue();
                assertThat(json.properties().stream().map(Map.Entry::getKey))
                        .as(text)
                        .containsExactlyInAnyOrder("name", "friends", "age");
                assertThat(json.get("name").isTextual()).as(text).isTrue();
                String name = json.get("name").asText();
                assertThat(name.codePointCount(0, name.length())).as(text).isLessThanOrEqualTo(12);
                assertThat(json.get("friends").isArray()).as(text).isTrue();
                assertThat(json.get("friends").size()).as(text).isLessThanOrEqualTo(3);
                for (JsonNode friend : json.get("friends")) {
                    assertThat(friend.isTextual()).as(text).isTrue();
                    assertThat(friend.asText().codePointCount(0, friend.asText().length()))
                            .as(text)
                            .isLessThanOrEqualTo(8);
                }
                assertThat(json.get("age").isIntegralNumber()).as(text).isTrue();
                assertThat(json.get("age").asInt()).as(text).isBetween(0, 99);
            }
            default -> throw new AssertionError("no check for constraint " + constraint);
        }
    }

    static double counter(String metrics, String name) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1));
            }
        }
        throw new AssertionError(name + " missing from /metrics:\n" + metrics);
    }
}
