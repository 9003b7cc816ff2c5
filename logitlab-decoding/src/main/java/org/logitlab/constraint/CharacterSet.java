package org.logitlab.constraint;

import java.util.Arrays;

/**
 * A set of Unicode code points given as inclusive ranges, possibly negated: the terminal of a grammar.
 * Mirrors llama.cpp's CHAR / CHAR_RNG_UPPER / CHAR_ALT / CHAR_NOT / CHAR_ANY elements, folded into one value.
 *
 * @param ranges pairs {@code [low0, high0, low1, high1, ...]} with {@code low <= high}
 * @param negated whether the set is the complement of the ranges
 */
public record CharacterSet(int[] ranges, boolean negated) {

    /** The largest Unicode scalar value. */
    public static final int MAX_CODE_POINT = Character.MAX_CODE_POINT;

    public CharacterSet {
        if (ranges == null || ranges.length % 2 != 0) {
            throw new IllegalArgumentException(
                    "ranges must hold (low, high) pairs, got " + (ranges == null ? "null" : ranges.length + " values"));
        }
        for (int i = 0; i < ranges.length; i += 2) {
            if (ranges[i] < 0 || ranges[i] > ranges[i + 1] || ranges[i + 1] > MAX_CODE_POINT) {
                throw new IllegalArgumentException(
                        "range " + i / 2 + " = [" + ranges[i] + ", " + ranges[i + 1] + "] is not a code point range");
            }
        }
        ranges = ranges.clone();
    }

    public static CharacterSet single(int codePoint) {
        return new CharacterSet(new int[] {codePoint, codePoint}, false);
    }

    /** GBNF's {@code .}: any code point. */
    public static CharacterSet any() {
        return new CharacterSet(new int[0], true);
    }

    public boolean contains(int codePoint) {
        boolean inRanges = false;
        for (int i = 0; i < ranges.length; i += 2) {
            if (codePoint >= ranges[i] && codePoint <= ranges[i + 1]) {
                inRanges = true;
                break;
            }
        }
        return inRanges != negated;
    }

    /**
     * Whether some code point in {@code [low, high]} belongs to the set. Used for a partially decoded UTF-8
     * sequence, whose possible completions form such an interval (llama.cpp's {@code match_partial_char}).
     */
    public boolean intersects(int low, int high) {
        if (!negated) {
            for (int i = 0; i < ranges.length; i += 2) {
                if (ranges[i] <= high && ranges[i + 1] >= low) {
                    return true;
                }
            }
            return false;
        }
        // Complement: the interval intersects unless the excluded ranges cover it completely.
        int[][] sorted = new int[ranges.length / 2][];
        for (int i = 0; i < ranges.length; i += 2) {
            sorted[i / 2] = new int[] {ranges[i], ranges[i + 1]};
        }
        Arrays.sort(sorted, (a, b) -> Integer.compare(a[0], b[0]));
        long firstUncovered = low;
        for (int[] range : sorted) {
            if (range[0] > firstUncovered) {
                break;
            }
            firstUncovered = Math.max(firstUncovered, (long) range[1] + 1);
        }
        return firstUncovered <= high;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CharacterSet set && negated == set.negated && Arrays.equals(ranges, set.ranges);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ranges) * 31 + Boolean.hashCode(negated);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(negated ? "[^" : "[");
        for (int i = 0; i < ranges.length; i += 2) {
            appendEscaped(text, ranges[i]);
            if (ranges[i + 1] != ranges[i]) {
                text.append('-');
                appendEscaped(text, ranges[i + 1]);
            }
        }
        return text.append(']').toString();
    }

    /** Appends a code point in a form the GBNF parser reads back inside a class or a string literal. */
    static void appendEscaped(StringBuilder text, int codePoint) {
        if (codePoint >= 'a' && codePoint <= 'z'
                || codePoint >= 'A' && codePoint <= 'Z'
                || codePoint >= '0' && codePoint <= '9'
                || codePoint == ' '
                || codePoint == '_') {
            text.appendCodePoint(codePoint);
        } else if (codePoint <= 0xFF) {
            text.append(String.format("\\x%02X", codePoint));
        } else if (codePoint <= 0xFFFF) {
            text.append(String.format("\\u%04X", codePoint));
        } else {
            text.append(String.format("\\U%08X", codePoint));
        }
    }
}
