package org.logitlab.speculative;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.logitlab.model.Model;
import org.logitlab.sampling.SamplerChain;
import org.logitlab.sampling.SamplerChains;
import org.logitlab.sampling.SamplerSettings;
import org.logitlab.session.Logits;
import org.logitlab.session.Session;

/**
 * At temperature > 0 the first two generated tokens after a fixed prompt must follow the exact law of plain
 * sampling, P(a)·P(b | a), computed from the target's rows through the same chain. Each verifier is run
 * {@value #RUNS} times with seeds 0…{@value #RUNS}−1 against a draft that genuinely differs from the target
 * (stories260K-f16 with its logits at temperature 1.8, or deterministic drafts), and compared by chi-square.
 */
class SampledLosslessnessTest {
    private static final int RUNS = 1_200;
    private static final int CONTEXT = 64;
    private static final String PROMPT = "Tom had a red ball. Tom had a red";
    private static final SamplerSettings SETTINGS = SamplerSettings.builder()
            .temperature(1.0)
            .topK(4)
            .topP(1.0)
            .minP(0.0)
            .build();

    @Test
    void draftModelChainFollowsPlainSampling() {
        assertFollowsPlainSampling(
                () -> draftModel(DraftModelDrafter.Shape.CHAIN), new SpeculativeSamplingVerifier(), true);
    }

    @Test
    void dynamicTreeFollowsPlainSampling() {
        assertFollowsPlainSampling(
                () -> draftModel(DraftModelDrafter.Shape.TREE), new RecursiveRejectionVerifier(), true);
    }

    @Test
    void multiDraftFollowsPlainSampling() {
        assertFollowsPlainSampling(
                () -> draftModel(DraftModelDrafter.Shape.MULTI), new RecursiveRejectionVerifier(), true);
    }

    @Test
    void promptLookupFollowsPlainSampling() {
        assertFollowsPlainSampling(() -> new PromptLookupDrafter(3, 1), new SpeculativeSamplingVerifier(), false);
    }

    @Test
    void tokenRecyclingFollowsPlainSampling() {
        Drafter shared = TokenRecyclingDrafter.withDefaults(
                SpeculativeFixtures.target().config().vocabularySize());
        assertFollowsPlainSampling(() -> shared, new RecursiveRejectionVerifier(), false);
    }

    private static Drafter draftModel(DraftModelDrafter.Shape shape) {
        return new DraftModelDrafter(
                SpeculativeFixtures.target(),
                SpeculativeFixtures.draft(),
                CONTEXT,
                shape,
                new DraftLength(3, 1, 0.0, 8),
                2,
                1.8);
    }

    private static void assertFollowsPlainSampling(
            Supplier<Drafter> drafters, Verifier verifier, boolean expectRejections) {
        Model model = SpeculativeFixtures.target();
        int[] prompt = model.tokenizer().encode(PROMPT, true, false);
        Map<Long, Double> exact = exactPairLaw(model, prompt);
        Map<Long, Integer> counts = new HashMap<>();
        long drafted = 0, accepted = 0;
        // One session and one drafter reused across runs (as a server would): only the seed changes.
        Session session = model.newSession(CONTEXT);
        Drafter drafter = drafters.get();
        for (int run = 0; run < RUNS; run++) {
            session.truncate(0);
            SamplerChain chain = SamplerChains.create(
                    SETTINGS.toBuilder().seed(run).build(), model.config().vocabularySize(), CONTEXT);
            SpeculativeGenerator generator = new SpeculativeGenerator(
                    session, model.tokenizer(), chain, drafter, verifier, new DraftLength(3, 1, 0.0, 8));
            int[] ids = generator.generate(prompt, 2, 0, token -> {}).generatedIds();
            counts.merge(pairKey(ids[0], ids[1]), 1, Integer::sum);
            drafted += generator.lastStatistics().draftedTokens();
            accepted += generator.lastStatistics().acceptedTokens();
        }
        assertThat(exact.keySet()).as("every sampled pair must be possible").containsAll(counts.keySet());
        assertThat(chiSquare(exact, counts)).isLessThan(criticalValue(exact));
        if (expectRejections) {
            assertThat(accepted)
                    .as("the draft must be rejected sometimes for the test to mean anything")
                    .isLessThan(drafted * 9 / 10);
        }
    }

    /** P(a)·P(b | a) for every pair the chain allows, from the target's own rows. */
    private static Map<Long, Double> exactPairLaw(Model model, int[] prompt) {
        Session session = model.newSession(CONTEXT);
        Logits promptRows = session.append(prompt, false);
        ChainShaping shaping = shaping(model, prompt);
        double[] first = shaping.probabilities(promptRows.data(), 0);
        Map<Long, Double> law = new HashMap<>();
        for (int a = 0; a < first.length; a++) {
            if (first[a] == 0) {
                continue;
            }
            session.truncate(prompt.length);
            Logits next = session.append(a);
            ChainShaping afterA = shaping.copy();
            afterA.accept(a);
            double[] second = afterA.probabilities(next.data(), 0);
            for (int b = 0; b < second.length; b++) {
                if (second[b] > 0) {
                    law.put(pairKey(a, b), first[a] * second[b]);
                }
            }
        }
        return law;
    }

    private static ChainShaping shaping(Model model, int[] prompt) {
        SamplerChain chain = SamplerChains.create(
                SETTINGS.toBuilder().seed(0).build(), model.config().vocabularySize(), CONTEXT);
        for (int token : prompt) {
            chain.accept(token);
        }
        return ChainShaping.of(chain);
    }

    /** Pearson χ² with cells of expected count < 5 pooled into one, as the χ² approximation needs. */
    private static double chiSquare(Map<Long, Double> exact, Map<Long, Integer> counts) {
        double statistic = 0, pooledExpected = 0, pooledObserved = 0;
        for (var cell : exact.entrySet()) {
            double expected = cell.getValue() * RUNS;
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
     * The 0.999 quantile of χ² with k = cells − 1 degrees of freedom by Wilson–Hilferty, k·(1 − 2/(9k) +
     * z·√(2/(9k)))³ with z = 3.090: a correct generator fails with probability ≈ 0.001 (fixed seeds make it
     * reproducible), while a verifier that skipped the residual or ignored the chain would shift the top pairs
     * by several percent, i.e. χ² far above the threshold at 1,200 runs.
     */
    private static double criticalValue(Map<Long, Double> exact) {
        List<Double> large = new ArrayList<>();
        boolean pooled = false;
        for (double probability : exact.values()) {
            if (probability * RUNS >= 5) {
                large.add(probability);
            } else {
                pooled = true;
            }
        }
        int k = large.size() + (pooled ? 1 : 0) - 1;
        double term = 2.0 / (9.0 * k);
        return k * Math.pow(1 - term + 3.090 * Math.sqrt(term), 3);
    }

    private static long pairKey(int a, int b) {
        return ((long) a << 32) | b;
    }
}
