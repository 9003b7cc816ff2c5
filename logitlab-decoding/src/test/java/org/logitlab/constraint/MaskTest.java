package org.logitlab.constraint;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The trie-walk mask must equal the brute-force answer: every token's bytes fed to an independent matcher. */
class MaskTest {

    private static final String UNICODE_TEXT =
            "root ::= ([a-z ] | [\\u00C0-\\u024F] | [\\u4E00-\\u9FFF] | [\\U0001F300-\\U0001FAFF])+ \".\"";

    static Stream<Arguments> grammarsAndVocabularies() {
        String json = GbnfParserTest.resource("json.gbnf");
        String arithmetic = GbnfParserTest.resource("arithmetic.gbnf");
        String schema = JsonSchemaGrammar.toGbnf("""
                {"type": "object", "properties": {"name": {"type": "string", "maxLength": 8},
                 "tags": {"type": "array", "items": {"enum": ["a", "bc", "déf"]}, "maxItems": 3},
                 "age": {"type": "integer"}}, "required": ["name"]}""");
        Supplier<TokenVocabulary> stories = TestVocabularies::stories260K;
        Supplier<TokenVocabulary> gpt2 = TestVocabularies::gpt2;
        return Stream.of(
                Arguments.of("json/stories260K", json, stories, 40, 30),
                Arguments.of("arithmetic/stories260K", arithmetic, stories, 20, 30),
                Arguments.of("schema/stories260K", schema, stories, 20, 40),
                Arguments.of("unicode/stories260K", UNICODE_TEXT, stories, 10, 30),
                Arguments.of("json/gpt2", json, gpt2, 4, 25),
                Arguments.of("schema/gpt2", schema, gpt2, 3, 25),
                Arguments.of("unicode/gpt2", UNICODE_TEXT, gpt2, 4, 25));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("grammarsAndVocabularies")
    void maskEqualsBruteForceOverRandomStates(
            String name, String gbnf, Supplier<TokenVocabulary> vocabularySupplier, int walks, int steps) {
        TokenVocabulary vocabulary = vocabularySupplier.get();
        Grammar grammar = Grammar.parseGbnf(gbnf);
        GrammarConstraint constraint = GrammarConstraint.of(grammar, vocabulary);
        Random random = new Random(name.hashCode());
        BitSet mask = new BitSet();
        int statesChecked = 0;
        for (int walk = 0; walk < walks; walk++) {
            GrammarConstraint walker = constraint.copy();
            // A separate automaton: its caches fill along token paths, never along the trie walk.
            GrammarConstraint reference = new GrammarConstraint(new GrammarAutomaton(grammar), vocabulary, null);
            for (int step = 0; step < steps; step++) {
                walker.allowedTokens(mask);
                BitSet expected = new BitSet();
                for (int token = 0; token < vocabulary.size(); token++) {
                    if (reference.allows(token)) {
                        expected.set(token);
                    }
                }
                assertThat(mask).as("%s walk %d step %d", name, walk, step).isEqualTo(expected);
                assertThat(mask.isEmpty()).isFalse();
                statesChecked++;
                int token = TestVocabularies.pickUniform(mask, random);
                if (vocabulary.isEndOfGeneration(token)) {
                    break;
                }
                walker.accept(token);
                reference.accept(token);
            }
        }
        assertThat(statesChecked).isGreaterThanOrEqualTo(walks);
    }
}
