package org.logitlab.tokenizer;

import java.text.Normalizer;

/**
 * The per-code-point properties llama.cpp's {@code unicode.cpp} uses: a general-category flag, its own
 * whitespace set, the collapsed one-char representation fed to its regexes, lower-casing and the "first
 * code point of the NFD decomposition" mapping. Derived from the JDK's Unicode tables, which is what
 * llama.cpp's {@code unicode-data.cpp} was generated from (Python's unicodedata), up to the Unicode version.
 */
final class UnicodeProperties {
    static final int UNDEFINED = 0x01;
    static final int NUMBER = 0x02;
    static final int LETTER = 0x04;
    static final int SEPARATOR = 0x08;
    static final int MARK = 0x10;
    static final int PUNCTUATION = 0x20;
    static final int SYMBOL = 0x40;
    static final int CONTROL = 0x80;

    /** Placeholder chars for collapsed text, the same code values llama.cpp's {@code k_ucat_cpt} uses. */
    static final char COLLAPSED_OTHER = '\u00D0';

    static final char COLLAPSED_NUMBER = '\u00D1';
    static final char COLLAPSED_LETTER = '\u00D2';
    static final char COLLAPSED_PUNCTUATION = '\u00D3';
    static final char COLLAPSED_MARK = '\u00D4';
    static final char COLLAPSED_SYMBOL = '\u00D5';
    /** llama.cpp maps every non-ASCII whitespace to vertical tab so that regex {@code \s} still matches it. */
    static final char COLLAPSED_WHITESPACE = '\u000B';

    private UnicodeProperties() {}

    static int category(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.UPPERCASE_LETTER,
                    Character.LOWERCASE_LETTER,
                    Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER,
                    Character.OTHER_LETTER -> LETTER;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> NUMBER;
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK -> MARK;
            case Character.CONNECTOR_PUNCTUATION,
                    Character.DASH_PUNCTUATION,
                    Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION,
                    Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION -> PUNCTUATION;
            case Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL ->
                SYMBOL;
            case Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> SEPARATOR;
            case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE -> CONTROL;
            default -> UNDEFINED;
        };
    }

    /** The Unicode White_Space property, as llama.cpp's {@code unicode_set_whitespace} lists it. */
    static boolean isWhitespace(int codePoint) {
        return (codePoint >= 0x09 && codePoint <= 0x0D)
                || codePoint == 0x20
                || codePoint == 0x85
                || codePoint == 0xA0
                || codePoint == 0x1680
                || (codePoint >= 0x2000 && codePoint <= 0x200A)
                || codePoint == 0x2028
                || codePoint == 0x2029
                || codePoint == 0x202F
                || codePoint == 0x205F
                || codePoint == 0x3000;
    }

    /** One char per code point: ASCII unchanged, others by category (llama.cpp {@code unicode_regex_split}). */
    static char collapse(int codePoint) {
        if (codePoint < 128) {
            return (char) codePoint;
        }
        if (isWhitespace(codePoint)) {
            return COLLAPSED_WHITESPACE;
        }
        return switch (category(codePoint)) {
            case NUMBER -> COLLAPSED_NUMBER;
            case LETTER -> COLLAPSED_LETTER;
            case PUNCTUATION -> COLLAPSED_PUNCTUATION;
            case MARK -> COLLAPSED_MARK;
            case SYMBOL -> COLLAPSED_SYMBOL;
            default -> COLLAPSED_OTHER;
        };
    }

    /** llama.cpp's {@code unicode_tolower}: the first code point of the lower-case mapping. */
    static int toLowerCase(int codePoint) {
        return Character.toLowerCase(codePoint);
    }

    /**
     * llama.cpp's {@code unicode_cpts_normalize_nfd} maps each code point to the first code point of its NFD
     * decomposition (so "é" becomes "e": the accent is dropped, not kept as a combining mark).
     */
    static int firstOfDecomposition(int codePoint) {
        if (codePoint < 0xC0) {
            return codePoint;
        }
        String single = Character.toString(codePoint);
        if (Normalizer.isNormalized(single, Normalizer.Form.NFD)) {
            return codePoint;
        }
        return Normalizer.normalize(single, Normalizer.Form.NFD).codePointAt(0);
    }
}
