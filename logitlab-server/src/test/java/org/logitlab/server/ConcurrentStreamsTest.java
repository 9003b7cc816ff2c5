package org.logitlab.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 32 streaming clients at once over 8 slots, every fourth hanging up after a few chunks: every completed stream
 * equals the same request run alone, nothing fails, and the cancelled sequences are freed.
 */
class ConcurrentStreamsTest {
    static final int CLIENTS = 32;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(TestServer.config().withParallel(8).withQueueLimit(64));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static final String[] PROMPTS = {"Once upon a time", "The little dog", "Lily and Ben", "One day"};

    private static String request(int client) {
        boolean cancels = client % 4 == 3;
        return "{\"prompt\":\"" + PROMPTS[client % PROMPTS.length] + "\",\"max_tokens\":" + (cancels ? 400 : 48)
                + ",\"seed\":" + (1000 + client) + ",\"temperature\":0.8,\"logprobs\":2,\"stream\":true}";
    }

    /** The choice objects of a stream, in order: the part that must not depend on other traffic. */
    private static List<JsonNode> choices(String body) {
        List<JsonNode> choices = new ArrayList<>();
        for (JsonNode event : TestServer.events(body)) {
            assertThat(event.has("error")).as("error event: %s", event).isFalse();
            choices.add(event.get("choices").get(0));
        }
        return choices;
    }

    /** Streams a request and hangs up after {@code eventsBeforeHangUp} events. */
    private static int streamAndHangUp(String body, int eventsBeforeHangUp) throws Exception {
        HttpResponse<InputStream> response = server.client.send(
                HttpRequest.newBuilder(URI.create(server.url("/v1/completions")))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        int events = 0;
        try (InputStream input = response.body();
                BufferedReader reader = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8))) {
            String line;
            while (events < eventsBeforeHangUp && (line = reader.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    events++;
                }
            }
        }
        return response.statusCode();
    }

    @Test
    void concurrentStreamsEqualSoloRunsAndCancelledOnesAreFreed() throws Exception {
        long cancelledBefore = server.server.statistics().cancelledSequences();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<CompletableFuture<List<JsonNode>>> results = new ArrayList<>();
        try {
            for (int client = 0; client < CLIENTS; client++) {
                int id = client;
                results.add(CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                if (id % 4 == 3) {
                                    assertThat(streamAndHangUp(request(id), 3)).isEqualTo(200);
                                    return null;
                                }
                                TestServer.Response response = server.post("/v1/completions", request(id));
                                assertThat(response.status())
                                        .as(response.body())
                                        .isEqualTo(200);
                                return choices(response.body());
                            } catch (Exception e) {
                                throw new RuntimeException("client " + id, e);
                            }
                        },
                        clients));
            }
            CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);
        } finally {
            clients.shutdownNow();
        }
        server.awaitIdle();
        assertThat(server.server.statistics().cancelledSequences() - cancelledBefore)
                .as("hung-up streams are cancelled before their 400 tokens")
                .isEqualTo(CLIENTS / 4);
        assertThat(server.server.statistics().failedSequences()).isZero();

        for (int client = 0; client < CLIENTS; client++) {
            if (client % 4 == 3) {
                continue;
            }
            List<JsonNode> concurrent = results.get(client).get();
            List<JsonNode> alone =
                    choices(server.post("/v1/completions", request(client)).body());
            assertThat(concurrent).as("client %d", client).isEqualTo(alone);
            assertThat(concurrent.getLast().get("finish_reason").asText()).isIn("length", "stop");
        }
        // a stream's last event is written before the engine thread releases its slot, so wait for the release
        server.awaitIdle();
        assertThat(server.server.statistics().activeSequences()).isZero();
    }
}
