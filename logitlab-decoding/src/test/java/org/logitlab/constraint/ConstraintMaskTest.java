package org.logitlab.constraint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConstraintMaskTest {
    /** Tokens 0 "a", 1 "b", 2 "ab", 3 "c"; token 4 ends generation. Language: a b* c?. */
    private static final TokenVocabulary VOCABULARY = TestVocabularies.pieces("a", "b", "ab", "c");

    private static final float[] ROW = {9f, 1f, 2f, 3f, 4f, 5f, 6f};

    private static Constraint constraint() {
        return Constraints.gbnf("root ::= \"a\" \"b\"* \"c\"?", VOCABULARY);
    }

    @Test
    void keepsAllowedLogitsAndSetsTheRestToMinusInfinity() {
        ConstraintMask mask = new ConstraintMask(5);
        float[] masked = new float[5];
        assertThat(mask.apply(constraint(), ROW, 2, masked)).isTrue();
        // At the start only "a" and "ab" fit; the row is read from offset 2.
        float minus = Float.NEGATIVE_INFINITY;
        assertThat(masked).containsExactly(2f, minus, 4f, minus, minus);
        Constraint afterA = constraint();
        afterA.accept(0);
        assertThat(mask.masked(afterA, ROW, 0))
                .as("after 'a' the text is complete: b, c and end of generation")
                .containsExactly(minus, 1f, minus, 3f, 4f);
    }

    @Test
    void reportsAStateThatAllowsNothing() {
        Constraint ended = constraint();
        ended.accept(0);
        ended.accept(4);
        ConstraintMask mask = new ConstraintMask(5);
        float[] masked = {1f, 1f, 1f, 1f, 1f};
        assertThat(mask.apply(ended, ROW, 0, masked)).isFalse();
        assertThat(masked).containsOnly(Float.NEGATIVE_INFINITY);
        assertThat(mask.masked(ended, ROW, 0)).isNull();
    }

    @Test
    void refusesRowsShorterThanTheVocabulary() {
        ConstraintMask mask = new ConstraintMask(5);
        assertThatThrownBy(() -> mask.apply(constraint(), ROW, 3, new float[5]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("logits[3, 8)");
        assertThatThrownBy(() -> new ConstraintMask(0)).hasMessageContaining("vocabularySize");
    }
}
