package org.logitlab.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.logitlab.model.Model;

/** A server on the embedded model at a free loopback port, with small HTTP helpers for the tests. */
final class TestServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final Model model;
    final LogitlabServer server;
    final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    private TestServer(Model model, LogitlabServer server) {
        this.model = model;
        this.server = server;
    }

    static TestServer start(ServerConfig config) {
        try {
            Model model = Model.loadEmbedded();
            return new TestServer(model, new LogitlabServer(model, config.withPort(0)).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the embedded model", e);
        }
    }

    static TestServer start() {
        return start(config());
    }

    static ServerConfig config() {
        return ServerConfig.defaults(512).withParallel(4);
    }

    String url(String path) {
        return server.baseUrl() + path;
    }

    record Response(int status, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("response is not JSON: " + body, e);
            }
        }
    }

    Response post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(url(path)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).GET().build());
    }

    Response send(HttpRequest request) {
        try {
            HttpResponse<String> response =
                    client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The JSON payloads of an SSE response, without the final [DONE] (asserted present). */
    static List<JsonNode> events(String body) {
        List<JsonNode> events = new ArrayList<>();
        boolean done = false;
        for (String line : body.split("\n")) {
            if (!line.startsWith("data: ")) {
                continue;
            }
            String data = line.substring(6);
            if (data.equals("[DONE]")) {
                done = true;
                continue;
            }
            try {
                events.add(JSON.readTree(data));
            } catch (IOException e) {
                throw new AssertionError("event is not JSON: " + data, e);
            }
        }
        if (!done) {
            throw new AssertionError("stream did not end with data: [DONE]: " + body);
        }
        return events;
    }

    /** Waits until every sequence has left the scheduler (finished or cancelled and freed). */
    void awaitIdle() {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (server.statistics().activeSequences() + server.statistics().queuedSequences() > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("sequences still running: " + server.statistics());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        server.close();
        model.close();
    }
}
