package org.logitlab.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits text on special-token spellings before the model's tokenizer sees it, as llama.cpp's
 * {@code tokenizer_st_partition}: tokens are tried longest first, each splitting every remaining text fragment at
 * its leftmost non-overlapping occurrences. Control and unknown tokens only count with {@code parseSpecial};
 * user-defined tokens always do (as Hugging Face tokenizers pre-split added tokens). Tokens marked
 * left/right-strip eat the ASCII whitespace next to them.
 */
final class SpecialTokenSplitter {
    private SpecialTokenSplitter() {}

    static List<Fragment> split(Vocabulary vocabulary, String text, boolean parseSpecial) {
        List<Fragment> fragments = new ArrayList<>();
        if (text.isEmpty()) {
            return fragments;
        }
        fragments.add(Fragment.text(0, text.length()));
        for (int id : vocabulary.specialTokensLongestFirst) {
            if (!parseSpecial && vocabulary.has(id, TokenAttributes.CONTROL | TokenAttributes.UNKNOWN)) {
                continue;
            }
            String special = vocabulary.texts[id];
            List<Fragment> next = new ArrayList<>(fragments.size() + 2);
            for (Fragment fragment : fragments) {
                if (fragment.isToken()) {
                    next.add(fragment);
                } else {
                    splitFragment(vocabulary, text, fragment, id, special, next);
                }
            }
            fragments = next;
        }
        return fragments;
    }

    private static void splitFragment(
            Vocabulary vocabulary, String text, Fragment fragment, int id, String special, List<Fragment> out) {
        int start = fragment.start();
        int end = fragment.end();
        while (start < end) {
            int match = text.indexOf(special, start);
            if (match < 0 || match + special.length() > end) {
                break;
            }
            int leftEnd = match;
            if (vocabulary.has(id, TokenAttributes.LEFT_STRIP)) {
                while (leftEnd > start && isAsciiSpace(text.charAt(leftEnd - 1))) {
                    leftEnd--;
                }
            }
            if (leftEnd > start) {
                out.add(Fragment.text(start, leftEnd));
            }
            out.add(Fragment.token(id));
            start = match + special.length();
            if (vocabulary.has(id, TokenAttributes.RIGHT_STRIP)) {
                while (start < end && isAsciiSpace(text.charAt(start))) {
                    start++;
                }
            }
        }
        if (start < end) {
            out.add(Fragment.text(start, end));
        }
    }

    /** C's {@code isspace} in the "C" locale, which llama.cpp applies byte by byte. */
    private static boolean isAsciiSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }
}
