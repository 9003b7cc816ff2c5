package org.logitlab.constraint;

import java.util.ArrayList;
import java.util.List;

/**
 * Translates a regular expression into a GBNF expression, like the regex part of llama.cpp's
 * {@code common/json-schema-to-grammar.cpp}. Supported: literals, escapes ({@code \n \t \r \f \v \0 \xHH \\uHHHH} and
 * escaped punctuation), classes {@code [a-z]} / {@code [^...]} with {@code \d \w \s} inside, {@code . \d \D \w \W \s \S},
 * groups {@code (...)} {@code (?:...)} {@code (?<name>...)}, alternation, and quantifiers {@code * + ? {m} {m,} {m,n}}
 * (a lazy {@code ?} suffix is accepted and means nothing for a mask). {@code ^} is allowed only first and {@code $} only
 * last: the whole text always has to match. Backreferences, lookaround and word boundaries are rejected with the offset.
 * Shorthand classes follow {@link java.util.regex.Pattern}'s defaults (ASCII {@code \d \w \s}; {@code .} excludes line
 * terminators).
 *
 * <p>In JSON-string mode the expression describes the <em>encoded</em> content of a JSON string: characters that JSON
 * must escape ({@code "}, {@code \}, control characters) become their escape sequences.
 */
public final class RegexGrammar {

    private static final int[] LINE_TERMINATORS = {'\n', '\n', '\r', '\r', 0x85, 0x85, 0x2028, 0x2029};
    private static final int[] DIGITS = {'0', '9'};
    private static final int[] WORD = {'0', '9', 'A', 'Z', '_', '_', 'a', 'z'};
    private static final int[] SPACE = {'\t', '\r', ' ', ' '};

    private final String pattern;
    private final boolean jsonString;
    private int offset;

    private RegexGrammar(String pattern, boolean jsonString) {
        this.pattern = pattern;
        this.jsonString = jsonString;
    }

    /** A complete GBNF grammar whose {@code root} matches exactly the strings the whole pattern matches. */
    public static String toGbnf(String pattern) {
        return "root ::= " + expression(pattern, false) + "\n";
    }

    /** A GBNF expression for the pattern; with {@code jsonString}, for the pattern's strings as JSON string content. */
    static String expression(String pattern, boolean jsonString) {
        if (pattern == null) {
            throw new IllegalArgumentException("pattern must not be null");
        }
        RegexGrammar parser = new RegexGrammar(pattern, jsonString);
        if (pattern.startsWith("^")) {
            parser.offset = 1;
        }
        String expression = parser.parseAlternation();
        if (parser.offset < pattern.length()) {
            throw parser.error("unexpected '" + pattern.charAt(parser.offset) + "'");
        }
        return expression;
    }

    private String parseAlternation() {
        List<String> alternatives = new ArrayList<>();
        alternatives.add(parseSequence());
        while (offset < pattern.length() && pattern.charAt(offset) == '|') {
            offset++;
            alternatives.add(parseSequence());
        }
        return alternatives.size() == 1 ? alternatives.getFirst() : "(" + String.join(" | ", alternatives) + ")";
    }

    private String parseSequence() {
        StringBuilder sequence = new StringBuilder("(");
        while (offset < pattern.length()) {
            char c = pattern.charAt(offset);
            if (c == '|' || c == ')') {
                break;
            }
            if (c == '$') {
                if (offset != pattern.length() - 1) {
                    throw error("'$' is only supported at the end of the pattern");
                }
                offset++;
                break;
            }
            String atom = parseAtom();
            sequence.append(' ').append(atom).append(parseQuantifier());
        }
        return sequence.append(" )").toString();
    }

