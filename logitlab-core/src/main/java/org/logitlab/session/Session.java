package org.logitlab.session;

import org.logitlab.model.KeyValueCache;
import org.logitlab.model.Model;
import org.logitlab.model.SequenceInput;
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
    /** The last {@link #appendTree} batch, until a path of it is accepted or anything else is appended. */
    private int[] pendingTreeTokens;

    private int[] pendingTreeParents;

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
        validate(newTokens);
        pendingTreeTokens = null;
        pendingTreeParents = null;
        int vocabulary = model.config().vocabularySize();
        int rows = allPositions ? newTokens.length : 1;
        float[] logits = new float[rows * vocabulary];
        transformer.forward(scratch, cache, newTokens, length, logits, allPositions);
        ensureTokenCapacity(length + newTokens.length);
        System.arraycopy(newTokens, 0, tokens, length, newTokens.length);
        int first = allPositions ? length : length + newTokens.length - 1;
        length += newTokens.length;
        return new Logits(first, rows, vocabulary, logits);
    }

    /**
     * Evaluates a token tree in one batched pass with a tree attention mask (speculative verification of
     * several drafts at once). The tree is not part of the sequence until {@link #acceptTreePath} commits one
     * root-to-node path; any other append simply overwrites it.
     *
     * @param parents {@code parents[i]} is the index of node i's parent ({@code < i}), or −1 for children of
     *     the last token of the sequence
     * @return logits for every node, row i = distribution after node i given the sequence and i's ancestors
     */
    public Logits appendTree(int[] treeTokens, int[] parents) {
        SequenceInput input = prepareAppendTree(treeTokens, parents);
        float[] logits = new float[treeTokens.length * model.config().vocabularySize()];
        transformer.forward(scratch, java.util.List.of(input), new float[][] {logits});
        return commitAppendTree(input, logits);
    }

    /**
     * Commits the path {@code nodes} (indices into the last {@link #appendTree} call, each the parent of the
     * next, the first a root) to the sequence: their keys and values move into consecutive slots.
     */
    public void acceptTreePath(int... nodes) {
        if (pendingTreeTokens == null) {
            throw new IllegalStateException("acceptTreePath needs a preceding appendTree (and nothing appended since)");
        }
        int expectedParent = -1;
        for (int i = 0; i < nodes.length; i++) {
            int node = nodes[i];
            if (node < 0 || node >= pendingTreeTokens.length || pendingTreeParents[node] != expectedParent) {
                throw new IllegalArgumentException("tree path " + java.util.Arrays.toString(nodes)
                        + " is not a root-to-node path (index " + i + ")");
            }
            expectedParent = node;
        }
        ensureTokenCapacity(length + nodes.length);
        for (int i = 0; i < nodes.length; i++) {
            // nodes[i] >= i because parents precede children, so no slot is overwritten before it is read
            cache.moveSlot(length + nodes[i], length + i);
            tokens[length + i] = pendingTreeTokens[nodes[i]];
        }
        length += nodes.length;
        pendingTreeTokens = null;
        pendingTreeParents = null;
    }

    private void validate(int[] newTokens) {
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
    }

    private void ensureTokenCapacity(int needed) {
        if (tokens.length < needed) {
            tokens = java.util.Arrays.copyOf(tokens, Math.max(tokens.length * 2, needed));
        }
    }

    /** This session's share of a batched pass over {@code newTokens} (validated; see {@link BatchedForward}). */
    SequenceInput prepareAppend(int[] newTokens, boolean allPositions) {
        validate(newTokens);
        pendingTreeTokens = null;
        pendingTreeParents = null;
        return new SequenceInput(cache, length, newTokens.clone(), null, allPositions);
    }

    /**
     * This session's share of a batched pass over a token tree (validated; see {@link BatchedForward}): the same
     * input {@link #appendTree} evaluates, with logits for every node.
     */
    SequenceInput prepareAppendTree(int[] treeTokens, int[] parents) {
        validate(treeTokens);
        if (parents == null || parents.length != treeTokens.length) {
            throw new IllegalArgumentException("parents has " + (parents == null ? "no" : parents.length)
                    + " entries for " + treeTokens.length + " tree tokens");
        }
        for (int node = 0; node < parents.length; node++) {
            if (parents[node] < -1 || parents[node] >= node) {
                throw new IllegalArgumentException(
                        "parents[" + node + "] = " + parents[node] + " must be -1 or an earlier node");
            }
        }
        pendingTreeTokens = null;
        pendingTreeParents = null;
        return new SequenceInput(cache, length, treeTokens.clone(), parents.clone(), true);
    }

    /**
     * Records a tree a batched pass has evaluated: as after {@link #appendTree}, it is not part of the sequence until
     * {@link #acceptTreePath} commits a path of it.
     *
     * @return logits for every node, row i = distribution after node i given the sequence and i's ancestors
     */
    Logits commitAppendTree(SequenceInput input, float[] logits) {
        pendingTreeTokens = input.tokens();
        pendingTreeParents = input.parents();
        return new Logits(length, input.tokens().length, model.config().vocabularySize(), logits);
    }

    /** Records tokens a batched pass has evaluated into this session's cache. */
    Logits commitAppend(SequenceInput input, float[] logits) {
        int[] newTokens = input.tokens();
        ensureTokenCapacity(length + newTokens.length);
        System.arraycopy(newTokens, 0, tokens, length, newTokens.length);
        int first = input.allPositions() ? length : length + newTokens.length - 1;
        length += newTokens.length;
        return new Logits(first, input.logitRows(), model.config().vocabularySize(), logits);
    }

    /** Forgets every position from {@code newLength} on; the next append continues there. */
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("truncate length must be in [0, " + length + "], got " + newLength);
        }
        length = newLength;
        pendingTreeTokens = null;
        pendingTreeParents = null;
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
