package org.logitlab.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into words before byte-level BPE, reproducing llama.cpp's {@code unicode_regex_split}: each
 * regex in turn cuts every current chunk into its matches and the gaps between them (both kept). A regex that
 * uses {@code \p{L}}, {@code \p{N}}, {@code \p{P}}, {@code \p{M}} or {@code \p{S}} runs, as in llama.cpp, over
 * a "collapsed" text with one placeholder char per code point, the category written as
 * {@code [placeholder + its ASCII members]}; other regexes run over the code points with non-ASCII whitespace
 * turned into vertical tab. Running java.util.regex over exactly that text gives llama.cpp's splits (its GPT-2
 * and Llama-3 fast paths are hand-written equivalents of the same regexes).
 */
final class PreTokenizer {
    private static final String[][] CATEGORIES = {
        // pattern, placeholder, its ASCII members (llama.cpp k_ucat_map)
        {"\\p{N}", String.valueOf(UnicodeProperties.COLLAPSED_NUMBER), "0-9"},
        {"\\p{L}", String.valueOf(UnicodeProperties.COLLAPSED_LETTER), "A-Za-z"},
        {"\\p{P}", String.valueOf(UnicodeProperties.COLLAPSED_PUNCTUATION), "!-#%-*,-/:-;?-@\\[-\\]_\\{\\}"},
        {"\\p{M}", String.valueOf(UnicodeProperties.COLLAPSED_MARK), ""},
        {"\\p{S}", String.valueOf(UnicodeProperties.COLLAPSED_SYMBOL), "\\$\\+<->\\^`\\|"},
    };

    private final List<Pattern> patterns = new ArrayList<>();
    private final List<Boolean> collapsed = new ArrayList<>();

    PreTokenizer(List<String> llamaCppRegexes) {
        for (String regex : llamaCppRegexes) {
            boolean usesCategories = usesCategories(regex);
            String javaRegex = usesCategories ? collapseRegex(regex) : regex;
            if (javaRegex.endsWith("$") && !javaRegex.endsWith("\\$")) {
                // ECMAScript '$' (no multiline) is end of input only; Java's would also match before a final '\n'.
                javaRegex = javaRegex.substring(0, javaRegex.length() - 1) + "\\z";
            }
            patterns.add(Pattern.compile(javaRegex));
            collapsed.add(usesCategories);
        }
    }

    private static boolean usesCategories(String regex) {
        for (String[] category : CATEGORIES) {
            if (regex.contains(category[0])) {
                return true;
            }
        }
        return false;
    }

    /** llama.cpp's regex rewrite: {@code \p{X}} → {@code [placeholder ascii]}, or without brackets inside a class. */
    private static String collapseRegex(String regex) {
        StringBuilder out = new StringBuilder();
        boolean insideClass = false;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '[' && (i == 0 || regex.charAt(i - 1) != '\\')) {
                out.append('[');
                insideClass = true;
                continue;
            }
            if (insideClass && c == ']' && regex.charAt(i - 1) != '\\') {
                out.append(']');
                insideClass = false;
                continue;
            }
            if (c == '\\'
                    && i + 4 < regex.length()
                    && regex.charAt(i + 1) == 'p'
                    && regex.charAt(i + 2) == '{'
                    && regex.charAt(i + 4) == '}') {
                String category = regex.substring(i, i + 5);
                String[] replacement = replacementFor(category);
                if (replacement != null) {
                    out.append(insideClass ? "" : "[")
                            .append(replacement[1])
                            .append(replacement[2])
                            .append(insideClass ? "" : "]");
                    i += 4;
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    private static String[] replacementFor(String category) {
        for (String[] candidate : CATEGORIES) {
            if (candidate[0].equals(category)) {
                return candidate;
            }
        }
        return null;
    }

    /** The words of {@code text}, in order, covering it exactly. */
    List<String> split(String text) {
        int[] codePoints = text.codePoints().toArray();
        String collapsedText = null;
        String wideText = null;
        List<Integer> lengths = new ArrayList<>();
        if (codePoints.length > 0) {
            lengths.add(codePoints.length);
        }
        for (int r = 0; r < patterns.size(); r++) {
            String subject;
            if (collapsed.get(r)) {
                if (collapsedText == null) {
                    collapsedText = collapse(codePoints);
                }
                subject = collapsedText;
            } else {
                if (wideText == null) {
                    wideText = widen(codePoints);
                }
                subject = wideText;
            }
            lengths = splitChunks(patterns.get(r), subject, !collapsed.get(r), lengths);
        }
        List<String> words = new ArrayList<>(lengths.size());
        int charOffset = 0;
        for (int length : lengths) {
            int charEnd = text.offsetByCodePoints(charOffset, length);
            words.add(text.substring(charOffset, charEnd));
            charOffset = charEnd;
        }
        return words;
    }

    private static List<Integer> splitChunks(
            Pattern pattern, String subject, boolean subjectIsUtf16, List<Integer> lengths) {
        List<Integer> result = new ArrayList<>(lengths.size() * 2);
        int charStart = 0;
        for (int length : lengths) {
            int charEnd = subjectIsUtf16 ? subject.offsetByCodePoints(charStart, length) : charStart + length;
            String chunk = subject.substring(charStart, charEnd);
            Matcher matcher = pattern.matcher(chunk);
            int previousEnd = 0; // code points within the chunk
            while (matcher.find()) {
                if (matcher.end() == matcher.start()) {
                    continue; // the llama.cpp regexes never match empty; don't emit empty words if one did
                }
                int matchStart = subjectIsUtf16 ? chunk.codePointCount(0, matcher.start()) : matcher.start();
                int matchEnd = subjectIsUtf16 ? chunk.codePointCount(0, matcher.end()) : matcher.end();
                if (matchStart > previousEnd) {
                    result.add(matchStart - previousEnd);
                }
                result.add(matchEnd - matchStart);
                previousEnd = matchEnd;
            }
            if (previousEnd < length) {
                result.add(length - previousEnd);
            }
            charStart = charEnd;
        }
        return result;
    }

    private static String collapse(int[] codePoints) {
        char[] chars = new char[codePoints.length];
        for (int i = 0; i < codePoints.length; i++) {
            chars[i] = UnicodeProperties.collapse(codePoints[i]);
        }
        return new String(chars);
    }

    /** The code points with non-ASCII whitespace as vertical tab (llama.cpp's std::wregex input). */
    private static String widen(int[] codePoints) {
        StringBuilder out = new StringBuilder(codePoints.length);
        for (int codePoint : codePoints) {
            out.appendCodePoint(
                    codePoint > 0x7F && UnicodeProperties.isWhitespace(codePoint)
                            ? UnicodeProperties.COLLAPSED_WHITESPACE
                            : codePoint);
        }
        return out.toString();
    }
}
