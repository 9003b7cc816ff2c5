package org.logitlab.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: aggregate generated tokens/s with 1, 4 and 16 concurrent streams against one stream, on the
 * embedded model. Run with
 * {@code mvn -pl logitlab-server -am test -Dtest=ServerLoadBenchmark -Dlogitlab.benchmark=true
 * -Dsurefire.failIfNoSpecifiedTests=false}; the table goes to stdout and target/load-benchmark.txt.
 */
@EnabledIfSystemProperty(named = "logitlab.benchmark", matches = "true")
class ServerLoadBenchmark {
    static final int TOKENS_PER_STREAM = 256;
    static final int[] CONCURRENCY = {1, 4, 16};

    private static String request(int client) {
        // EOS (id 2) banned so every stream generates exactly TOKENS_PER_STREAM tokens
        return "{\"prompt\":\"Once upon a time\",\"max_tokens\":" + TOKENS_PER_STREAM + ",\"seed\":" + client
                + ",\"logit_bias\":{\"2\":-100},\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
    }

    private static int streamTokens(TestServer server, int client) {
        TestServer.Response response = server.post("/v1/completions", request(client));
        assertThat(response.status()).isEqualTo(200);
        List<JsonNode> events = TestServer.events(response.body());
        return events.getLast().get("usage").get("completion_tokens").asInt();
    }

    private static double tokensPerSecond(TestServer server, int concurrency) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(concurrency);
        try {
            long start = System.nanoTime();
            List<Future<Integer>> results = new ArrayList<>();
            for (int client = 0; client < concurrency; client++) {
                int id = client;
                results.add(clients.submit(() -> streamTokens(server, id)));
            }
            long tokens = 0;
            for (Future<Integer> result : results) {
                tokens += result.get();
            }
            return tokens / ((System.nanoTime() - start) / 1e9);
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void aggregateThroughputAgainstOneStream() throws Exception {
        StringBuilder table = new StringBuilder();
        try (TestServer server = TestServer.start(TestServer.config().withParallel(16))) {
            tokensPerSecond(server, 4); // warm-up: JIT and the worker pool
            double single = tokensPerSecond(server, 1);
            table.append(String.format(
                    "embedded stories260K, %d tokens per stream, --parallel 16, %d cores, one batched forward pass per step (MultiSequenceBatchStepper)%n",
                    TOKENS_PER_STREAM, Runtime.getRuntime().availableProcessors()));
            table.append(String.format("%-8s %14s %10s%n", "streams", "tokens/s", "vs 1"));
            for (int concurrency : CONCURRENCY) {
                double rate = concurrency == 1 ? single : tokensPerSecond(server, concurrency);
                table.append(String.format("%-8d %14.1f %9.2fx%n", concurrency, rate, rate / single));
            }
        }
        System.out.print(table);
        Files.writeString(Path.of("target", "load-benchmark.txt"), table, StandardCharsets.UTF_8);
    }
}
