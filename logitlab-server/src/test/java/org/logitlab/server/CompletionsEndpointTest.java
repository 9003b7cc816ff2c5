package org.logitlab.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.logitlab.distribution.Distribution;
import org.logitlab.generation.GeneratedToken;
import org.logitlab.generation.GenerationResult;
import org.logitlab.generation.Generator;
import org.logitlab.sampling.SamplerChain;
import org.logitlab.sampling.SamplerChains;
import org.logitlab.sampling.SamplerSettings;
import org.logitlab.session.Logits;
import org.logitlab.session.Session;

class CompletionsEndpointTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Raw log-probs of every token after the first, from one batched pass over the whole sequence. */
    static double[] engineLogProbs(int[] tokens) {
        return engineLogProbs(server.model, tokens);
    }

    static double[] engineLogProbs(org.logitlab.model.Model model, int[] tokens) {
        Session session = model.newSession(tokens.length);
        Logits logits = session.append(tokens);
        double[] logProbs = new double[tokens.length];
        logProbs[0] = Double.NaN;
        for (int i = 1; i < tokens.length; i++) {
            logProbs[i] = Distribution.of(logits.data(), logits.offset(i - 1), logits.vocabularySize())
                    .logProb(tokens[i]);
        }
        return logProbs;
    }

    /** What the engine's own Generator produces for the server's default sampling settings and a seed. */
    static GenerationResult engineGeneration(String prompt, int maxTokens, long seed, int topLogProbs) {
        var tokenizer = server.model.tokenizer();
        int[] promptTokens = tokenizer.encode(prompt, true, false);
        int vocabulary = server.model.config().vocabularySize();
        SamplerSettings settings = SamplerSettings.builder()
                .temperature(1.0)
                .topP(1.0)
                .topK(0)
                .minP(0.0)
                .repeatLastN(-1)
                .seed(seed)
                .build();
        int context = promptTokens.length + maxTokens;
        SamplerChain chain = SamplerChains.create(settings, vocabulary, context, id -> "", text -> new int[0]);
        return new Generator(server.model.newSession(context), tokenizer, chain)
                .generate(promptTokens, maxTokens, topLogProbs, token -> {});
    }

    @Test
    void echoedAndGeneratedLogProbsEqualTheEngines() {
        JsonNode response = server.post(
                        "/v1/completions",
                        "{\"prompt\":\"Once upon a time\",\"max_tokens\":8,\"logprobs\":3,\"echo\":true,\"seed\":7}")
                .json();
        JsonNode choice = response.get("choices").get(0);
        JsonNode logprobs = choice.get("logprobs");
        assertThat(choice.get("text").asText()).startsWith("Once upon a time");
        assertThat(logprobs.get("token_logprobs").get(0).isNull()).isTrue();
        assertThat(logprobs.get("top_logprobs").get(0).isNull()).isTrue();

        GenerationResult expected = engineGeneration("Once upon a time", 8, 7, 3);
        int[] prompt = expected.promptTokens();
        assertThat(response.get("usage").get("prompt_tokens").asInt()).isEqualTo(prompt.length);
        assertThat(choice.get("text").asText()).isEqualTo("Once upon a time" + expected.text());
        assertThat(logprobs.get("tokens").size())
                .isEqualTo(prompt.length + expected.tokens().size());

        double[] promptLogProbs = engineLogProbs(prompt);
        for (int i = 1; i < prompt.length; i++) {
            assertThat(logprobs.get("token_logprobs").get(i).asDouble())
                    .as("log-prob of prompt token %d", i)
                    .isCloseTo(promptLogProbs[i], within(1e-4));
        }
        for (int i = 0; i < expected.tokens().size(); i++) {
            GeneratedToken token = expected.tokens().get(i);
            int index = prompt.length + i;
            assertThat(logprobs.get("token_logprobs").get(index).asDouble())
                    .as("log-prob of generated token %d", i)
                    .isCloseTo(token.logProbs().logProb(), within(1e-4));
            JsonNode top = logprobs.get("top_logprobs").get(index);
            assertThat(top.size()).isBetween(1, 3);
            var best = token.logProbs().topRaw().getFirst();
            assertThat(top.properties().iterator().next().getValue().asDouble())
                    .isCloseTo(best.logProb(), within(1e-4));
        }
    }

    @Test
    void tokenArrayPromptWithZeroMaxTokensScoresThePrompt() {
        int[] prompt = server.model.tokenizer().encode("The cat sat on the mat.", true, false);
        StringBuilder array = new StringBuilder();
        for (int token : prompt) {
            array.append(array.isEmpty() ? "" : ",").append(token);
        }
        JsonNode choice = server.post(
                        "/v1/completions", "{\"prompt\":[" + array + "],\"max_tokens\":0,\"logprobs\":0,\"echo\":true}")
                .json()
                .get("choices")
                .get(0);
        double[] expected = engineLogProbs(prompt);
        JsonNode tokenLogProbs = choice.get("logprobs").get("token_logprobs");
        assertThat(tokenLogProbs.size()).isEqualTo(prompt.length);
        for (int i = 1; i < prompt.length; i++) {
            assertThat(tokenLogProbs.get(i).asDouble()).isCloseTo(expected[i], within(1e-4));
        }
        assertThat(choice.get("finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void streamedTextEqualsTheWholeResponseForTheSameSeed() {
        String request = "\"prompt\":\"Once upon a time\",\"max_tokens\":24,\"seed\":42,\"temperature\":0.9";
        String whole = server.post("/v1/completions", "{" + request + "}")
                .json()
                .get("choices")
                .get(0)
                .get("text")
                .asText();
        List<JsonNode> events = TestServer.events(server.post(
                        "/v1/completions",
                        "{" + request + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}")
                .body());
        StringBuilder streamed = new StringBuilder();
        for (JsonNode event : events.subList(0, events.size() - 1)) {
            assertThat(event.get("object").asText()).isEqualTo("text_completion");
            streamed.append(event.get("choices").get(0).get("text").asText());
        }
        assertThat(streamed.toString()).isEqualTo(whole);
        JsonNode usage = events.getLast().get("usage");
        assertThat(events.getLast().get("choices")).isEmpty();
        assertThat(usage.get("completion_tokens").asInt()).isEqualTo(24);
        assertThat(events.get(events.size() - 2)
                        .get("choices")
                        .get(0)
                        .get("finish_reason")
                        .asText())
                .isEqualTo("length");
    }

    @Test
    void generationEndsBeforeAStopSequence() {
        JsonNode choice = server.post(
                        "/v1/completions",
                        "{\"prompt\":\"Once upon a time\",\"max_tokens\":40,\"temperature\":0,\"stop\":[\" was\"]}")
                .json()
                .get("choices")
                .get(0);
        assertThat(choice.get("text").asText()).doesNotContain(" was");
        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void nChoicesOfOneSeededRequestAreReproducible() {
        String body = "{\"prompt\":\"Once\",\"max_tokens\":12,\"n\":3,\"seed\":5}";
        JsonNode first = server.post("/v1/completions", body).json().get("choices");
        JsonNode second = server.post("/v1/completions", body).json().get("choices");
        assertThat(first.size()).isEqualTo(3);
        assertThat(first).isEqualTo(second);
        for (int i = 0; i < 3; i++) {
            assertThat(first.get(i).get("index").asInt()).isEqualTo(i);
        }
    }

    @Test
    void samplerExtensionsAreAcceptedAndGreedyIsDeterministic() {
        String body = "{\"prompt\":\"Once upon a time\",\"max_tokens\":10,\"temperature\":0,\"top_k\":40,"
                + "\"min_p\":0.05,\"typical_p\":0.9,\"repeat_penalty\":1.1,\"mirostat\":0,\"samplers\":\"top_k;min_p;temperature\"}";
        TestServer.Response first = server.post("/v1/completions", body);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(server.post("/v1/completions", body).json().get("choices"))
                .isEqualTo(first.json().get("choices"));
    }

    @Test
    void distributionStatisticsAddEntropyAndKurtosisPerToken() {
        JsonNode logprobs = server.post(
                        "/v1/completions",
                        "{\"prompt\":\"Once upon a time\",\"max_tokens\":3,\"logprobs\":10,\"echo\":true,"
                                + "\"distribution_statistics\":true,\"seed\":1}")
                .json()
                .get("choices")
                .get(0)
                .get("logprobs");
        assertThat(logprobs.get("entropies").size())
                .isEqualTo(logprobs.get("tokens").size());
        assertThat(logprobs.get("entropies").get(0).isNull()).isTrue();
        assertThat(logprobs.get("entropies").get(1).asDouble()).isPositive();
        assertThat(logprobs.get("kurtoses").get(1).asDouble()).isPositive();
    }

    @Test
    void modelsHealthTokenizeAndMetricsAnswer() {
        assertThat(server.get("/health").json().get("status").asText()).isEqualTo("ok");
        JsonNode models = server.get("/v1/models").json();
        assertThat(models.get("object").asText()).isEqualTo("list");
        assertThat(models.get("data").get(0).get("object").asText()).isEqualTo("model");
        JsonNode tokens =
                server.post("/tokenize", "{\"content\":\"Hello world\"}").json().get("tokens");
        int[] expected = server.model.tokenizer().encode("Hello world", false, true);
        assertThat(tokens.size()).isEqualTo(expected.length);
        String content = server.post("/detokenize", "{\"tokens\":" + tokens + "}")
                .json()
                .get("content")
                .asText();
        assertThat(content).isEqualTo(server.model.tokenizer().decode(expected));
        String metrics = server.get("/metrics").body();
        assertThat(metrics).contains("# TYPE logitlab_active_sequences gauge", "logitlab_generated_tokens_total");
        Iterator<Map.Entry<String, JsonNode>> unused = models.properties().iterator();
        assertThat(unused.hasNext()).isTrue();
    }
}
