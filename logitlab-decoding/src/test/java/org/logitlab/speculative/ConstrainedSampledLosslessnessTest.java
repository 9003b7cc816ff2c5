package org.logitlab.speculative;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.logitlab.constraint.Constraint;
import org.logitlab.constraint.Constraints;
import org.logitlab.constraint.TokenVocabularies;
import org.logitlab.constraint.TokenVocabulary;
import org.logitlab.generation.GenerationResult;
import org.logitlab.generation.Generator;
import org.logitlab.model.Model;
import org.logitlab.sampling.SamplerChain;
import org.logitlab.sampling.SamplerChains;
import org.logitlab.sampling.SamplerSettings;
import org.logitlab.session.Session;

/**
 * At temperature > 0 the first {@value #LENGTH} tokens generated under a constraint must follow the exact law of plain
 * constrained sampling, computed from the target's rows masked by the constraint and shaped by the chain ({@link
 * SequenceLaw}). Each drafter is run {@value #RUNS} times with seeds 0…{@value #RUNS}−1 and compared by χ²; plain
 * constrained {@link Generator} is held to the same law, so the law is the one plain sampling follows.
 *
 * <p>The target is sampled at temperature 2 (several continuations are likely) and the draft model's logits are
 * sharpened (draft temperature 0.4), so q differs from p and rejections are frequent: a verifier that resampled from p
 * instead of the residual after a rejection fails here for every drafter.
 */
class ConstrainedSampledLosslessnessTest {
    private static final int RUNS = 1_200;
    private static final int LENGTH = 3;
    private static final int CONTEXT = 64;
    private static final String PROMPT = "Tom had a red ball. Tom had a red";
    private static final SamplerSettings SETTINGS = SamplerSettings.builder()
            .temperature(2.0)
            .topK(4)
            .topP(1.0)
            .minP(0.0)
            .build();

    /**
     * Allows the prompt's own continuation (" ball. Tom …", what prompt lookup drafts) among others, and forbids most of
     * what the model would say otherwise.
     */
    private static final String PATTERN = " (ball|box|hat|bed|kite|car)(\\. (Tom|He|It) [a-z]+| and a [a-z]+|!)";

    private static final String SCHEMA = """
            {"type":"object","properties":{"toy":{"enum":["ball","box","hat"]},"color":{"type":"string"}},
             "required":["toy"]}""";

    @Test
    void plainConstrainedSamplingFollowsTheExactLaw() {
        assertFollowsExactLaw(
                vocabulary -> Constraints.regex(PATTERN, vocabulary),
                (session, chain, constraint) -> new Generator(session, tokenizer(), chain, constraint)
                        .generate(prompt(), LENGTH, 0, token -> {}));
    }

    @Test
    void draftModelChainFollowsConstrainedSampling() {
        assertSpeculativeFollowsExactLaw(
                () -> draftModel(DraftModelDrafter.Shape.CHAIN), new SpeculativeSamplingVerifier(), true);
    }

    @Test
    void dynamicTreeFollowsConstrainedSampling() {
        assertSpeculativeFollowsExactLaw(
                () -> draftModel(DraftModelDrafter.Shape.TREE), new RecursiveRejectionVerifier(), true);
    }

    @Test
    void multiDraftFollowsConstrainedSampling() {
        assertSpeculativeFollowsExactLaw(
                () -> draftModel(DraftModelDrafter.Shape.MULTI), new RecursiveRejectionVerifier(), true);
    }

    @Test
    void promptLookupFollowsConstrainedSampling() {
        assertSpeculativeFollowsExactLaw(() -> new PromptLookupDrafter(3, 1), new SpeculativeSamplingVerifier(), false);
    }

    @Test
    void tokenRecyclingFollowsConstrainedSampling() {
        Drafter shared = TokenRecyclingDrafter.withDefaults(
                SpeculativeFixtures.target().config().vocabularySize());
        assertSpeculativeFollowsExactLaw(() -> shared, new RecursiveRejectionVerifier(), false);
    }