    private String parseAtom() {
        char c = pattern.charAt(offset);
        switch (c) {
            case '(' -> {
                int open = offset;
                offset++;
                if (pattern.startsWith("?:", offset)) {
                    offset += 2;
                } else if (pattern.startsWith("?<", offset)
                        && offset + 2 < pattern.length()
                        && Character.isLetter(pattern.charAt(offset + 2))) {
                    offset = pattern.indexOf('>', offset) + 1;
                    if (offset == 0) {
                        throw error("named group is not closed with '>'");
                    }
                } else if (pattern.startsWith("?", offset)) {
                    throw error("lookaround and inline flags '(?...' are not supported");
                }
                String inner = parseAlternation();
                if (offset >= pattern.length() || pattern.charAt(offset) != ')') {
                    offset = open;
                    throw error("group is not closed");
                }
                offset++;
                return "(" + inner + ")";
            }
            case '[' -> {
                return parseClass();
            }
            case '.' -> {
                offset++;
                return set(LINE_TERMINATORS, true);
            }
            case '\\' -> {
                return parseEscapeAtom();
            }
            case '^' -> throw error("'^' is only supported at the start of the pattern");
            case '*', '+', '?', '{' -> throw error("quantifier '" + c + "' has nothing to repeat");
            default -> {
                int codePoint = pattern.codePointAt(offset);
                offset += Character.charCount(codePoint);
                return literal(codePoint);
            }
        }
    }

    private String parseEscapeAtom() {
        if (offset + 1 >= pattern.length()) {
            throw error("pattern ends with a lone backslash");
        }
        char kind = pattern.charAt(offset + 1);
        switch (kind) {
            case 'd', 'D', 'w', 'W', 's', 'S' -> {
                offset += 2;
                return set(shorthand(kind), Character.isUpperCase(kind));
            }
            case 'b', 'B' -> throw error("word boundaries '\\" + kind + "' are not supported");
            default -> {
                if (kind >= '1' && kind <= '9') {
                    throw error("backreferences are not supported");
                }
                return literal(parseEscapedCharacter());
            }
        }
    }

    private static int[] shorthand(char kind) {
        return switch (Character.toLowerCase(kind)) {
            case 'd' -> DIGITS;
            case 'w' -> WORD;
            default -> SPACE;
        };
    }

    /** A single escaped character at {@code offset} (which points at the backslash). */
    private int parseEscapedCharacter() {
        int start = offset;
        char kind = pattern.charAt(offset + 1);
        offset += 2;
        return switch (kind) {
            case 'n' -> '\n';
            case 't' -> '\t';
            case 'r' -> '\r';
            case 'f' -> '\f';
            case 'v' -> 0x0B;
            case '0' -> 0;
            case 'x' -> hex(2, start);
            case 'u' -> hex(4, start);
            default -> {
                if (Character.isLetterOrDigit(kind)) {
                    offset = start;
                    throw error("unsupported escape '\\" + kind + "'");
                }
                yield kind;
            }
        };
    }

    private int hex(int digits, int start) {
        if (offset + digits > pattern.length()) {
            offset = start;
            throw error("escape needs " + digits + " hex digits");
        }
        try {
            int value = Integer.parseInt(pattern.substring(offset, offset + digits), 16);
            offset += digits;
            return value;
        } catch (NumberFormatException notHex) {
            offset = start;
            throw error("escape needs " + digits + " hex digits");
        }
    }

    private String parseClass() {
        int open = offset;
        offset++;
        boolean negated = offset < pattern.length() && pattern.charAt(offset) == '^';
        if (negated) {
            offset++;
        }
        List<Integer> ranges = new ArrayList<>();
        boolean first = true;
        while (true) {
            if (offset >= pattern.length()) {
                offset = open;
                throw error("character class is not closed");
            }
            char c = pattern.charAt(offset);
            if (c == ']' && !first) {
                offset++;
                break;
            }
            first = false;
            if (c == '\\' && offset + 1 < pattern.length() && "dws".indexOf(pattern.charAt(offset + 1)) >= 0) {
                for (int bound : shorthand(pattern.charAt(offset + 1))) {
                    ranges.add(bound);
                }
                offset += 2;
                continue;
            }
            if (c == '\\' && offset + 1 < pattern.length() && "DWS".indexOf(pattern.charAt(offset + 1)) >= 0) {
                throw error("negated shorthand classes inside [...] are not supported");
            }
            int low = classCharacter();
            int high = low;
            if (offset + 1 < pattern.length() && pattern.charAt(offset) == '-' && pattern.charAt(offset + 1) != ']') {
                offset++;
                high = classCharacter();
                if (high < low) {
                    throw error("character range end comes before its start");
                }
            }
            ranges.add(low);
            ranges.add(high);
        }
        return set(ranges.stream().mapToInt(Integer::intValue).toArray(), negated);
    }

