package org.logitlab.tokenizer;

/**
 * A doubly linked list of adjacent text spans (llama.cpp's {@code llm_symbol} array) that merge-based
 * tokenizers shrink by merging neighbours. Spans are UTF-16 offsets into the text being tokenized.
 */
final class Symbols {
    final int count;
    final int[] start;
    final int[] length;
    final int[] previous;
    final int[] next;

    private Symbols(int count) {
        this.count = count;
        this.start = new int[count];
        this.length = new int[count];
        this.previous = new int[count];
        this.next = new int[count];
    }

    /** One symbol per code point, as llama.cpp splits on UTF-8 character boundaries. */
    static Symbols ofCodePoints(String text) {
        Symbols symbols = new Symbols(text.codePointCount(0, text.length()));
        int offset = 0;
        for (int i = 0; i < symbols.count; i++) {
            int charCount = Character.charCount(text.codePointAt(offset));
            symbols.start[i] = offset;
            symbols.length[i] = charCount;
            symbols.previous[i] = i - 1;
            offset += charCount;
            symbols.next[i] = offset == text.length() ? -1 : i + 1;
        }
        return symbols;
    }

    void mergeRightIntoLeft(int left, int right) {
        length[left] += length[right];
        length[right] = 0;
        next[left] = next[right];
        if (next[right] >= 0) {
            previous[next[right]] = left;
        }
    }
}
