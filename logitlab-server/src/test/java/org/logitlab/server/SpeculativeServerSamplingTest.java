package org.logitlab.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.logitlab.constraint.Constraint;
import org.logitlab.constraint.ConstraintMask;
import org.logitlab.constraint.Constraints;
import org.logitlab.constraint.TokenVocabularies;
import org.logitlab.model.Model;
import org.logitlab.sampling.SamplerChain;
import org.logitlab.sampling.SamplerChains;
import org.logitlab.sampling.SamplerSettings;
import org.logitlab.server.scheduler.SpeculationSettings;
import org.logitlab.session.Logits;
import org.logitlab.session.Session;
import org.logitlab.speculative.ChainShaping;

/**
 * At temperature > 0 a speculative server's continuations follow exactly the law of plain sampling. Three tokens
 * cover every verification outcome: the first is drawn from the prompt's row, the second verifies a one-token
 * draft (accepted, or rejected and redrawn from the residual), the third is the bonus token after an accepted
 * draft or a plain draw. {@value #SAMPLES} seeded continuations per server are compared by χ² with P(a)·P(b |
 * a)·P(c | a, b), computed from the target's own rows; the plain server must pass the same check, which shows
 * the law is the one plain sampling follows. Prompts and temperature are chosen so that about one draft in ten
 * is rejected: prompt lookup proposes point masses (residual = p without the draft), the draft model proposes
 * samples from its own q (residual = norm(max(0, p − q))). Tree and multi-draft servers draw four tokens: the round
 * after the prompt's step verifies a tree two deep by recursive rejection (siblings drawn without replacement, each
 * rejection narrowing the residual), then the bonus token or a plain draw. Under a regex constraint the law is that of
 * plain constrained sampling (each row masked by the regex's state before the chain), and continuations must follow it
 * too.
 */
class SpeculativeServerSamplingTest {
    /** Lookup drafts " ball." after " red" and the target often disagrees at this temperature. */
    private static final String LOOKUP_PROMPT = "Tom had a red ball. Tom had a red";
    /** The Q4_K_M draft model disagrees with the target here about once in ten drafts. */
    private static final String DRAFT_PROMPT = "Lily saw a big dog. Lily saw a big";

    /**
     * Constrained sampling (regexes as written inside the request's JSON): lookup's draft " ball." stays allowed among
     * other words the target samples; the draft model's draws compete among words sharing a first token. Under them
     * about one draft in fifteen is rejected.
     */
    private static final String LOOKUP_REGEX =
            "( ball| bow| toy| top| car| cat| coat| rock| box| boat)( and| in| that)?\\\\.?";

    private static final String DRAFT_REGEX = "( ball| bird| bug| box| boat| bus| bow| bed)( named| with| in)?\\\\.?";

    private static final double TEMPERATURE = 1.5;
    private static final int TOKENS = 3;
    /** Trees: the first round after the prompt's step drafts two deep, so paths through accepted nodes are verified. */
    private static final int TREE_TOKENS = 4;

    private static final int CHOICES = 64;
    private static final int REQUESTS = 16;
    private static final int SAMPLES = CHOICES * REQUESTS;
    private static final int TOP_K = 4;

    static TestServer plain;
    static TestServer lookup;
    static TestServer draft;
    static TestServer tree;
    static TestServer multi;
    /** The plain server's samples per prompt, constraint and length, shared by the tests that compare against them. */
    static final Map<String, Samples> plainSamples = new HashMap<>();

    @BeforeAll
    static void start() {
        plain = TestServer.start(TestServer.config().withParallel(16));
        lookup = TestServer.start(config(SpeculationFlags.parse("lookup", null, null, 3, 0, 0.0, 3, 24, 3), null));
        java.nio.file.Path draftModel = SpeculativeServerGreedyTest.draftModel();
        draft = TestServer.start(
                config(SpeculationFlags.parse("draft", draftModel, null, 3, 0, 0.0, 3, 24, 3), draftModel));
        // full trees (p-min 0) of up to 8 nodes; multi: 3 drafts
        tree = TestServer.start(
                config(SpeculationFlags.parse("tree", draftModel, null, 3, 0, 0.0, 3, 8, 3), draftModel));
        multi = TestServer.start(
                config(SpeculationFlags.parse("multi", draftModel, null, 3, 0, 0.0, 3, 8, 3), draftModel));
    }

    private static ServerConfig config(SpeculationSettings settings, java.nio.file.Path draftModel) {
        return TestServer.config().withParallel(16).withSpeculation(settings, draftModel);
    }

    @AfterAll
    static void stop() {
        plain.close();
        lookup.close();
        draft.close();
        tree.close();
        multi.close();
    }

    private record Samples(Map<List<String>, Integer> counts, long drafted, long accepted) {}

