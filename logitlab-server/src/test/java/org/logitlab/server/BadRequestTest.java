package org.logitlab.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every bad request is a 4xx in OpenAI's error shape naming the field, and the server keeps serving. */
class BadRequestTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(TestServer.config().withApiKey("secret-key"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private TestServer.Response post(String path, String body) {
        return server.send(HttpRequest.newBuilder(URI.create(server.url(path)))
                .header("Authorization", "Bearer secret-key")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    private static void assertError(TestServer.Response response, int status, String param, String messagePart) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        JsonNode error = response.json().get("error");
        assertThat(error.get("type").asText()).isNotBlank();
        assertThat(error.get("param").asText()).isEqualTo(param);
        assertThat(error.get("message").asText()).contains(messagePart);
        assertThat(error.has("code")).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "malformed JSON|/v1/completions|{\"prompt\": \"x\",|body|not valid JSON",
                "not an object|/v1/completions|[1, 2]|body|must be a JSON object",
                "empty body|/v1/completions|''|body|empty",
                "missing prompt|/v1/completions|{\"max_tokens\": 3}|prompt|required",
                "prompt of wrong type|/v1/completions|{\"prompt\": true}|prompt|'prompt' must be",
                "token outside the vocabulary|/v1/completions|{\"prompt\": [1, 99999]}|prompt|prompt[1]",
                "max_tokens negative|/v1/completions|{\"prompt\": \"x\", \"max_tokens\": -1}|max_tokens|got -1",
                "max_tokens a string|/v1/completions|{\"prompt\": \"x\", \"max_tokens\": \"5\"}|max_tokens|an integer",
                "max_tokens fractional|/v1/completions|{\"prompt\": \"x\", \"max_tokens\": 2.5}|max_tokens|an integer",
                "max_tokens beyond the context|/v1/completions|{\"prompt\": \"x\", \"max_tokens\": 511}|max_tokens|maximum context length",
                "logprobs beyond the vocabulary|/v1/completions|{\"prompt\": \"x\", \"logprobs\": 513}|logprobs|got 513",
                "temperature of wrong type|/v1/completions|{\"prompt\": \"x\", \"temperature\": \"hot\"}|temperature|a number",
                "temperature out of range|/v1/completions|{\"prompt\": \"x\", \"temperature\": 3}|temperature|got 3.0",
                "unknown field|/v1/completions|{\"prompt\": \"x\", \"tempreature\": 1}|tempreature|unrecognized",
                "stream not a boolean|/v1/completions|{\"prompt\": \"x\", \"stream\": \"yes\"}|stream|a boolean",
                "n too large|/v1/completions|{\"prompt\": \"x\", \"n\": 1000}|n|got 1000",
                "logit_bias key not a token|/v1/completions|{\"prompt\": \"x\", \"logit_bias\": {\"abc\": 1}}|logit_bias|abc",
                "logit_bias out of range|/v1/completions|{\"prompt\": \"x\", \"logit_bias\": {\"5\": 500}}|logit_bias|[-100, 100]",
                "duplicate key|/v1/completions|{\"prompt\": \"x\", \"prompt\": \"y\"}|body|Duplicate field",
                "unknown sampler|/v1/completions|{\"prompt\": \"x\", \"samplers\": \"top_k;nonsense\"}|samplers|nonsense",
                "grammar with a syntax error|/v1/completions|{\"prompt\": \"x\", \"grammar\": \"root ::= (\\\"a\\\"\"}|grammar|line 1",
                "grammar without a root rule|/v1/completions|{\"prompt\": \"x\", \"grammar\": \"start ::= \\\"a\\\"\"}|grammar|root",
                "grammar not a string|/v1/completions|{\"prompt\": \"x\", \"grammar\": 5}|grammar|a string",
                "regex with a lookahead|/v1/completions|{\"prompt\": \"x\", \"regex\": \"(?=a)b\"}|regex|at offset",
                "json_schema not an object|/v1/completions|{\"prompt\": \"x\", \"json_schema\": \"{}\"}|json_schema|an object",
                "json_schema with an unsupported keyword|/v1/completions|{\"prompt\": \"x\", \"json_schema\": {\"not\": {}}}|json_schema|unsupported keyword",
                "two constraints|/v1/completions|{\"prompt\": \"x\", \"grammar\": \"root ::= \\\"a\\\"\", \"regex\": \"a\"}|regex|cannot be combined",
                "speculative not an object|/v1/completions|{\"prompt\": \"x\", \"speculative\": \"lookup\"}|speculative|an object",
                "speculative mode unknown|/v1/completions|{\"prompt\": \"x\", \"speculative\": {\"mode\": \"fast\"}}|speculative.mode|got 'fast'",
                "speculative tree without a draft model|/v1/completions|{\"prompt\": \"x\", \"speculative\": {\"mode\": \"tree\"}}|speculative.mode|'tree' needs a draft model",
                "speculative multi without a draft model|/v1/completions|{\"prompt\": \"x\", \"speculative\": {\"mode\": \"multi\"}}|speculative.mode|'multi' needs a draft model",
                "speculative draft_tree_nodes zero|/v1/completions|{\"prompt\": \"x\", \"speculative\": {\"mode\": \"lookup\", \"draft_tree_nodes\": 0}}|speculative.draft_tree_nodes|must be in [1, 64], got 0",
                "speculative draft_tree_nodes too large|/v1/completions|{\"prompt\": \"x\", \"speculative\": {\"draft_tree_nodes\": 65}}|speculative.draft_tree_nodes|must be in [1, 64], got 65",
                "speculative draft_tree_nodes not an integer|/v1/completions|{\"prompt\": \"x\", \"speculative\": {\"draft_tree_nodes\": 2.5}}|speculative.draft_tree_nodes|an integer",
                "speculative drafts zero|/v1/chat/completions|{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"speculative\": {\"drafts\": 0}}|speculative.drafts|must be in [1, 64], got 0",
                "speculative drafts too large|/v1/completions|{\"prompt\": \"x\", \"speculative\": {\"drafts\": 65}}|speculative.drafts|must be in [1, 64], got 65",
                "speculative draft without a draft model|/v1/completions|{\"prompt\": \"x\", \"speculative\": {\"mode\": \"draft\"}}|speculative.mode|--draft-model",
                "speculative draft_max zero|/v1/completions|{\"prompt\": \"x\", \"speculative\": {\"mode\": \"lookup\", \"draft_max\": 0}}|speculative.draft_max|got 0",
                "speculative draft_max too large|/v1/completions|{\"prompt\": \"x\", \"speculative\": {\"draft_max\": 65}}|speculative.draft_max|got 65",
                "speculative draft_min above draft_max|/v1/completions|{\"prompt\": \"x\", \"speculative\": {\"draft_max\": 4, \"draft_min\": 5}}|speculative.draft_min|[0, 4], got 5",
                "speculative draft_p_min out of range|/v1/completions|{\"prompt\": \"x\", \"speculative\": {\"draft_p_min\": 1.5}}|speculative.draft_p_min|got 1.5",
                "speculative lookup_ngram not an integer|/v1/completions|{\"prompt\": \"x\", \"speculative\": {\"lookup_ngram\": \"3\"}}|speculative.lookup_ngram|an integer",
                "speculative unknown field|/v1/chat/completions|{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"speculative\": {\"mode\": \"lookup\", \"draft_temperature\": 3}}|speculative.draft_temperature|unrecognized",
                "messages missing|/v1/chat/completions|{\"model\": \"m\"}|messages|required",
                "message role wrong|/v1/chat/completions|{\"messages\": [{\"role\": \"robot\", \"content\": \"x\"}]}|messages[0].role|robot",
                "message with unknown field|/v1/chat/completions|{\"messages\": [{\"role\": \"user\", \"content\": \"x\", \"mood\": 1}]}|messages[0].mood|unrecognized",
                "top_logprobs without logprobs|/v1/chat/completions|{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"top_logprobs\": 3}|top_logprobs|needs 'logprobs'",
                "top_logprobs beyond the vocabulary|/v1/chat/completions|{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"logprobs\": true, \"top_logprobs\": 600}|top_logprobs|got 600",
                "response_format schema unsupported|/v1/chat/completions|{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"a\", \"schema\": {\"type\": \"object\", \"not\": {}}}}}|response_format.json_schema.schema|unsupported keyword",
                "response_format json_schema missing|/v1/chat/completions|{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"response_format\": {\"type\": \"json_schema\"}}|response_format.json_schema|required",
                "response_format type unknown|/v1/chat/completions|{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"response_format\": {\"type\": \"yaml\"}}|response_format.type|yaml",
                "tools|/v1/chat/completions|{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"tools\": []}|tools|not supported yet",
                "include_usage not a boolean|/v1/chat/completions|{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"stream_options\": {\"include_usage\": 1}}|stream_options.include_usage|a boolean",
                "score without text|/v1/score|{\"methods\": [\"perplexity\"]}|text|required",
                "score with empty text|/v1/score|{\"text\": \"\"}|text|must not be empty",
                "score with text of one token|/v1/score|{\"text\": \"a\", \"add_special\": false}|text|at least 2 tokens",
                "score with an unknown method|/v1/score|{\"text\": \"x y\", \"methods\": [\"perplexity\", \"vibes\"]}|methods|valid methods: [sequence-probability, perplexity",
                "score with a method needing a reference|/v1/score|{\"text\": \"x y\", \"methods\": [\"binoculars\"]}|methods|not available on this server",
                "score with a method twice|/v1/score|{\"text\": \"x y\", \"methods\": [\"loss\", \"loss\"]}|methods|twice",
                "score with methods not strings|/v1/score|{\"text\": \"x y\", \"methods\": [1]}|methods|array of strings",
                "score with top_logprobs too large|/v1/score|{\"text\": \"x y\", \"top_logprobs\": 513}|top_logprobs|got 513",
                "score with k out of range|/v1/score|{\"text\": \"x y\", \"k\": 1.5}|k|got 1.5",
                "score with an unknown field|/v1/score|{\"text\": \"x y\", \"echo\": true}|echo|unrecognized",
                "tokenize without content|/tokenize|{}|content|required",
                "detokenize with a bad id|/detokenize|{\"tokens\": [-1]}|tokens|tokens[0]",
            })
    void badInputIsA400NamingTheField(String name, String path, String body, String param, String messagePart) {
        assertError(post(path, body), 400, param, messagePart);
    }

    @Test
    void hugeBodyIsRefusedWithoutReadingItAll() {
        String huge = "{\"prompt\": \"" + "a".repeat((int) ServerConfig.DEFAULT_MAX_BODY_BYTES + 10) + "\"}";
        assertError(post("/v1/completions", huge), 413, "body", "exceeds the limit");
    }

    @Test
    void promptLongerThanTheContextIsRefused() {
        String long_ = "{\"prompt\": \"" + "Once upon a time. ".repeat(400) + "\", \"max_tokens\": 0}";
        assertError(post("/v1/completions", long_), 400, "prompt", "context length");
    }

    @Test
    void requestsWithoutTheApiKeyAre401() {
        TestServer.Response missing = server.post("/v1/completions", "{\"prompt\": \"x\"}");
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.json().get("error").get("code").asText()).isEqualTo("invalid_api_key");
        TestServer.Response wrong = server.send(HttpRequest.newBuilder(URI.create(server.url("/v1/models")))
                .header("Authorization", "Bearer wrong")
                .GET()
                .build());
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(server.get("/health").status()).as("/health needs no key").isEqualTo(200);
    }

    @Test
    void serverStillAnswersAfterBadRequests() {
        post("/v1/completions", "{\"prompt\": ");
        post("/v1/completions", "\u0000\u0001");
        TestServer.Response good = post("/v1/completions", "{\"prompt\": \"Once\", \"max_tokens\": 2}");
        assertThat(good.status()).as(good.body()).isEqualTo(200);
        assertThat(good.json().get("choices").get(0).get("text").asText()).isNotNull();
    }
}
