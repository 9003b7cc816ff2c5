package org.logitlab.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.logitlab.generation.GeneratedToken;
import org.logitlab.generation.GenerationResult;
import org.logitlab.generation.Generator;
import org.logitlab.sampling.SamplerChain;
import org.logitlab.sampling.SamplerChains;
import org.logitlab.sampling.SamplerSettings;
import org.logitlab.server.api.ChatTemplate;

/**
 * The official {@code openai} npm client talks to the server (src/test/js/openai-client.mjs): every response
 * parses, and the log-probs it reads equal the engine's for the same tokens within 1e-4.
 */
class OpenAiClientTest {
    static final String API_KEY = "test-key";
    static TestServer server;
    static JsonNode output;

    @BeforeAll
    static void runClient() throws Exception {
        NodeTools.requirePackage("openai");
        server = TestServer.start(TestServer.config().withApiKey(API_KEY));
        output = TestServer.JSON.readTree(NodeTools.run("openai-client.mjs", 180, server.server.baseUrl(), API_KEY)
                .stdout());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** The engine's Generator with the server's OpenAI defaults (temperature 1, no truncation) and a seed. */
    static GenerationResult engine(int[] prompt, int maxTokens, long seed, int topLogProbs) {
        int vocabulary = server.model.config().vocabularySize();
        SamplerSettings settings = SamplerSettings.builder()
                .temperature(1.0)
                .topP(1.0)
                .topK(0)
                .minP(0.0)
                .repeatLastN(-1)
                .seed(seed)
                .build();
        int context = prompt.length + maxTokens;
        SamplerChain chain = SamplerChains.create(settings, vocabulary, context, id -> "", text -> new int[0]);
        return new Generator(server.model.newSession(context), server.model.tokenizer(), chain)
                .generate(prompt, maxTokens, topLogProbs, token -> {});
    }

    private static void assertLogProbsMatch(JsonNode logProbs, List<GeneratedToken> expected, int firstIndex) {
        for (int i = 0; i < expected.size(); i++) {
            assertThat(logProbs.get(firstIndex + i).asDouble())
                    .as("log-prob of generated token %d", i)
                    .isCloseTo(expected.get(i).logProbs().logProb(), within(1e-4));
        }
    }

    @Test
    void completionWithEchoParsesAndMatchesTheEngine() {
        JsonNode completion = output.get("completion");
        int[] prompt = server.model.tokenizer().encode("Once upon a time", true, false);
        GenerationResult expected = engine(prompt, 8, 7, 3);
        assertThat(completion.get("object").asText()).isEqualTo("text_completion");
        assertThat(completion.get("text").asText()).isEqualTo("Once upon a time" + expected.text());
        assertThat(completion.get("usage").get("completion_tokens").asInt()).isEqualTo(8);
        JsonNode tokenLogProbs = completion.get("tokenLogprobs");
        assertThat(tokenLogProbs.get(0).isNull())
                .as("the first echoed token has no log-prob")
                .isTrue();
        double[] promptLogProbs = CompletionsEndpointTest.engineLogProbs(server.model, prompt);
        for (int i = 1; i < prompt.length; i++) {
            assertThat(tokenLogProbs.get(i).asDouble()).isCloseTo(promptLogProbs[i], within(1e-4));
        }
        assertLogProbsMatch(tokenLogProbs, expected.tokens(), prompt.length);
        for (int i = 0; i < expected.tokens().size(); i++) {
            JsonNode top = completion.get("topLogprobs").get(prompt.length + i);
            assertThat(top.size()).isBetween(1, 3);
        }
    }

    @Test
    void streamedCompletionEqualsTheWholeOne() {
        JsonNode whole = output.get("completion");
        JsonNode streamed = output.get("completionStream");
        assertThat(streamed.get("text")).isEqualTo(whole.get("text"));
        assertThat(streamed.get("tokens")).isEqualTo(whole.get("tokens"));
        assertThat(streamed.get("tokenLogprobs")).isEqualTo(whole.get("tokenLogprobs"));
        assertThat(streamed.get("usage")).isEqualTo(whole.get("usage"));
        assertThat(streamed.get("finishReason").asText()).isEqualTo("length");
    }

    @Test
    void chatParsesAndMatchesTheEngineOnTheRenderedTemplate() {
        JsonNode chat = output.get("chat");
        String rendered = ChatTemplate.forModel(server.model)
                .render(
                        List.of(new ChatTemplate.Message("user", "Tell me a story about a cat.")),
                        true,
                        server.model.tokenizer());
        assertThat(rendered).isEqualTo("user: Tell me a story about a cat.\nassistant:");
        int[] prompt = server.model.tokenizer().encode(rendered, true, true);
        GenerationResult expected = engine(prompt, 8, 11, 3);
        assertThat(chat.get("object").asText()).isEqualTo("chat.completion");
        assertThat(chat.get("role").asText()).isEqualTo("assistant");
        assertThat(chat.get("content").asText()).isEqualTo(expected.text());
        assertThat(chat.get("usage").get("prompt_tokens").asInt()).isEqualTo(prompt.length);
        JsonNode logProbs = chat.get("logprobs");
        assertThat(logProbs.size()).isEqualTo(expected.tokens().size());
        for (int i = 0; i < expected.tokens().size(); i++) {
            GeneratedToken token = expected.tokens().get(i);
            JsonNode entry = logProbs.get(i);
            assertThat(entry.get("logprob").asDouble())
                    .isCloseTo(token.logProbs().logProb(), within(1e-4));
            byte[] bytes = server.model.tokenizer().tokenBytes(token.token());
            assertThat(entry.get("bytes").size()).isEqualTo(bytes.length);
            assertThat(entry.get("top").size()).isEqualTo(3);
            assertThat(entry.get("top").get(0).get("logprob").asDouble())
                    .isCloseTo(token.logProbs().topRaw().getFirst().logProb(), within(1e-4));
        }
    }

    @Test
    void streamedChatEqualsTheWholeOne() {
        JsonNode whole = output.get("chat");
        JsonNode streamed = output.get("chatStream");
        assertThat(streamed.get("role").asText()).isEqualTo("assistant");
        assertThat(streamed.get("content")).isEqualTo(whole.get("content"));
        assertThat(streamed.get("logprobs")).isEqualTo(whole.get("logprobs"));
        assertThat(streamed.get("usage")).isEqualTo(whole.get("usage"));
        assertThat(streamed.get("finishReason")).isEqualTo(whole.get("finishReason"));
    }

    @Test
    void modelsListNamesTheServedModel() {
        assertThat(output.get("models").size()).isEqualTo(1);
        assertThat(output.get("models").get(0).asText()).isNotBlank();
    }
}