    /**
     * {@value #SAMPLES} continuations: {@value #REQUESTS} requests of n = {@value #CHOICES}, seeds differing per
     * choice. The prompt is echoed (its rows are scored in the same pass) only to read the tokens back.
     */
    private static Samples sample(TestServer server, String prompt, int promptLength, String regex, int length) {
        Map<List<String>, Integer> counts = new HashMap<>();
        long drafted = 0, accepted = 0;
        for (int request = 0; request < REQUESTS; request++) {
            String body = "{\"prompt\":\"" + prompt + "\",\"max_tokens\":" + length + ",\"n\":" + CHOICES
                    + ",\"temperature\":" + TEMPERATURE + ",\"top_k\":" + TOP_K + ",\"seed\":" + (request * CHOICES)
                    + ",\"logprobs\":0,\"echo\":true" + (regex == null ? "" : ",\"regex\":\"" + regex + "\"") + "}";
            TestServer.Response response = server.post("/v1/completions", body);
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            JsonNode json = response.json();
            for (JsonNode choice : json.get("choices")) {
                List<String> tokens = new ArrayList<>();
                choice.get("logprobs").get("tokens").forEach(token -> tokens.add(token.asText()));
                counts.merge(tokens.subList(promptLength, tokens.size()), 1, Integer::sum);
            }
            JsonNode statistics = json.get("usage").get("speculative");
            if (statistics != null) {
                drafted += statistics.get("drafted_tokens").asLong();
                accepted += statistics.get("accepted_tokens").asLong();
            }
        }
        return new Samples(counts, drafted, accepted);
    }

    @Test
    void promptLookupContinuationsFollowPlainSampling() {
        assertFollowsPlainSampling(lookup, "lookup", LOOKUP_PROMPT, null, TOKENS);
    }

    @Test
    void draftModelContinuationsFollowPlainSampling() {
        assertFollowsPlainSampling(draft, "draft", DRAFT_PROMPT, null, TOKENS);
    }

    /**
     * Draft trees verified by recursive rejection: up to four drawn siblings per node, without replacement, two deep.
     */
    @Test
    void draftTreeContinuationsFollowPlainSampling() {
        assertFollowsPlainSampling(tree, "tree", DRAFT_PROMPT, null, TREE_TOKENS);
    }

    @Test
    void multiDraftContinuationsFollowPlainSampling() {
        assertFollowsPlainSampling(multi, "multi", DRAFT_PROMPT, null, TREE_TOKENS);
    }

    /** Under a regex the law is plain constrained sampling's: every row masked by the regex's state, then shaped. */
    @Test
    void constrainedPromptLookupContinuationsFollowPlainConstrainedSampling() {
        assertFollowsPlainSampling(lookup, "lookup", LOOKUP_PROMPT, LOOKUP_REGEX, TOKENS);
    }

    @Test
    void constrainedDraftModelContinuationsFollowPlainConstrainedSampling() {
        assertFollowsPlainSampling(draft, "draft", DRAFT_PROMPT, DRAFT_REGEX, TOKENS);
    }

    @Test
    void constrainedDraftTreeContinuationsFollowPlainConstrainedSampling() {
        assertFollowsPlainSampling(tree, "tree", DRAFT_PROMPT, DRAFT_REGEX, TREE_TOKENS);
    }

    @Test
    void constrainedMultiDraftContinuationsFollowPlainConstrainedSampling() {
        assertFollowsPlainSampling(multi, "multi", DRAFT_PROMPT, DRAFT_REGEX, TREE_TOKENS);
    }