    /** A JSON Schema through a draft model: the schema's forced tokens are drafted and accepted, the choices sampled. */
    @Test
    void draftModelFollowsSchemaConstrainedSampling() {
        SpeculativeRuns runs =
                new SpeculativeRuns(draftModel(DraftModelDrafter.Shape.CHAIN), new SpeculativeSamplingVerifier());
        assertFollowsExactLaw(vocabulary -> Constraints.jsonSchema(SCHEMA, vocabulary), runs);
        assertThat(runs.accepted).as("forced tokens are drafted and accepted").isPositive();
    }

    private static Drafter draftModel(DraftModelDrafter.Shape shape) {
        return new DraftModelDrafter(
                SpeculativeFixtures.target(),
                SpeculativeFixtures.draft(),
                CONTEXT,
                shape,
                new DraftLength(3, 1, 0.0, 8),
                2,
                0.4);
    }

    private static void assertSpeculativeFollowsExactLaw(
            Supplier<Drafter> drafters, Verifier verifier, boolean expectRejections) {
        SpeculativeRuns runs = new SpeculativeRuns(drafters.get(), verifier);
        assertFollowsExactLaw(vocabulary -> Constraints.regex(PATTERN, vocabulary), runs);
        assertThat(runs.drafted).as("drafts must reach verification").isPositive();
        assertThat(runs.accepted).as("and be accepted sometimes").isPositive();
        if (expectRejections) {
            assertThat(runs.accepted)
                    .as("the draft must be rejected sometimes for the test to mean anything")
                    .isLessThan(runs.drafted * 9 / 10);
        }
    }

    /** One way to draw a constrained continuation with a given chain. */
    @FunctionalInterface
    private interface Sampling {
        GenerationResult generate(Session session, SamplerChain chain, Constraint constraint);
    }

    /** Speculative sampling with one drafter reused across runs, as a server would; counts drafted and accepted. */
    private static final class SpeculativeRuns implements Sampling {
        private final Drafter drafter;
        private final Verifier verifier;
        long drafted;
        long accepted;

        SpeculativeRuns(Drafter drafter, Verifier verifier) {
            this.drafter = drafter;
            this.verifier = verifier;
        }

        @Override
        public GenerationResult generate(Session session, SamplerChain chain, Constraint constraint) {
            SpeculativeGenerator generator = new SpeculativeGenerator(
                    session, tokenizer(), chain, drafter, verifier, new DraftLength(3, 1, 0.0, 8), constraint);
            GenerationResult result = generator.generate(prompt(), LENGTH, 0, token -> {});
            drafted += generator.lastStatistics().draftedTokens();
            accepted += generator.lastStatistics().acceptedTokens();
            return result;
        }
    }

    /** {@link #RUNS} seeded runs of {@code sampling} (one session reused; only the seed changes) against the law. */
    private static void assertFollowsExactLaw(Function<TokenVocabulary, Constraint> constraints, Sampling sampling) {
        Model model = SpeculativeFixtures.target();
        TokenVocabulary vocabulary = TokenVocabularies.of(model.tokenizer());
        Constraint start = constraints.apply(vocabulary);
        SequenceLaw exact =
                SequenceLaw.of(model, prompt(), SETTINGS.toBuilder().seed(0).build(), CONTEXT, start, LENGTH);
        Map<List<Integer>, Integer> counts = new HashMap<>();
        Session session = model.newSession(CONTEXT);
        for (int seed = 0; seed < RUNS; seed++) {
            session.truncate(0);
            SamplerChain chain = SamplerChains.create(
                    SETTINGS.toBuilder().seed(seed).build(), model.config().vocabularySize(), CONTEXT);
            int[] ids = sampling.generate(session, chain, start.copy()).generatedIds();
            counts.merge(Arrays.stream(ids).boxed().toList(), 1, Integer::sum);
        }
        assertThat(exact.probabilities().keySet())
                .as("every sampled sequence must be possible under the constraint")
                .containsAll(counts.keySet());
        assertThat(exact.chiSquare(counts, RUNS)).isLessThan(exact.criticalValue(RUNS));
    }

    private static org.logitlab.tokenizer.Tokenizer tokenizer() {
        return SpeculativeFixtures.target().tokenizer();
    }

    private static int[] prompt() {
        return tokenizer().encode(PROMPT, true, false);
    }
}
