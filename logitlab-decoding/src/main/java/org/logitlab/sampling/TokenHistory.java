package org.logitlab.sampling;

import java.util.Arrays;

/** Fixed-capacity ring of the most recent tokens (llama.cpp's {@code ring_buffer<llama_token>}). */
final class TokenHistory {
    private final int[] tokens;
    private int first;
    private int size;

    TokenHistory(int capacity) {
        this.tokens = new int[capacity];
    }

    private TokenHistory(TokenHistory other) {
        this.tokens = other.tokens.clone();
        this.first = other.first;
        this.size = other.size;
    }

    int capacity() {
        return tokens.length;
    }

    int size() {
        return size;
    }

    boolean isFull() {
        return size == tokens.length;
    }

    /** The oldest token. */
    int oldest() {
        if (size == 0) {
            throw new IllegalStateException("token history is empty");
        }
        return tokens[first];
    }

    /** Appends, evicting the oldest token when full; a zero-capacity history ignores the token. */
    void push(int token) {
        if (tokens.length == 0) {
            return;
        }
        int position = (first + size) % tokens.length;
        tokens[position] = token;
        if (size == tokens.length) {
            first = (first + 1) % tokens.length;
        } else {
            size++;
        }
    }

    /** The token {@code back} positions before the newest: fromEnd(0) is the newest. */
    int fromEnd(int back) {
        if (back < 0 || back >= size) {
            throw new IndexOutOfBoundsException("back must be in [0, " + size + "), got " + back);
        }
        return tokens[(first + size - 1 - back) % tokens.length];
    }

    void clear() {
        first = 0;
        size = 0;
    }

    TokenHistory copy() {
        return new TokenHistory(this);
    }

    @Override
    public String toString() {
        int[] ordered = new int[size];
        for (int i = 0; i < size; i++) {
            ordered[i] = fromEnd(size - 1 - i);
        }
        return Arrays.toString(ordered);
    }
}
