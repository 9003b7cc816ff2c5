package org.logitlab.model;

import java.util.List;

/**
 * Where each token of a (multi-sequence, possibly tree-shaped) batch lives: its cache and slot, its RoPE
 * position, which of its batch-mates it may attend to, and which tokens need logits. Grown on demand and
 * reused across steps (single owner).
 */
final class BatchLayout {
    int count;
    KeyValueCache[] caches = new KeyValueCache[0];
    /** Cache slot the token's keys and values go to. */
    int[] slots = new int[0];

    int[] positions = new int[0];
    /** First cache slot of the token's sequence in this batch (tree masks are relative to it). */
    int[] sequenceStarts = new int[0];
    /** For tree tokens: visible[t][j] — t may attend to the j-th token of its own sequence's batch; else null. */
    boolean[][] visible = new boolean[0][];
    /** Batch indices of the tokens whose logits are computed, in output order. */
    int[] logitTokens = new int[0];

    int logitCount;

    void prepare(List<SequenceInput> sequences) {
        int total = 0;
        int rows = 0;
        for (SequenceInput sequence : sequences) {
            total += sequence.tokens().length;
            rows += sequence.logitRows();
        }
        if (slots.length < total) {
            caches = new KeyValueCache[total];
            slots = new int[total];
            positions = new int[total];
            sequenceStarts = new int[total];
            visible = new boolean[total][];
        }
        if (logitTokens.length < rows) {
            logitTokens = new int[rows];
        }
        count = total;
        logitCount = 0;
        int t = 0;
        for (SequenceInput sequence : sequences) {
            int[] parents = sequence.parents();
            int first = t;
            int length = sequence.tokens().length;
            for (int i = 0; i < length; i++, t++) {
                caches[t] = sequence.cache();
                slots[t] = sequence.start() + i;
                sequenceStarts[t] = sequence.start();
                if (parents == null) {
                    positions[t] = sequence.start() + i;
                    visible[t] = null;
                    continue;
                }
                int parent = parents[i];
                if (parent < -1 || parent >= i) {
                    throw new IllegalArgumentException(
                            "parents[" + i + "] = " + parent + " must be -1 or an earlier node");
                }
                boolean[] mask = new boolean[length];
                mask[i] = true;
                if (parent >= 0) {
                    System.arraycopy(visible[first + parent], 0, mask, 0, i);
                    positions[t] = positions[first + parent] + 1;
                } else {
                    positions[t] = sequence.start();
                }
                visible[t] = mask;
            }
            if (sequence.allPositions()) {
                for (int i = first; i < t; i++) {
                    logitTokens[logitCount++] = i;
                }
            } else {
                logitTokens[logitCount++] = t - 1;
            }
        }
    }
}
