package org.logitlab.tokenizer;

/**
 * A piece of the input after special-token partitioning: either a special token, or a range of raw text still
 * to be tokenized (llama.cpp's {@code fragment_buffer_variant}).
 */
record Fragment(int token, int start, int end) {
    static Fragment token(int id) {
        return new Fragment(id, 0, 0);
    }

    static Fragment text(int start, int end) {
        return new Fragment(Vocabulary.NONE, start, end);
    }

    boolean isToken() {
        return token != Vocabulary.NONE;
    }
}