    private int classCharacter() {
        if (pattern.charAt(offset) == '\\') {
            if (offset + 1 >= pattern.length()) {
                throw error("pattern ends with a lone backslash");
            }
            if (pattern.charAt(offset + 1) == 'b') {
                offset += 2;
                return '\b';
            }
            return parseEscapedCharacter();
        }
        int codePoint = pattern.codePointAt(offset);
        offset += Character.charCount(codePoint);
        return codePoint;
    }

    private String parseQuantifier() {
        if (offset >= pattern.length()) {
            return "";
        }
        char c = pattern.charAt(offset);
        String quantifier;
        if (c == '*' || c == '+' || c == '?') {
            offset++;
            quantifier = String.valueOf(c);
        } else if (c == '{') {
            int close = pattern.indexOf('}', offset);
            String body = close < 0 ? "" : pattern.substring(offset + 1, close);
            if (!body.matches("\\d+(,\\d*)?")) {
                throw error("malformed repetition '{" + body + "'");
            }
            offset = close + 1;
            quantifier = "{" + body + "}";
        } else {
            return "";
        }
        if (offset < pattern.length() && pattern.charAt(offset) == '?') {
            offset++; // lazy: the same set of matches
        } else if (offset < pattern.length() && pattern.charAt(offset) == '+') {
            throw error("possessive quantifiers are not supported");
        }
        return quantifier;
    }

    private String literal(int codePoint) {
        return set(new int[] {codePoint, codePoint}, false);
    }

    /** A GBNF expression for one character of the set, JSON-escaped in JSON-string mode. */
    private String set(int[] ranges, boolean negated) {
        CharacterSet characters = new CharacterSet(ranges, negated);
        if (!jsonString) {
            return characters.toString();
        }
        List<String> alternatives = new ArrayList<>();
        // Characters JSON writes as themselves: the set minus '"', '\' and the controls U+0000..U+001F.
        String raw = rawJsonPart(ranges, negated);
        if (raw != null) {
            alternatives.add(raw);
        }
        for (int special = 0; special <= '\\'; special++) {
            if ((special < 0x20 || special == '"' || special == '\\') && characters.contains(special)) {
                alternatives.add(gbnfLiteral(JsonSchemaGrammar.jsonEscape(special)));
            }
        }
        if (alternatives.isEmpty()) {
            throw error("this part of the pattern matches no character");
        }
        return alternatives.size() == 1 ? alternatives.getFirst() : "(" + String.join(" | ", alternatives) + ")";
    }

    private static String rawJsonPart(int[] ranges, boolean negated) {
        int[] excluded = {0, 0x1F, '"', '"', '\\', '\\'};
        if (negated) {
            int[] union = new int[ranges.length + excluded.length];
            System.arraycopy(ranges, 0, union, 0, ranges.length);
            System.arraycopy(excluded, 0, union, ranges.length, excluded.length);
            return new CharacterSet(union, true).toString();
        }
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < ranges.length; i += 2) {
            int low = ranges[i];
            int high = ranges[i + 1];
            for (int cut = 0; cut < excluded.length; cut += 2) {
                // Remove each excluded interval, which is small, by splitting around it.
                if (low <= excluded[cut + 1] && high >= excluded[cut]) {
                    if (low < excluded[cut]) {
                        kept.add(low);
                        kept.add(excluded[cut] - 1);
                    }
                    low = excluded[cut + 1] + 1;
                }
            }
            if (low <= high) {
                kept.add(low);
                kept.add(high);
            }
        }
        if (kept.isEmpty()) {
            return null;
        }
        return new CharacterSet(kept.stream().mapToInt(Integer::intValue).toArray(), false).toString();
    }

    static String gbnfLiteral(String text) {
        StringBuilder literal = new StringBuilder("\"");
        text.codePoints().forEach(codePoint -> CharacterSet.appendEscaped(literal, codePoint));
        return literal.append('"').toString();
    }

    private GrammarSyntaxException error(String problem) {
        return new GrammarSyntaxException("regex '" + pattern + "' at offset " + offset + ": " + problem);
    }
}
