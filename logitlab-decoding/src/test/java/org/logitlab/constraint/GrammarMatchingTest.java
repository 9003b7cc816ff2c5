package org.logitlab.constraint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GrammarMatchingTest {

    private static final TokenVocabulary BYTES = TestVocabularies.singleBytes();

    /** Whether the grammar accepts the whole string, fed one byte per token. */
    static boolean accepts(String grammar, String text) {
        Constraint constraint = Constraints.gbnf(grammar, BYTES);
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            if (!constraint.allows(b & 0xFF)) {
                return false;
            }
            constraint.accept(b & 0xFF);
        }
        return constraint.isComplete() && constraint.allows(256);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "12+3", "(1 + 2) * -3", "4/(5-6)*7", "((((9))))"})
    void arithmeticAcceptsExpressions(String text) {
        assertThat(accepts(GbnfParserTest.resource("arithmetic.gbnf"), text)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1+", "(1", "1 2", "a", "1++2", "()"})
    void arithmeticRejectsNonExpressions(String text) {
        assertThat(accepts(GbnfParserTest.resource("arithmetic.gbnf"), text)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{}",
                "[1, 2.5e3, -0]",
                "{\"a\": [true, false, null], \"b\": {\"c\": \"d\\n\\u00e9\"}}",
                "\"π ≈ 3.14 🎉\""
            })
    void jsonAcceptsValues(String text) {
        assertThat(accepts(GbnfParserTest.resource("json.gbnf"), text)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "[1,]", "{\"a\" 1}", "01", "\"tab\there\"", "\"\\x\"", "tru"})
    void jsonRejectsNonValues(String text) {
        assertThat(accepts(GbnfParserTest.resource("json.gbnf"), text)).isFalse();
    }

    @Test
    void listAcceptsBulletLines() {
        String grammar = GbnfParserTest.resource("list.gbnf");

        assertThat(accepts(grammar, "- milk\n- eggs\n")).isTrue();
        assertThat(accepts(grammar, "- milk\n-eggs\n")).isFalse();
    }

    @Test
    void tokenSpanningSeveralGrammarSymbolsIsAllowedAsAWhole() {
        String grammar = "root ::= \"{\" key \":\" [0-9]+ \"}\"\nkey ::= \"\\\"\" [a-z]+ \"\\\"\"";
        TokenVocabulary vocabulary = TestVocabularies.pieces("{\"ab", "c\":", "42}", "{", "}", "x\"");
        Constraint constraint = Constraints.gbnf(grammar, vocabulary);
        BitSet allowed = new BitSet();

        constraint.allowedTokens(allowed);
        assertThat(allowed.stream().toArray()).containsExactly(0, 3);
        constraint.accept(0);
        constraint.allowedTokens(allowed);
        assertThat(allowed.stream().toArray()).containsExactly(1, 5);
        constraint.accept(1);
        constraint.accept(2);
        constraint.allowedTokens(allowed);
        assertThat(allowed.stream().toArray()).containsExactly(6);
        assertThat(constraint.isComplete()).isTrue();
    }

    @Test
    void multiByteCharacterSplitAcrossTwoTokensCarriesAPartialCodePoint() {
        // "é" is C3 A9; "ü" is C3 BC. The grammar allows only é, so C3 is a viable prefix but only A9 may follow it.
        TokenVocabulary vocabulary = new TokenVocabulary(
                new byte[][] {{(byte) 0xC3}, {(byte) 0xA9}, {(byte) 0xBC}, {(byte) 0xC3, (byte) 0xA9}, {}}, bitSet(4));
        Constraint constraint = Constraints.gbnf("root ::= \"é\"+", vocabulary);
        BitSet allowed = new BitSet();

        constraint.allowedTokens(allowed);
        assertThat(allowed.stream().toArray()).containsExactly(0, 3);
        constraint.accept(0);
        assertThat(constraint.isComplete())
                .as("half a character is not a complete sentence")
                .isFalse();
        constraint.allowedTokens(allowed);
        assertThat(allowed.stream().toArray()).containsExactly(1);
        constraint.accept(1);
        constraint.allowedTokens(allowed);
        assertThat(allowed.stream().toArray()).containsExactly(0, 3, 4);
    }

    @Test
    void leadByteIsRejectedWhenNoCompletionCanMatch() {
        // 0xF0 starts only code points >= U+10000; the grammar wants a BMP character.
        TokenVocabulary vocabulary = new TokenVocabulary(
                new byte[][] {{(byte) 0xF0}, {(byte) 0xE4}, {(byte) 0xED, (byte) 0xA0}, {}}, bitSet(3));
        Constraint constraint = Constraints.gbnf("root ::= [\\u4E00-\\u9FFF]", vocabulary);

        assertThat(constraint.allows(0)).isFalse();
        assertThat(constraint.allows(1)).isTrue();
        assertThat(constraint.allows(2)).as("ED A0 would start a surrogate").isFalse();
    }

    @Test
    void fourByteEmojiAcrossFourTokensIsMatched() {
        assertThat(accepts("root ::= \"a\" [\\U0001F600-\\U0001F64F] \"b\"", "a😀b"))
                .isTrue();
        assertThat(accepts("root ::= \"a\" [\\U0001F600-\\U0001F64F] \"b\"", "a🎉b"))
                .isFalse();
    }

    @Test
    void acceptingADisallowedTokenNamesTheToken() {
        Constraint constraint = Constraints.gbnf("root ::= \"a\"", BYTES);

        assertThatThrownBy(() -> constraint.accept('b'))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("token 98")
                .hasMessageContaining("'b'");
    }

    @Test
    void copiesAdvanceIndependently() {
        Constraint original = Constraints.gbnf("root ::= \"ab\" | \"ac\"", BYTES);
        original.accept('a');
        Constraint fork = original.copy();

        fork.accept('b');

        assertThat(fork.isComplete()).isTrue();
        assertThat(original.isComplete()).isFalse();
        assertThat(original.allows('c')).isTrue();
    }

    @Test
    void controlTokensWithNoBytesAreNeverAllowed() {
        TokenVocabulary vocabulary = new TokenVocabulary(new byte[][] {{}, {'a'}, {}}, bitSet(2));
        Constraint constraint = Constraints.gbnf("root ::= \"a\"*", vocabulary);
        BitSet allowed = new BitSet();

        constraint.allowedTokens(allowed);

        assertThat(allowed.stream().toArray()).containsExactly(1, 2);
    }

    static BitSet bitSet(int... bits) {
        BitSet set = new BitSet();
        for (int bit : bits) {
            set.set(bit);
        }
        return set;
    }
}
