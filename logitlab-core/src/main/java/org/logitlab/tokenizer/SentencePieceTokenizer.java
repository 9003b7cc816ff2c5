package org.logitlab.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.PriorityQueue;

/**
 * SentencePiece BPE as llama.cpp runs it ({@code llm_tokenizer_spm_session}): spaces become ▁, a ▁ is
 * prefixed at the start and after every special token, then adjacent symbols are merged greedily, highest
 * vocabulary score first (leftmost on ties), as long as the merged text is a token. Symbols that end up
 * not being tokens fall back to {@code <0xNN>} byte tokens.
 */
final class SentencePieceTokenizer extends VocabularyTokenizer {
    private static final char ESCAPED_SPACE = '\u2581';

    SentencePieceTokenizer(Vocabulary vocabulary) {
        super(vocabulary);
    }

    @Override
    byte[] renderNormal(int id) {
        if (vocabulary.has(id, TokenAttributes.BYTE)) {
            return renderByteToken(id);
        }
        return vocabulary.texts[id].replace(ESCAPED_SPACE, ' ').getBytes(StandardCharsets.UTF_8);
    }

    @Override
    void encodeFragments(String text, List<Fragment> fragments, boolean addSpecial, TokenIdList output) {
        boolean previousWasSpecial = true; // the very first text gets the dummy prefix too
        if (addSpecial && vocabulary.addBos) {
            output.add(vocabulary.bos);
        }
        for (Fragment fragment : fragments) {
            if (fragment.isToken()) {
                output.add(fragment.token());
                previousWasSpecial = true;
                continue;
            }
            String raw = text.substring(fragment.start(), fragment.end());
            String prefixed = vocabulary.addSpacePrefix && previousWasSpecial ? " " + raw : raw;
            tokenizeEscaped(prefixed.replace(' ', ESCAPED_SPACE), output);
            previousWasSpecial = false;
        }
        if (addSpecial && vocabulary.addEos) {
            output.add(vocabulary.eos);
        }
    }

    private void tokenizeEscaped(String text, TokenIdList output) {
        Symbols symbols = Symbols.ofCodePoints(text);
        PriorityQueue<Bigram> queue = new PriorityQueue<>();
        for (int i = 1; i < symbols.count; i++) {
            offerBigram(text, symbols, i - 1, i, queue);
        }
        while (!queue.isEmpty()) {
            Bigram bigram = queue.poll();
            int left = bigram.left();
            int right = bigram.right();
            // Stale entries: one side already merged away, or grew since the bigram was queued.
            if (symbols.length[left] == 0
                    || symbols.length[right] == 0
                    || symbols.length[left] + symbols.length[right] != bigram.length()) {
                continue;
            }
            symbols.mergeRightIntoLeft(left, right);
            offerBigram(text, symbols, symbols.previous[left], left, queue);
            offerBigram(text, symbols, left, symbols.next[left], queue);
        }
        // llama.cpp's resegment: its rev_merge only ever holds texts that are tokens, so a symbol is either a
        // token or spelled out in byte tokens.
        for (int i = 0; i != -1 && symbols.count > 0; i = symbols.next[i]) {
            String piece = text.substring(symbols.start[i], symbols.start[i] + symbols.length[i]);
            int id = vocabulary.idOf(piece);
            if (id != Vocabulary.NONE) {
                output.add(id);
            } else {
                for (byte b : piece.getBytes(StandardCharsets.UTF_8)) {
                    output.add(byteToken(b & 0xFF));
                }
            }
        }
    }

    private void offerBigram(String text, Symbols symbols, int left, int right, PriorityQueue<Bigram> queue) {
        if (left == -1 || right == -1) {
            return;
        }
        int length = symbols.length[left] + symbols.length[right];
        int id = vocabulary.idOf(text.substring(symbols.start[left], symbols.start[left] + length));
        if (id != Vocabulary.NONE) {
            queue.add(new Bigram(left, right, vocabulary.scores[id], length));
        }
    }

    /** llama.cpp's {@code byte_to_token} for SPM: {@code <0xNN>}, else the byte as a one-char token. */
    private int byteToken(int value) {
        int id = vocabulary.idOf(String.format("<0x%02X>", value));
        if (id == Vocabulary.NONE && value < 0x80) {
            id = vocabulary.idOf(String.valueOf((char) value));
        }
        if (id == Vocabulary.NONE) {
            // llama.cpp throws (token_to_id.at); a vocabulary without byte fallback degrades to <unk> here.
            id = vocabulary.unknown;
        }
        if (id == Vocabulary.NONE) {
            throw new IllegalStateException(
                    "vocabulary has neither byte token <0x" + String.format("%02X", value) + "> nor an unknown token");
        }
        return id;
    }

    /** A candidate merge; the best has the highest score, then the leftmost position. */
    private record Bigram(int left, int right, float score, int length) implements Comparable<Bigram> {
        @Override
        public int compareTo(Bigram other) {
            if (score != other.score) { // not Float.compare: llama.cpp's operator< treats -0.0 == 0.0
                return score > other.score ? -1 : 1;
            }
            return Integer.compare(left, other.left);
        }
    }
}
