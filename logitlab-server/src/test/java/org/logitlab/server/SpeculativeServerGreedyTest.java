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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.logitlab.server.scheduler.SpeculationSettings;

/**
 * Speculative decoding in the server is lossless at temperature 0: with --spec lookup, recycle or draft every
 * completion and chat response — text, tokens, log-probs and top log-probs, streamed or whole — is the plain
 * server's byte for byte (but for ids and timestamps), while the requests run concurrently and share forward
 * passes.
 */
class SpeculativeServerGreedyTest {
    private static final List<String> PROMPTS = List.of(
            "Once upon a time",
            "Lily and Tom went to the park. Lily and Tom went to the park. Lily and Tom",
            "The little dog said \\\"hi\\\". The little dog said \\\"hi\\\". The little dog said",
            "One day, a girl named Sue saw a big tree. One day, a girl named Sue");

    static TestServer plain;
    static Map<String, TestServer> speculative;

    @BeforeAll
    static void start() {
        plain = TestServer.start(TestServer.config().withParallel(8));
        speculative = Map.of(
                "lookup",
                TestServer.start(speculativeConfig(SpeculationFlags.parse("lookup", null, 6, 0, 0.1, 3), null)),
                // p-min 0: every draft at full length, so rejections deep inside drafts are exercised
                "recycle",
                TestServer.start(speculativeConfig(SpeculationFlags.parse("recycle", null, 5, 0, 0.0, 3), null)),
                "draft",
                TestServer.start(
                        speculativeConfig(SpeculationFlags.parse("draft", draftModel(), 4, 0, 0.0, 3), draftModel())));
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
        return calls;
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
    }

    @Test
    void constrainedAndMirostatRequestsDecodePlainlyWithTheSameOutput() {
        String[] bodies = {
            "{\"prompt\":\"" + PROMPTS.get(1) + "\",\"max_tokens\":16,\"temperature\":0,\"logprobs\":2,"
                    + "\"regex\":\"( Lily| and| Tom| went| to| the| park\\\\.)+\"}",
            "{\"prompt\":\"" + PROMPTS.get(1) + "\",\"max_tokens\":16,\"seed\":3,\"mirostat\":2,\"logprobs\":2}"
        };
        for (String body : bodies) {
            TestServer.Response expected = plain.post("/v1/completions", body);
            TestServer.Response actual = speculative.get("lookup").post("/v1/completions", body);
            assertThat(actual.json().get("usage").has("speculative")).as(body).isFalse();
            assertThat(comparable(actual, false)).as(body).isEqualTo(comparable(expected, false));
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
