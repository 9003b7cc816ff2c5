package org.logitlab.constraint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A compiled context-free grammar over Unicode code points, laid out like llama.cpp's {@code llama_grammar_rules}:
 * every alternative of every rule is a run of elements in one flat array, closed by an END element, so a position in
 * that array is a grammar position and a pushdown stack is a list of positions.
 *
 * <p>Instances are immutable and can be shared across threads.
 */
public final class Grammar {

    static final byte TERMINAL = 0;
    static final byte REFERENCE = 1;
    static final byte END = 2;

    private final List<String> ruleNames;
    private final List<List<List<GrammarSymbol>>> rules;
    private final int rootRule;
    private final byte[] kinds;
    private final int[] values;
    private final CharacterSet[] characterSets;
    private final int[][] alternativeStarts;

    Grammar(List<String> ruleNames, List<List<List<GrammarSymbol>>> rules, String rootName) {
        if (ruleNames.size() != rules.size()) {
            throw new IllegalArgumentException(
                    "ruleNames has " + ruleNames.size() + " entries but rules has " + rules.size());
        }
        this.ruleNames = List.copyOf(ruleNames);
        this.rules = rules.stream()
                .map(alternatives -> alternatives.stream().map(List::copyOf).toList())
                .toList();
        this.rootRule = ruleNames.indexOf(rootName);
        if (rootRule < 0) {
            throw new GrammarSyntaxException("the grammar has no '" + rootName + "' rule");
        }
        GrammarChecks.rejectUndefinedReferences(this.ruleNames, this.rules);
        GrammarChecks.rejectLeftRecursion(this.ruleNames, this.rules);
        GrammarChecks.rejectUnproductiveRules(this.ruleNames, this.rules);

        List<CharacterSet> sets = new ArrayList<>();
        int size = 0;
        for (List<List<GrammarSymbol>> alternatives : this.rules) {
            for (List<GrammarSymbol> alternative : alternatives) {
                size += alternative.size() + 1;
            }
        }
        kinds = new byte[size];
        values = new int[size];
        alternativeStarts = new int[this.rules.size()][];
        int position = 0;
        for (int rule = 0; rule < this.rules.size(); rule++) {
            List<List<GrammarSymbol>> alternatives = this.rules.get(rule);
            alternativeStarts[rule] = new int[alternatives.size()];
            for (int alternative = 0; alternative < alternatives.size(); alternative++) {
                alternativeStarts[rule][alternative] = position;
                for (GrammarSymbol symbol : alternatives.get(alternative)) {
                    switch (symbol) {
                        case GrammarSymbol.Terminal terminal -> {
                            kinds[position] = TERMINAL;
                            values[position] = sets.size();
                            sets.add(terminal.characters());
                        }
                        case GrammarSymbol.RuleReference reference -> {
                            kinds[position] = REFERENCE;
                            values[position] = reference.rule();
                        }
                    }
                    position++;
                }
                kinds[position] = END;
                values[position] = rule;
                position++;
            }
        }
        characterSets = sets.toArray(CharacterSet[]::new);
    }

    /** Parses llama.cpp's GBNF format; the start rule is {@code root}. */
    public static Grammar parseGbnf(String text) {
        if (text == null) {
            throw new IllegalArgumentException("grammar text must not be null");
        }
        return new GbnfParser(text).parse();
    }

    public List<String> ruleNames() {
        return ruleNames;
    }

    public String rootRuleName() {
        return ruleNames.get(rootRule);
    }

    /** The grammar written back as GBNF (generated helper rules included), for inspection and debugging. */
    public String toGbnf() {
        StringBuilder text = new StringBuilder();
        for (int rule = 0; rule < rules.size(); rule++) {
            text.append(ruleNames.get(rule)).append(" ::=");
            List<List<GrammarSymbol>> alternatives = rules.get(rule);
            for (int alternative = 0; alternative < alternatives.size(); alternative++) {
                if (alternative > 0) {
                    text.append(" |");
                }
                if (alternatives.get(alternative).isEmpty()) {
                    text.append(" \"\""); // a bare trailing '|' would continue the rule onto the next line
                }
                for (GrammarSymbol symbol : alternatives.get(alternative)) {
                    text.append(' ');
                    switch (symbol) {
                        case GrammarSymbol.Terminal terminal -> text.append(terminal.characters());
                        case GrammarSymbol.RuleReference reference -> text.append(ruleNames.get(reference.rule()));
                    }
                }
            }
            text.append('\n');
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return "Grammar[" + rules.size() + " rules, root=" + rootRuleName() + "]";
    }

    int rootRule() {
        return rootRule;
    }

    byte kind(int position) {
        return kinds[position];
    }

    int value(int position) {
        return values[position];
    }

    CharacterSet characterSet(int position) {
        return characterSets[values[position]];
    }

    int[] alternativeStarts(int rule) {
        return alternativeStarts[rule];
    }

    int size() {
        return kinds.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Grammar grammar
                && rootRule == grammar.rootRule
                && ruleNames.equals(grammar.ruleNames)
                && rules.equals(grammar.rules);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new Object[] {ruleNames, rules, rootRule});
    }
}
