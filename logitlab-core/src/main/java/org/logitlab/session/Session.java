package org.logitlab.session;

import org.logitlab.model.KeyValueCache;
import org.logitlab.model.Model;
import org.logitlab.model.Transformer;

/**
 * One sequence being evaluated: its tokens so far and their keys/values. Single-owner (not thread-safe);
 * {@link #fork()} makes an independent copy, {@link #truncate(int)} forgets a suffix (e.g. rejected
 * speculative tokens) in O(1).
 */
public final class Session {
    /** Upper bound on a session's context (positions), whatever the model was trained with. */
    public static final int MAXIMUM_CONTEXT = 1 << 20;

    private final Model model;
    private final Transformer transformer;
    private final KeyValueCache cache;
    private final Transformer.Scratch scratch = new Transformer.Scratch();
    private int[] tokens;
    private int length;

    public Session(Model model, int contextLength) {
        // Like llama.cpp, a context longer than the trained one is allowed (quality may degrade past it);
        // the cap only guards against absurd allocations.
        if (contextLength <= 0 || contextLength > MAXIMUM_CONTEXT) {
            throw new IllegalArgumentException("context length must be in [1, " + MAXIMUM_CONTEXT + "] for "
                    + model.source() + ", got " + contextLength);
        }
        this.model = model;
        this.transformer = new Transformer(model);
        this.cache = new KeyValueCache(model.config(), contextLength);
        this.tokens = new int[Math.min(contextLength, 256)];
    }

    private Session(Session source) {
        this.model = source.model;
        this.transformer = source.transformer;
        this.cache = source.cache.copy(source.length);
        this.tokens = source.tokens.clone();
        this.length = source.length;
    }

    /** Evaluates {@code newTokens} in one batched pass and returns logits for every new position. */
    public Logits append(int... newTokens) {
        return append(newTokens, true);
    }

    /**
     * Evaluates {@code newTokens} in one batched pass.
     *
     * @param allPositions logits for every new position; when false only for the last one (cheaper prefill)
     */
    public Logits append(int[] newTokens, boolean allPositions) {
        if (newTokens.length == 0) {
            throw new IllegalArgumentException("append needs at least one token");
        }
        int vocabulary = model.config().vocabularySize();
        for (int i = 0; i < newTokens.length; i++) {
            if (newTokens[i] < 0 || newTokens[i] >= vocabulary) {
                throw new IllegalArgumentException("token id " + newTokens[i] + " at index " + i
                        + " is outside the vocabulary [0, " + vocabulary + ")");
            }
        }
        if (length + newTokens.length > cache.capacity()) {
            throw new ContextOverflowException("sequence of " + (length + newTokens.length) + " tokens (" + length
                    + " in the session + " + newTokens.length + " new) exceeds the context length " + cache.capacity());
        }
        int rows = allPositions ? newTokens.length : 1;
        float[] logits = new float[rows * vocabulary];
        transformer.forward(scratch, cache, newTokens, length, logits, allPositions);
        if (tokens.length < length + newTokens.length) {
            tokens = java.util.Arrays.copyOf(tokens, Math.max(tokens.length * 2, length + newTokens.length));
        }
        System.arraycopy(newTokens, 0, tokens, length, newTokens.length);
        int first = allPositions ? length : length + newTokens.length - 1;
        length += newTokens.length;
        return new Logits(first, rows, vocabulary, logits);
    }

    /** Forgets every position from {@code newLength} on; the next append continues there. */
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("truncate length must be in [0, " + length + "], got " + newLength);
        }
        length = newLength;
    }

    /** An independent session with the same tokens and cache contents. */
    public Session fork() {
        return new Session(this);
    }

    /** Number of tokens evaluated so far. */
    public int length() {
        return length;
    }

    public int contextLength() {
        return cache.capacity();
    }

    public int[] tokens() {
        return java.util.Arrays.copyOf(tokens, length);
    }

    public Model model() {
        return model;
    }
}
