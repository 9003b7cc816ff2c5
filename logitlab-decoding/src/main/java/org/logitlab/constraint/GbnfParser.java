package org.logitlab.constraint;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recursive-descent parser for llama.cpp's GBNF (see llama.cpp {@code grammars/README.md}): rules
 * {@code name ::= alternatives}, {@code |}, groups, {@code * + ? {m} {m,} {m,n}}, string literals, character classes
 * (negated with {@code ^}), {@code .}, and {@code #} comments. A newline ends a rule except inside parentheses or right
 * after {@code |}. Repetitions are rewritten into helper rules, as llama.cpp's {@code handle_repetitions} does, so the
 * matcher only sees terminals and rule references.
 */
final class GbnfParser {

    private static final int UNBOUNDED = -1;

    private final String text;
    private int offset;
    private final Map<String, Integer> ruleIds = new HashMap<>();
    private final List<String> names = new ArrayList<>();
    private final List<Boolean> generated = new ArrayList<>();
    private final List<List<List<GrammarSymbol>>> rules = new ArrayList<>();
    private final Map<Integer, Integer> firstReferenceOffsets = new HashMap<>();

    GbnfParser(String text) {
        this.text = text;
    }

    Grammar parse() {
        skipSpace(true);
        while (offset < text.length()) {
            parseRule();
            skipSpace(true);
        }
        for (int rule = 0; rule < rules.size(); rule++) {
            if (rules.get(rule) == null) {
                throw error(firstReferenceOffsets.get(rule), "undefined rule '" + names.get(rule) + "'");
            }
        }
        if (!ruleIds.containsKey("root")) {
            throw error(0, "the grammar has no 'root' rule");
        }
        return new Grammar(finalNames(), rules, "root");
    }

    /** Helper rules are named after the rule they came from, avoiding every name the grammar defines. */
    private List<String> finalNames() {
        Set<String> taken = new HashSet<>(ruleIds.keySet());
        List<String> result = new ArrayList<>();
        for (int rule = 0; rule < names.size(); rule++) {
            String name = names.get(rule);
            if (generated.get(rule)) {
                int suffix = 1;
                while (taken.contains(name + "_" + suffix)) {
                    suffix++;
                }
                name = name + "_" + suffix;
                taken.add(name);
            }
            result.add(name);
        }
        return result;
    }

    private void parseRule() {
        int nameOffset = offset;
        String name = parseName();
        skipSpace(false);
        if (!text.startsWith("::=", offset)) {
            throw error(offset, "expected '::=' after rule name '" + name + "'");
        }
        offset += 3;
        skipSpace(true);
        List<List<GrammarSymbol>> alternatives = parseAlternatives(name, false);
        int rule = ruleId(name, nameOffset);
        if (rules.get(rule) != null) {
            throw error(nameOffset, "rule '" + name + "' is defined twice");
        }
        rules.set(rule, alternatives);
        skipSpace(false);
        if (offset < text.length() && text.charAt(offset) != '\n' && text.charAt(offset) != '\r') {
            throw error(offset, "unexpected " + describe(offset) + " in rule '" + name + "'");
        }
    }

    private List<List<GrammarSymbol>> parseAlternatives(String ruleName, boolean nested) {
        List<List<GrammarSymbol>> alternatives = new ArrayList<>();
        alternatives.add(parseSequence(ruleName, nested));
        while (offset < text.length() && text.charAt(offset) == '|') {
            offset++;
            skipSpace(true);
            alternatives.add(parseSequence(ruleName, nested));
        }
        return alternatives;
    }

    private List<GrammarSymbol> parseSequence(String ruleName, boolean nested) {
        List<GrammarSymbol> sequence = new ArrayList<>();
        int lastItemStart = -1;
        while (offset < text.length()) {
            char c = text.charAt(offset);
            if (c == '"') {
                lastItemStart = sequence.size();
                parseLiteral(sequence);
            } else if (c == '[') {
                lastItemStart = sequence.size();
                sequence.add(new GrammarSymbol.Terminal(parseCharacterClass()));
            } else if (c == '.') {
                lastItemStart = sequence.size();
                offset++;
                sequence.add(new GrammarSymbol.Terminal(CharacterSet.any()));
            } else if (isNameCharacter(c)) {
                lastItemStart = sequence.size();
                int referenceOffset = offset;
                sequence.add(new GrammarSymbol.RuleReference(ruleId(parseName(), referenceOffset)));
            } else if (c == '(') {
                int openOffset = offset;
                offset++;
                skipSpace(true);
                List<List<GrammarSymbol>> alternatives = parseAlternatives(ruleName, true);
                if (offset >= text.length() || text.charAt(offset) != ')') {
                    throw error(offset, "expected ')' to close the group opened at " + where(openOffset));
                }
                offset++;
                lastItemStart = sequence.size();
                sequence.add(new GrammarSymbol.RuleReference(newHelperRule(ruleName, alternatives)));
            } else if (c == '*' || c == '+' || c == '?' || c == '{') {
                if (lastItemStart < 0) {
                    throw error(offset, "repetition '" + c + "' has no item before it");
                }
                int[] bounds = parseRepetitionBounds();
                List<GrammarSymbol> item = new ArrayList<>(sequence.subList(lastItemStart, sequence.size()));
                sequence.subList(lastItemStart, sequence.size()).clear();
                repeat(ruleName, item, bounds[0], bounds[1], sequence);
                lastItemStart = -1;
            } else if (c == '<' || c == '!') {
                throw error(offset, "token references (<...>, !<...>) are not supported: constraints work on text");
            } else {
                break;
            }
            skipSpace(nested);
        }
        return sequence;
    }

    /** Appends {@code item{min,max}} to {@code sequence}: min copies, then a tail rule for the optional part. */
    private void repeat(String ruleName, List<GrammarSymbol> item, int min, int max, List<GrammarSymbol> sequence) {
        if (item.isEmpty()) {
            return;
        }
        for (int i = 0; i < min; i++) {
            sequence.addAll(item);
        }
        if (max == UNBOUNDED) {
            // tail ::= item tail | (empty): right recursion, which the matcher runs as a loop (tail call).
            int tail = newHelperRule(ruleName, null);
            List<GrammarSymbol> more = new ArrayList<>(item);
            more.add(new GrammarSymbol.RuleReference(tail));
            rules.set(tail, List.of(more, List.of()));
            sequence.add(new GrammarSymbol.RuleReference(tail));
            return;
        }
        // Nested optionals (item (item (...)?)?)?, the form llama.cpp recommends over item? item? item?.
        Integer inner = null;
        for (int remaining = 1; remaining <= max - min; remaining++) {
            List<GrammarSymbol> more = new ArrayList<>(item);
            if (inner != null) {
                more.add(new GrammarSymbol.RuleReference(inner));
            }
            inner = newHelperRule(ruleName, List.of(more, List.of()));
        }
        if (inner != null) {
            sequence.add(new GrammarSymbol.RuleReference(inner));
        }
    }

    private int[] parseRepetitionBounds() {
        char c = text.charAt(offset);
        offset++;
        switch (c) {
            case '*' -> {
                return new int[] {0, UNBOUNDED};
            }
            case '+' -> {
                return new int[] {1, UNBOUNDED};
            }
            case '?' -> {
                return new int[] {0, 1};
            }
            default -> {}
        }
        int braceOffset = offset - 1;
        skipSpace(false);
        int min = parseCount(braceOffset);
        int max = min;
        skipSpace(false);
        if (offset < text.length() && text.charAt(offset) == ',') {
            offset++;
            skipSpace(false);
            max = offset < text.length() && Character.isDigit(text.charAt(offset))
                    ? parseCount(braceOffset)
                    : UNBOUNDED;
            skipSpace(false);
        }
        if (offset >= text.length() || text.charAt(offset) != '}') {
            throw error(offset, "expected '}' to close the repetition opened at " + where(braceOffset));
        }
        offset++;
        if (max != UNBOUNDED && max < min) {
            throw error(braceOffset, "repetition {" + min + "," + max + "} has its maximum below its minimum");
        }
        return new int[] {min, max};
    }

    private int parseCount(int braceOffset) {
        int start = offset;
        while (offset < text.length() && Character.isDigit(text.charAt(offset))) {
            offset++;
        }
        if (start == offset) {
            throw error(offset, "expected a number in the repetition opened at " + where(braceOffset));
        }
        try {
            return Integer.parseInt(text.substring(start, offset));
        } catch (NumberFormatException tooLarge) {
            throw error(start, "repetition count " + text.substring(start, offset) + " is too large");
        }
    }

    private void parseLiteral(List<GrammarSymbol> sequence) {
        int openOffset = offset;
        offset++;
        while (true) {
            if (offset >= text.length() || text.charAt(offset) == '\n') {
                throw error(openOffset, "string literal is not closed");
            }
            if (text.charAt(offset) == '"') {
                offset++;
                return;
            }
            sequence.add(new GrammarSymbol.Terminal(CharacterSet.single(parseCharacter())));
        }
    }

    private CharacterSet parseCharacterClass() {
        int openOffset = offset;
        offset++;
        boolean negated = offset < text.length() && text.charAt(offset) == '^';
        if (negated) {
            offset++;
        }
        List<Integer> ranges = new ArrayList<>();
        while (true) {
            if (offset >= text.length() || text.charAt(offset) == '\n') {
                throw error(openOffset, "character class is not closed");
            }
            if (text.charAt(offset) == ']') {
                offset++;
                break;
            }
            int low = parseCharacter();
            int high = low;
            if (offset + 1 < text.length() && text.charAt(offset) == '-' && text.charAt(offset + 1) != ']') {
                offset++;
                int highOffset = offset;
                high = parseCharacter();
                if (high < low) {
                    throw error(highOffset, "character range end comes before its start");
                }
            }
            ranges.add(low);
            ranges.add(high);
        }
        if (ranges.isEmpty()) {
            throw error(openOffset, "empty character class");
        }
        return new CharacterSet(ranges.stream().mapToInt(Integer::intValue).toArray(), negated);
    }

    /** One code point, literal or escaped (llama.cpp's {@code parse_char}: \x.. \\u.... \U........ \t \r \n \\ \" \[ \]). */
    private int parseCharacter() {
        int codePoint = text.codePointAt(offset);
        if (codePoint != '\\') {
            offset += Character.charCount(codePoint);
            return codePoint;
        }
        int escapeOffset = offset;
        if (offset + 1 >= text.length()) {
            throw error(escapeOffset, "escape at end of text");
        }
        char kind = text.charAt(offset + 1);
        offset += 2;
        return switch (kind) {
            case 'x' -> parseHex(2, escapeOffset);
            case 'u' -> parseHex(4, escapeOffset);
            case 'U' -> parseHex(8, escapeOffset);
            case 't' -> '\t';
            case 'r' -> '\r';
            case 'n' -> '\n';
            case '\\', '"', '[', ']', '-', '^' -> kind;
            default -> throw error(escapeOffset, "unknown escape '\\" + kind + "'");
        };
    }

    private int parseHex(int digits, int escapeOffset) {
        if (offset + digits > text.length()) {
            throw error(escapeOffset, "escape needs " + digits + " hex digits");
        }
        String hex = text.substring(offset, offset + digits);
        int value;
        try {
            value = Integer.parseUnsignedInt(hex, 16);
        } catch (NumberFormatException notHex) {
            throw error(escapeOffset, "escape needs " + digits + " hex digits, got '" + hex + "'");
        }
        if (value > CharacterSet.MAX_CODE_POINT || value < 0) {
            throw error(escapeOffset, "escape \\" + hex + " is not a Unicode code point");
        }
        offset += digits;
        return value;
    }

    private String parseName() {
        int start = offset;
        while (offset < text.length() && isNameCharacter(text.charAt(offset))) {
            offset++;
        }
        if (start == offset) {
            throw error(offset, "expected a rule name, found " + describe(offset));
        }
        return text.substring(start, offset);
    }

    private int ruleId(String name, int referenceOffset) {
        Integer id = ruleIds.get(name);
        if (id == null) {
            id = names.size();
            ruleIds.put(name, id);
            names.add(name);
            generated.add(false);
            rules.add(null);
            firstReferenceOffsets.put(id, referenceOffset);
        }
        return id;
    }

    private int newHelperRule(String baseName, List<List<GrammarSymbol>> alternatives) {
        names.add(baseName);
        generated.add(true);
        rules.add(alternatives);
        return names.size() - 1;
    }

    private void skipSpace(boolean newlinesAllowed) {
        while (offset < text.length()) {
            char c = text.charAt(offset);
            if (c == '#') {
                while (offset < text.length() && text.charAt(offset) != '\n') {
                    offset++;
                }
            } else if (c == ' ' || c == '\t' || (newlinesAllowed && (c == '\n' || c == '\r'))) {
                offset++;
            } else {
                return;
            }
        }
    }

    private static boolean isNameCharacter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_';
    }

    private String describe(int at) {
        if (at >= text.length()) {
            return "end of text";
        }
        return "'" + new String(Character.toChars(text.codePointAt(at))) + "'";
    }

    private String where(int at) {
        GrammarSyntaxException located = GrammarSyntaxException.at(text, at, "");
        return "line " + located.line() + ", column " + located.column();
    }

    private GrammarSyntaxException error(int at, String problem) {
        return GrammarSyntaxException.at(text, at, problem);
    }
}
