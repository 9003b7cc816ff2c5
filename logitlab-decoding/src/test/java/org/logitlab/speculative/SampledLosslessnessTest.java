package org.logitlab.speculative;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.logitlab.model.Model;
import org.logitlab.sampling.SamplerChain;
import org.logitlab.sampling.SamplerChains;
import org.logitlab.sampling.SamplerSettings;
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
        SequenceLaw exact =
                SequenceLaw.of(model, prompt, SETTINGS.toBuilder().seed(0).build(), CONTEXT, null, 2);
        Map<List<Integer>, Integer> counts = new HashMap<>();
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
            counts.merge(List.of(ids[0], ids[1]), 1, Integer::sum);
            drafted += generator.lastStatistics().draftedTokens();
            accepted += generator.lastStatistics().acceptedTokens();
        }
        assertThat(exact.probabilities().keySet())
                .as("every sampled pair must be possible")
                .containsAll(counts.keySet());
        assertThat(exact.chiSquare(counts, RUNS)).isLessThan(exact.criticalValue(RUNS));
        if (expectRejections) {
            assertThat(accepted)
                    .as("the draft must be rejected sometimes for the test to mean anything")
                    .isLessThan(drafted * 9 / 10);
        }
    }
}
