package org.logitlab.constraint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GbnfParserTest {

    static String resource(String name) {
        try (InputStream input = GbnfParserTest.class.getResourceAsStream(name)) {
            assertThat(input).as("test resource %s", name).isNotNull();
            return new String(input.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + name, e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"arithmetic.gbnf", "json.gbnf", "list.gbnf"})
    void compilesGrammarsInLlamaCppStyle(String file) {
        Grammar grammar = Grammar.parseGbnf(resource(file));

        assertThat(grammar.rootRuleName()).isEqualTo("root");
        // The printed form parses back to the same rules.
        String printed = grammar.toGbnf();
        assertThat(Grammar.parseGbnf(printed).toGbnf().lines())
                .containsExactlyInAnyOrderElementsOf(printed.lines()::iterator);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '\'',
            value = {
                "root ::= \"a\"\\nnext \"b\"                 | 2 | 6  | expected '::='",
                "root ::= \"abc\\nx ::= \"y\"              | 1 | 10 | string literal is not closed",
                "root ::= [a-z\\n                           | 1 | 10 | character class is not closed",
                "root ::= thing\\n                          | 1 | 10 | undefined rule 'thing'",
                "root ::= \"\\q\"                           | 1 | 11 | unknown escape",
                "root ::= (\"a\" \"b\"\\n                   | 2 | 1  | expected ')'",
                "root ::= \"a\"{3,1}                        | 1 | 13 | maximum below its minimum",
                "root ::= * \"a\"                           | 1 | 10 | has no item before it",
                "x ::= \"a\"                                | 1 | 1  | no 'root' rule",
                "root ::= \"a\" @                           | 1 | 14 | unexpected '@'",
                "root ::= \"a\"\\nroot ::= \"b\"            | 2 | 1  | defined twice",
            })
    void reportsLineAndColumnOfSyntaxErrors(String text, int line, int column, String problem) {
        String grammar = text.strip().replace("\\n", "\n");

        assertThatThrownBy(() -> Grammar.parseGbnf(grammar))
                .isInstanceOfSatisfying(GrammarSyntaxException.class, error -> {
                    assertThat(error.line()).as("line").isEqualTo(line);
                    assertThat(error.column()).as("column").isEqualTo(column);
                })
                .hasMessageContaining(problem);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "root ::= expr\nexpr ::= expr \"+\" term | term\nterm ::= [0-9]",
                "root ::= a\na ::= b? a \"x\" | \"y\"\nb ::= \"z\"",
                "root ::= (\"a\"?)*",
            })
    void rejectsLeftRecursionAtCompileTime(String grammar) {
        assertThatThrownBy(() -> Grammar.parseGbnf(grammar))
                .isInstanceOf(GrammarSyntaxException.class)
                .hasMessageContaining("left recursion");
    }

    @ParameterizedTest
    @ValueSource(strings = {"root ::= \"a\" root", "root ::= x\nx ::= \"(\" x \")\""})
    void rejectsRulesThatCanNeverFinish(String grammar) {
        assertThatThrownBy(() -> Grammar.parseGbnf(grammar)).hasMessageContaining("can never finish");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "root ::= \"a\"{3}         | 3",
                "root ::= \"a\"{2,}        | 3",
                "root ::= \"a\"{0,4}       | 3",
                "root ::= [\\x61]+         | 3",
                "root ::= [\\u0061-\\U00000061]* | 3",
            })
    void parsesRepetitionsAndEscapes(String grammar, int count) {
        Constraint constraint = Constraints.gbnf(grammar.strip(), TestVocabularies.singleBytes());
        for (int i = 0; i < count; i++) {
            constraint.accept('a');
        }

        assertThat(constraint.isComplete()).isTrue();
    }
}
