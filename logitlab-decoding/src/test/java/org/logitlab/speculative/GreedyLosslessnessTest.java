package org.logitlab.speculative;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.logitlab.generation.GeneratedToken;
import org.logitlab.generation.GenerationResult;
import org.logitlab.generation.Generator;
import org.logitlab.model.Model;
import org.logitlab.sampling.SamplerChain;
import org.logitlab.sampling.SamplerChains;
import org.logitlab.sampling.SamplerSettings;

/** At temperature 0 speculative decoding must reproduce plain greedy decoding token for token, log-probs included. */
class GreedyLosslessnessTest {
    private static final int CONTEXT = 256;
    private static final int TOKENS = 80;
    private static final List<String> PROMPTS = List.of(
            "Once upon a time",
            "Lily and Tom went to the park. Lily and Tom went to the park. Lily and Tom",
            "The little dog said \"hi\". The little dog said");

    /** Adaptive draft lengths (lookup and recycle bounded by past acceptance and measured pass costs). */
    private static final DraftLength ADAPTIVE = new DraftLength(6, 0, 0.05, 16);

    /** pMin = 0: every draft at full length, so long accepted paths and rejections deep in them are exercised. */
    private static final DraftLength FULL = new DraftLength(6, 0, 0.0, 16);

    record Setup(String name, Function<Model, Drafter> drafter, Verifier verifier, DraftLength generatorLength) {
        Setup(String name, Function<Model, Drafter> drafter, Verifier verifier) {
            this(name, drafter, verifier, ADAPTIVE);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> setups() {
        DraftLength length = new DraftLength(6, 0, 0.05, 16);
        List<Setup> setups = List.of(
                new Setup("lookup", model -> new PromptLookupDrafter(3, 1), new SpeculativeSamplingVerifier()),
                new Setup(
                        "lookup-full", model -> new PromptLookupDrafter(3, 1), new SpeculativeSamplingVerifier(), FULL),
                new Setup(
                        "recycle-full",
                        model -> TokenRecyclingDrafter.withDefaults(
                                model.config().vocabularySize()),
                        new RecursiveRejectionVerifier(),
                        FULL),
                new Setup(
                        "recycle",
                        model -> TokenRecyclingDrafter.withDefaults(
                                model.config().vocabularySize()),
                        new RecursiveRejectionVerifier()),
                new Setup(
                        "draft",
                        model -> draftModel(model, DraftModelDrafter.Shape.CHAIN, length),
                        new SpeculativeSamplingVerifier()),
                new Setup(
                        "tree",
                        model -> draftModel(model, DraftModelDrafter.Shape.TREE, length),
                        new RecursiveRejectionVerifier()),
                new Setup(
                        "multi",
                        model -> draftModel(model, DraftModelDrafter.Shape.MULTI, length),
                        new RecursiveRejectionVerifier()),
                new Setup(
                        "early-exit-full",
                        model -> new DraftModelDrafter(
                                model,
                                model.firstLayers(model.config().layerCount() / 2),
                                CONTEXT,
                                DraftModelDrafter.Shape.CHAIN,
                                FULL,
                                1),
                        new SpeculativeSamplingVerifier(),
                        FULL));
        return setups.stream()
                .flatMap(setup -> Stream.of(
                        Arguments.of(
                                setup, SamplerSettings.builder().temperature(0).build()),
                        Arguments.of(
                                setup,
                                SamplerSettings.builder()
                                        .temperature(0)
                                        .repeatPenalty(1.3)
                                        .build())));
    }

    private static Drafter draftModel(Model target, DraftModelDrafter.Shape shape, DraftLength length) {
        return new DraftModelDrafter(target, SpeculativeFixtures.draft(), CONTEXT, shape, length, 3);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("setups")
    void reproducesGreedyTokensAndLogProbs(Setup setup, SamplerSettings settings) {
        Model model = SpeculativeFixtures.target();
        for (String prompt : PROMPTS) {
            int[] promptTokens = model.tokenizer().encode(prompt, true, false);
            GenerationResult plain = new Generator(model.newSession(CONTEXT), model.tokenizer(), chain(model, settings))
                    .generate(promptTokens, TOKENS, 5, token -> {});
            SpeculativeGenerator speculative = new SpeculativeGenerator(
                    model.newSession(CONTEXT),
                    model.tokenizer(),
                    chain(model, settings),
                    setup.drafter().apply(model),
                    setup.verifier(),
                    setup.generatorLength());
            GenerationResult result = speculative.generate(promptTokens, TOKENS, 5, token -> {});
            assertThat(result.generatedIds()).as("%s: %s", setup, prompt).containsExactly(plain.generatedIds());
            assertThat(result.tokens().stream().map(GeneratedToken::logProbs).toList())
                    .as("log-probs, %s: %s", setup, prompt)
                    .isEqualTo(plain.tokens().stream()
                            .map(GeneratedToken::logProbs)
                            .toList());
            assertThat(result.text()).isEqualTo(plain.text());
            assertThat(result.finishReason()).isEqualTo(plain.finishReason());
            assertThat(speculative.lastStatistics().generatedTokens())
                    .isEqualTo(plain.tokens().size());
        }
    }

    private static SamplerChain chain(Model model, SamplerSettings settings) {
        return SamplerChains.create(settings, model.config().vocabularySize(), CONTEXT);
    }
}