    /**
     * @param regex a regex constraint as written inside the request's JSON, or null
     * @param length tokens per continuation
     */
    private static void assertFollowsPlainSampling(
            TestServer server, String name, String prompt, String regex, int length) {
        Model model = plain.model;
        int[] promptTokens = model.tokenizer().encode(prompt, true, false);
        Constraint constraint = regex == null
                ? null
                : Constraints.regex(regex.replace("\\\\", "\\"), TokenVocabularies.of(model.tokenizer()));
        Map<List<String>, Double> law = exactLaw(model, promptTokens, constraint, length);
        assertThat(law.values().stream().mapToDouble(Double::doubleValue).sum())
                .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6)); // candidates hold float probabilities

        Samples plainSample = plainSamples.computeIfAbsent(
                prompt + "|" + regex + "|" + length, key -> sample(plain, prompt, promptTokens.length, regex, length));
        assertFollows(law, plainSample.counts(), "plain");
        Samples samples = sample(server, prompt, promptTokens.length, regex, length);
        assertFollows(law, samples.counts(), name);
        assertThat(samples.accepted())
                .as("%s: drafts must be both accepted and rejected for the test to mean anything", name)
                .isPositive()
                .isLessThan(samples.drafted() * 19 / 20);
    }

    private static void assertFollows(Map<List<String>, Double> law, Map<List<String>, Integer> counts, String name) {
        assertThat(law.keySet())
                .as("%s: every sampled continuation must be possible", name)
                .containsAll(counts.keySet());
        assertThat(chiSquare(law, counts))
                .as("%s: χ² against the exact law", name)
                .isLessThan(criticalValue(law));
    }

    /**
     * The probability of every continuation of {@code length} tokens (shorter when one ends the generation), keyed
     * by the tokens as the server spells them, from the target's rows shaped by the request's chain.
     */
    private static Map<List<String>, Double> exactLaw(Model model, int[] prompt, Constraint constraint, int length) {
        SamplerSettings settings = SamplerSettings.builder()
                .temperature(TEMPERATURE)
                .topP(1.0)
                .topK(TOP_K)
                .minP(0.0)
                .repeatLastN(-1)
                .seed(0)
                .build();
        int context = prompt.length + length;
        SamplerChain chain = SamplerChains.create(settings, model.config().vocabularySize(), context);
        for (int token : prompt) {
            chain.accept(token);
        }
        Session session = model.newSession(context);
        Logits rows = session.append(prompt, false);
        Map<List<String>, Double> law = new HashMap<>();
        extend(model, session, ChainShaping.of(chain), constraint, rows.data(), new ArrayList<>(), 1.0, length, law);
        return law;
    }

    /** @param constraint the constraint's state after the prompt and {@code prefix}, or null */
    private static void extend(
            Model model,
            Session session,
            ChainShaping shaping,
            Constraint constraint,
            float[] row,
            List<Integer> prefix,
            double probability,
            int length,
            Map<List<String>, Double> law) {
        float[] constrained = constraint == null
                ? row
                : new ConstraintMask(model.config().vocabularySize()).masked(constraint, row, 0);
        assertThat(constrained)
                .as("the constraint allows a token after %s", prefix)
                .isNotNull();
        double[] next = shaping.probabilities(constrained, 0);
        int cached = session.length();
        for (int token = 0; token < next.length; token++) {
            if (next[token] == 0) {
                continue;
            }
            List<Integer> continuation = new ArrayList<>(prefix);
            continuation.add(token);
            double joint = probability * next[token];
            if (model.tokenizer().isEndOfGeneration(token)) {
                // the server reports no token for the end of generation (finish_reason "stop" says it)
                law.merge(spelled(model, prefix), joint, Double::sum);
                continue;
            }
            if (continuation.size() == length) {
                law.merge(spelled(model, continuation), joint, Double::sum);
                continue;
            }
            session.truncate(cached);
            float[] after = session.append(token).last();
            ChainShaping shapingAfter = shaping.copy();
            shapingAfter.accept(token);
            Constraint constraintAfter = null;
            if (constraint != null) {
                constraintAfter = constraint.copy();
                constraintAfter.accept(token);
            }
            extend(model, session, shapingAfter, constraintAfter, after, continuation, joint, length, law);
        }
    }

    /** Tokens as the server's log-probs spell them (text, or the vocabulary entry when a token has no bytes). */
    private static List<String> spelled(Model model, List<Integer> tokens) {
        List<String> spelled = new ArrayList<>();
        for (int token : tokens) {
            byte[] bytes = model.tokenizer().tokenBytes(token);
            spelled.add(bytes.length == 0 ? model.tokenizer().piece(token) : new String(bytes, StandardCharsets.UTF_8));
        }
        return spelled;
    }

    /** Pearson χ² with cells of expected count < 5 pooled into one, as the χ² approximation needs. */
    private static double chiSquare(Map<List<String>, Double> law, Map<List<String>, Integer> counts) {
        double statistic = 0, pooledExpected = 0, pooledObserved = 0;
        for (var cell : law.entrySet()) {
            double expected = cell.getValue() * SAMPLES;
            int observed = counts.getOrDefault(cell.getKey(), 0);
            if (expected < 5) {
                pooledExpected += expected;
                pooledObserved += observed;
            } else {
                statistic += (observed - expected) * (observed - expected) / expected;
            }
        }
        if (pooledExpected > 0) {
            statistic += (pooledObserved - pooledExpected) * (pooledObserved - pooledExpected) / pooledExpected;
        }
        return statistic;
    }

    /**
     * The 0.999 quantile of χ² with k = cells − 1 degrees of freedom (Wilson–Hilferty): a correct server fails
     * with probability ≈ 0.001, and the seeds are fixed, so the outcome is reproducible. A verifier that kept
     * drafts without rejection, or skipped the residual, shifts the top continuations by several percent, far
     * beyond this threshold at {@value #SAMPLES} samples.
     */
    private static double criticalValue(Map<List<String>, Double> law) {
        int large = 0;
        boolean pooled = false;
        for (double probability : law.values()) {
            if (probability * SAMPLES >= 5) {
                large++;
            } else {
                pooled = true;
            }
        }
        int k = large + (pooled ? 1 : 0) - 1;
        double term = 2.0 / (9.0 * k);
        return k * Math.pow(1 - term + 3.090 * Math.sqrt(term), 3);
    }
}
