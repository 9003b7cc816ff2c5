package org.logitlab.tokenizer;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits text on special-token spellings before the model's tokenizer sees it, as llama.cpp's
 * {@code tokenizer_st_partition}: tokens are tried longest first, each splitting every remaining text fragment at
 * its leftmost non-overlapping occurrences. Control and unknown tokens only count with {@code parseSpecial};
 * user-defined tokens always do (as Hugging Face tokenizers pre-split added tokens). Tokens marked
 * left/right-strip eat the ASCII whitespace next to them.
 */
final class SpecialTokenSplitter {
    private final Vocabulary vocabulary;
    /** Positions in {@code vocabulary.specialTokensLongestFirst}, by the first char of the token's text. */
    private final Map<Character, int[]> candidatesByFirstChar = new HashMap<>();

    SpecialTokenSplitter(Vocabulary vocabulary) {
        this.vocabulary = vocabulary;
        Map<Character, List<Integer>> lists = new HashMap<>();
        int[] specials = vocabulary.specialTokensLongestFirst;
        for (int position = 0; position < specials.length; position++) {
            char first = vocabulary.texts[specials[position]].charAt(0);
            lists.computeIfAbsent(first, key -> new ArrayList<>()).add(position);
        }
        lists.forEach((first, positions) -> candidatesByFirstChar.put(
                first, positions.stream().mapToInt(Integer::intValue).toArray()));
    }

    List<Fragment> split(String text, boolean parseSpecial) {
        List<Fragment> fragments = new ArrayList<>();
        if (text.isEmpty()) {
            return fragments;
        }
        fragments.add(Fragment.text(0, text.length()));
        // Some vocabularies have thousands of special tokens; only those occurring in the text can split it
        // (fragments are substrings of it), so find them in one pass and apply just those, in llama.cpp's order.
        BitSet occurring = occurringSpecialTokens(text);
        int[] specials = vocabulary.specialTokensLongestFirst;
        for (int position = occurring.nextSetBit(0); position >= 0; position = occurring.nextSetBit(position + 1)) {
            int id = specials[position];
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

    private BitSet occurringSpecialTokens(String text) {
        BitSet occurring = new BitSet();
        if (candidatesByFirstChar.isEmpty()) {
            return occurring;
        }
        for (int i = 0; i < text.length(); i++) {
            int[] candidates = candidatesByFirstChar.get(text.charAt(i));
            if (candidates != null) {
                for (int position : candidates) {
                    if (text.startsWith(vocabulary.texts[vocabulary.specialTokensLongestFirst[position]], i)) {
                        occurring.set(position);
                    }
                }
            }
        }
        return occurring;
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
