package org.logitlab.constraint;

import java.util.ArrayList;
import java.util.List;

/**
 * Compile-time checks that keep the pushdown matcher total: every reference names a rule, no rule can reach itself
 * without consuming input (left recursion, which would grow a stack forever, as llama.cpp's
 * {@code llama_grammar_detect_left_recursion} rejects), and every rule can finish (so a live state never dead-ends).
 */
final class GrammarChecks {

    private GrammarChecks() {}

    static void rejectUndefinedReferences(List<String> names, List<List<List<GrammarSymbol>>> rules) {
        for (int rule = 0; rule < rules.size(); rule++) {
            for (List<GrammarSymbol> alternative : rules.get(rule)) {
                for (GrammarSymbol symbol : alternative) {
                    if (symbol instanceof GrammarSymbol.RuleReference(int target)
                            && (target >= rules.size() || rules.get(target) == null)) {
                        throw new GrammarSyntaxException("rule '" + names.get(rule) + "' refers to undefined rule "
                                + (target < names.size() ? "'" + names.get(target) + "'" : "#" + target));
                    }
                }
            }
        }
    }

    static boolean[] nullableRules(List<List<List<GrammarSymbol>>> rules) {
        boolean[] nullable = new boolean[rules.size()];
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int rule = 0; rule < rules.size(); rule++) {
                if (nullable[rule]) {
                    continue;
                }
                for (List<GrammarSymbol> alternative : rules.get(rule)) {
                    boolean allNullable = true;
                    for (GrammarSymbol symbol : alternative) {
                        if (!(symbol instanceof GrammarSymbol.RuleReference(int target) && nullable[target])) {
                            allNullable = false;
                            break;
                        }
                    }
                    if (allNullable) {
                        nullable[rule] = true;
                        changed = true;
                        break;
                    }
                }
            }
        }
        return nullable;
    }

    static void rejectLeftRecursion(List<String> names, List<List<List<GrammarSymbol>>> rules) {
        boolean[] nullable = nullableRules(rules);
        // leftmost[rule] = rules that can start a derivation of rule without consuming input first.
        List<List<Integer>> leftmost = new ArrayList<>();
        for (List<List<GrammarSymbol>> alternatives : rules) {
            List<Integer> targets = new ArrayList<>();
            for (List<GrammarSymbol> alternative : alternatives) {
                for (GrammarSymbol symbol : alternative) {
                    if (symbol instanceof GrammarSymbol.RuleReference(int target)) {
                        targets.add(target);
                        if (nullable[target]) {
                            continue;
                        }
                    }
                    break;
                }
            }
            leftmost.add(targets);
        }
        int[] color = new int[rules.size()]; // 0 unvisited, 1 on the path, 2 done
        for (int rule = 0; rule < rules.size(); rule++) {
            List<Integer> path = new ArrayList<>();
            if (color[rule] == 0 && findCycle(rule, leftmost, color, path)) {
                StringBuilder cycle = new StringBuilder();
                for (int step : path) {
                    cycle.append(cycle.isEmpty() ? "" : " -> ").append(names.get(step));
                }
                throw new GrammarSyntaxException("left recursion: rule '" + names.get(path.getFirst())
                        + "' can reach itself without consuming input (" + cycle
                        + "); rewrite it with repetition, e.g. expr ::= term (\"+\" term)*, and do not repeat"
                        + " something that can match the empty string");
            }
        }
    }

    private static boolean findCycle(int rule, List<List<Integer>> leftmost, int[] color, List<Integer> path) {
        color[rule] = 1;
        path.add(rule);
        for (int target : leftmost.get(rule)) {
            if (color[target] == 1) {
                path.subList(0, path.indexOf(target)).clear();
                path.add(target);
                return true;
            }
            if (color[target] == 0 && findCycle(target, leftmost, color, path)) {
                return true;
            }
        }
        path.removeLast();
        color[rule] = 2;
        return false;
    }

    static void rejectUnproductiveRules(List<String> names, List<List<List<GrammarSymbol>>> rules) {
        boolean[] productive = new boolean[rules.size()];
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int rule = 0; rule < rules.size(); rule++) {
                if (productive[rule]) {
                    continue;
                }
                for (List<GrammarSymbol> alternative : rules.get(rule)) {
                    boolean finishes = true;
                    for (GrammarSymbol symbol : alternative) {
                        if (symbol instanceof GrammarSymbol.RuleReference(int target) && !productive[target]) {
                            finishes = false;
                            break;
                        }
                    }
                    if (finishes) {
                        productive[rule] = true;
                        changed = true;
                        break;
                    }
                }
            }
        }
        for (int rule = 0; rule < rules.size(); rule++) {
            if (!productive[rule]) {
                throw new GrammarSyntaxException("rule '" + names.get(rule)
                        + "' can never finish: every alternative refers to a rule that recurses without end");
            }
        }
    }
}
