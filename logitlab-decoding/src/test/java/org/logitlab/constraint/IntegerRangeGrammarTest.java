package org.logitlab.constraint;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IntegerRangeGrammarTest {

    @ParameterizedTest
    @CsvSource(
            nullValues = "open",
            value = {
                "0, 9",
                "-15, 1234",
                "7, 7",
                "-1200, -35",
                "1900, 2100",
                "0, open",
                "open, -3",
                "-99, open",
                "open, 250",
                "10, 1000",
                "-1, 0",
            })
    void acceptsExactlyTheIntegersInTheRange(Long minimum, Long maximum) {
        String grammar = "root ::= " + IntegerRangeGrammar.expression(minimum, maximum) + "\n";
        for (long value = -2500; value <= 2500; value++) {
            boolean inRange = (minimum == null || value >= minimum) && (maximum == null || value <= maximum);
            assertThat(GrammarMatchingTest.accepts(grammar, Long.toString(value)))
                    .as("%d in [%s, %s]", value, minimum, maximum)
                    .isEqualTo(inRange);
        }
        assertThat(GrammarMatchingTest.accepts(grammar, "-0")).isFalse();
        assertThat(GrammarMatchingTest.accepts(grammar, "007")).isFalse();
    }
}
