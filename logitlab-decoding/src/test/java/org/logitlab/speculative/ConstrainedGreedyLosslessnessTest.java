package org.logitlab.speculative;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.logitlab.constraint.Constraint;
import org.logitlab.constraint.Constraints;
import org.logitlab.constraint.TokenVocabularies;
import org.logitlab.constraint.TokenVocabulary;
import org.logitlab.generation.FinishReason;
import org.logitlab.generation.GeneratedToken;
import org.logitlab.generation.GenerationResult;
import org.logitlab.generation.Generator;
import org.logitlab.model.Model;
import org.logitlab.sampling.SamplerChain;
import org.logitlab.sampling.SamplerChains;
import org.logitlab.sampling.SamplerSettings;
import org.logitlab.tokenizer.Tokenizer;

/**
 * Issue "Grammar constraints compose with speculation": at temperature 0 speculative decoding under a JSON Schema, a
 * GBNF grammar or a regex must reproduce constrained {@link Generator} token for token, log-probs included, for every
 * drafter; and the output must be a complete sentence of the constraint's language.
 */
class ConstrainedGreedyLosslessnessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CONTEXT = 384;
    private static final int TOKENS = 160;

    private static final String SCHEMA = """
            {"type":"object","properties":{
              "name":{"type":"string","maxLength":12},
              "age":{"type":"integer","minimum":1,"maximum":12},
              "pets":{"type":"array","items":{"enum":["dog","cat","bird"]},"minItems":1,"maxItems":3}},
             "required":["name","age","pets"],"additionalProperties":false}""";

    private static final String GRAMMAR = """
            root ::= sentence (" " sentence){1,3}
            sentence ::= subject " " verb " " object "."
            subject ::= "Lily" | "Tom" | "The dog" | "Mom" | [A-Z] [a-z]{2,6}
            verb ::= "saw" | "had" | "liked" | "played with"
            object ::= ("a" | "the" | "her") " " [a-z]{3,8}
            """;

    /** The same language as {@link #GRAMMAR}, for checking the output independently of the grammar engine. */
    private static final Pattern GRAMMAR_LANGUAGE;

    static {
        String sentence =
                "(Lily|Tom|The dog|Mom|[A-Z][a-z]{2,6}) (saw|had|liked|played with) (a|the|her) [a-z]{3,8}\\.";
        GRAMMAR_LANGUAGE = Pattern.compile(sentence + "( " + sentence + "){1,3}");
    }

    private static final String PATTERN =
            "(Lily|Tom|Sue) (had|saw|found) a (red|big|little) (ball|dog|box)\\. (She|He|It) was [a-z]{2,10}( [a-z]{2,10}){0,4}\\.";

    /** Prompts that repeat the shapes the constraints ask for, so copying drafters have something to copy. */
    private static final List<String> PROMPTS = List.of(
            "Once upon a time",
            "{\"name\": \"Tom\", \"age\": 5, \"pets\": [\"cat\", \"dog\"]} Lily saw a big dog. Tom had a red ball."
                    + " It was happy.",
            "Kitty liked her ball. She had a big box. Lily had a big box. She was very happy and loved it."
                    + " {\"name\": \"Lily\", \"age\": 3, \"pets\": [\"cat\", \"bird\"]}");

    private static final DraftLength ADAPTIVE = new DraftLength(6, 0, 0.05, 16);
    private static final DraftLength FULL = new DraftLength(6, 0, 0.0, 16);

    enum Language {
        JSON_SCHEMA,
        GBNF,
        REGEX;

        Constraint constraint(TokenVocabulary vocabulary) {
            return switch (this) {
                case JSON_SCHEMA -> Constraints.jsonSchema(SCHEMA, vocabulary);
                case GBNF -> Constraints.gbnf(GRAMMAR, vocabulary);
                case REGEX -> Constraints.regex(PATTERN, vocabulary);
            };
        }
    }

    record Setup(String name, Function<Model, Drafter> drafter, Verifier verifier, DraftLength generatorLength) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> setups() {
        DraftLength draftLength = new DraftLength(6, 0, 0.05, 16);
        List<Setup> setups = List.of(
                new Setup(
                        "lookup", model -> new PromptLookupDrafter(3, 1), new SpeculativeSamplingVerifier(), ADAPTIVE),
                new Setup(
                        "lookup-full", model -> new PromptLookupDrafter(3, 1), new SpeculativeSamplingVerifier(), FULL),
                new Setup(
                        "recycle",
                        model -> TokenRecyclingDrafter.withDefaults(
                                model.config().vocabularySize()),
                        new RecursiveRejectionVerifier(),
                        ADAPTIVE),
                new Setup(
                        "recycle-full",
                        model -> TokenRecyclingDrafter.withDefaults(
                                model.config().vocabularySize()),
                        new RecursiveRejectionVerifier(),
                        FULL),
                new Setup(
                        "draft",
                        model -> draftModel(model, DraftModelDrafter.Shape.CHAIN, draftLength),
                        new SpeculativeSamplingVerifier(),
                        ADAPTIVE),
                new Setup(
                        "tree",
                        model -> draftModel(model, DraftModelDrafter.Shape.TREE, draftLength),
                        new RecursiveRejectionVerifier(),
                        ADAPTIVE),
                new Setup(
                        "multi",
                        model -> draftModel(model, DraftModelDrafter.Shape.MULTI, draftLength),
                        new RecursiveRejectionVerifier(),
                        ADAPTIVE));
        return setups.stream()
                .flatMap(setup -> Stream.of(Language.values()).map(language -> Arguments.of(setup, language)));
    }

    private static Drafter draftModel(Model target, DraftModelDrafter.Shape shape, DraftLength length) {
        return new DraftModelDrafter(target, SpeculativeFixtures.draft(), CONTEXT, shape, length, 3);
    }

    /** Plain greedy, and greedy with a stateful shaper (the penalty sees each drafted path's history). */
    private static final List<SamplerSettings> SETTINGS = List.of(
            SamplerSettings.builder().temperature(0).build(),
            SamplerSettings.builder().temperature(0).repeatPenalty(1.3).build());

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("setups")
    void reproducesConstrainedGreedyTokensAndLogProbs(Setup setup, Language language) throws Exception {
        long drafted = 0, accepted = 0;
        for (SamplerSettings settings : SETTINGS) {
            for (String prompt : PROMPTS) {
                String context =
                        setup + " " + language + ", repeat penalty " + settings.repeatPenalty() + ": " + prompt;
                SpeculativeStatistics statistics = assertSameAsPlain(setup, language, settings, prompt, context);
                drafted += statistics.draftedTokens();
                accepted += statistics.acceptedTokens();
            }
        }
        // Adaptive lookup and recycling size drafts from measured pass times, so what they draft (never what they
        // output) varies from run to run; every other setup drafts deterministically and must get drafts accepted.
        boolean timed = setup.generatorLength().pMin() > 0
                && !setup.drafter().apply(SpeculativeFixtures.target()).estimatesAcceptance();
        if (!timed) {
            assertThat(accepted)
                    .as("%s %s: drafts must sometimes be accepted for the test to mean anything", setup, language)
                    .isPositive();
        }
        assertThat(drafted).isGreaterThanOrEqualTo(accepted);
    }

    private static SpeculativeStatistics assertSameAsPlain(
            Setup setup, Language language, SamplerSettings settings, String prompt, String context) throws Exception {
        Model model = SpeculativeFixtures.target();
        Tokenizer tokenizer = model.tokenizer();
        TokenVocabulary vocabulary = TokenVocabularies.of(tokenizer);
        int[] promptTokens = tokenizer.encode(prompt, true, false);
        GenerationResult plain = new Generator(
                        model.newSession(CONTEXT), tokenizer, chain(model, settings), language.constraint(vocabulary))
                .generate(promptTokens, TOKENS, 5, token -> {});
        Constraint speculativeConstraint = language.constraint(vocabulary);
        SpeculativeGenerator speculative = new SpeculativeGenerator(
                model.newSession(CONTEXT),
                tokenizer,
                chain(model, settings),
                setup.drafter().apply(model),
                setup.verifier(),
                setup.generatorLength(),
                speculativeConstraint);
        GenerationResult result = speculative.generate(promptTokens, TOKENS, 5, token -> {});
        assertThat(result.generatedIds()).as(context).containsExactly(plain.generatedIds());
        assertThat(result.tokens().stream().map(GeneratedToken::logProbs).toList())
                .as("log-probs, %s", context)
                .isEqualTo(plain.tokens().stream().map(GeneratedToken::logProbs).toList());
        assertThat(result.text()).as(context).isEqualTo(plain.text());
        assertThat(result.finishReason()).as(context).isEqualTo(plain.finishReason());
        assertThat(speculative.lastStatistics().generatedTokens())
                .isEqualTo(plain.tokens().size());
        assertThat(result.finishReason())
                .as("every language here is finite enough to end within %d tokens: %s", TOKENS, context)
                .isEqualTo(FinishReason.STOP);
        assertThat(speculativeConstraint.isComplete())
                .as("the generator's constraint advanced past the output: %s", context)
                .isTrue();
        assertInLanguage(language, constrainedText(tokenizer, result), context);
        return speculative.lastStatistics();
    }

    /** The text the constraint matched: the bytes of every generated token but the final end of generation. */
    private static String constrainedText(Tokenizer tokenizer, GenerationResult result) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int token : result.generatedIds()) {
            if (!tokenizer.isEndOfGeneration(token)) {
                bytes.writeBytes(tokenizer.tokenBytes(token));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static void assertInLanguage(Language language, String text, String context) throws Exception {
        switch (language) {
            case JSON_SCHEMA -> {
                JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                        .getSchema(SCHEMA);
                JsonNode parsed = JSON.readTree(text);
                assertThat(schema.validate(parsed)).as("%s: %s", context, text).isEmpty();
            }
            case GBNF ->
                assertThat(GRAMMAR_LANGUAGE.matcher(text).matches())
                        .as("%s: %s", context, text)
                        .isTrue();
            case REGEX ->
                assertThat(Pattern.matches(PATTERN, text))
                        .as("%s: %s", context, text)
                        .isTrue();
        }
    }

    private static SamplerChain chain(Model model, SamplerSettings settings) {
        return SamplerChains.create(settings, model.config().vocabularySize(), CONTEXT);
    }
}
