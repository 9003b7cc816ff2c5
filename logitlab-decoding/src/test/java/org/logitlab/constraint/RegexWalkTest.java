package org.logitlab.constraint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Seeded random walks under a regex constraint must produce strings that java.util.regex fully matches. */
class RegexWalkTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "[0-9]{3}-[0-9]{4}",
                "^(cat|dog|bird)s?$",
                "\\d+(\\.\\d{1,2})?",
                "[A-Z][a-z]{0,6}( [A-Z][a-z]{0,6}){0,2}",
                "(?:ab|a)*c",
                "\\w{2,5}@\\w{2,5}\\.(com|org)",
                "[^aeiou\\s]{1,4}\\s[\\d_-]+",
                "x.{0,3}y",
                "(?<word>[a-z]+)\\t\\x41\\u00e9",
                "[\\u4e00-\\u9fff]{1,3}|😀+?",
                "\\(\\[\\.\\*\\+\\?\\]\\){1}",
            })
    void walksProduceFullMatches(String regex) {
        Pattern pattern = Pattern.compile(regex);
        for (TokenVocabulary vocabulary :
                new TokenVocabulary[] {TestVocabularies.stories260K(), TestVocabularies.singleBytes()}) {
            Constraint start = Constraints.regex(regex, vocabulary);
            Random random = new Random(regex.hashCode());
            int finished = 0;
            for (int walk = 0; walk < 100; walk++) {
                String text = TestVocabularies.randomWalk(start.copy(), vocabulary, random, 2000);
                if (text != null) {
                    finished++;
                    assertThat(pattern.matcher(text).matches())
                            .as("'%s' matches %s", text, regex)
                            .isTrue();
                }
            }
            assertThat(finished).isGreaterThanOrEqualTo(90);
        }
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "(a)\\1        | backreferences",
                "a(?=b)        | lookaround",
                "\\bword       | word boundaries",
                "a^b           | '^' is only supported at the start",
                "a$b           | '$' is only supported at the end",
                "(ab           | group is not closed",
                "[ab           | character class is not closed",
                "*a            | nothing to repeat",
                "a{2,x}        | malformed repetition",
            })
    void unsupportedConstructsAreRejectedWithTheOffset(String regex, String problem) {
        assertThatThrownBy(() -> RegexGrammar.toGbnf(regex.strip()))
                .isInstanceOf(GrammarSyntaxException.class)
                .hasMessageContaining("at offset")
                .hasMessageContaining(problem);
    }
}
