package org.logitlab.tokenizer;

import java.util.Arrays;

/**
 * BPE merges keyed by the token ids of their two halves, in an open-addressing table of primitives so the
 * merge loop neither boxes nor hashes strings. Each entry holds the merge's rank and the id of the merged text
 * (or {@link Vocabulary#NONE} when the merged text is not itself a token, which llama.cpp allows).
 */
final class MergeTable {
    static final int ABSENT = -1;
    private static final long EMPTY = -1L;

    private final long[] keys;
    private final int[] ranks;
    private final int[] mergedIds;
    private final int mask;

    MergeTable(int expectedEntries) {
        int capacity = Integer.highestOneBit(Math.max(16, expectedEntries * 2 - 1)) << 1;
        keys = new long[capacity];
        Arrays.fill(keys, EMPTY);
        ranks = new int[capacity];
        mergedIds = new int[capacity];
        mask = capacity - 1;
    }

    private static long key(int leftId, int rightId) {
        return ((long) leftId << 32) | (rightId & 0xFFFFFFFFL);
    }

    private int slot(long key) {
        long hash = key * 0x9E3779B97F4A7C15L;
        int slot = (int) (hash >>> 40) & mask;
        while (keys[slot] != EMPTY && keys[slot] != key) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    /** Keeps the first (lowest) rank for a pair listed twice, as llama.cpp's {@code emplace} does. */
    void putIfAbsent(int leftId, int rightId, int rank, int mergedId) {
        long key = key(leftId, rightId);
        int slot = slot(key);
        if (keys[slot] == EMPTY) {
            keys[slot] = key;
            ranks[slot] = rank;
            mergedIds[slot] = mergedId;
        }
    }

    /** The slot of the pair, or {@link #ABSENT}. */
    int find(int leftId, int rightId) {
        long key = key(leftId, rightId);
        int slot = slot(key);
        return keys[slot] == EMPTY ? ABSENT : slot;
    }

    int rank(int slot) {
        return ranks[slot];
    }

    int mergedId(int slot) {
        return mergedIds[slot];
    }
}
