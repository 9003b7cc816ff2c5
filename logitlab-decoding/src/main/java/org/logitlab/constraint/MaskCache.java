package org.logitlab.constraint;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Token masks already computed, by matcher state, shared by a constraint and its copies. Bounded by memory: a mask is
 * one bit per token, and the table starts over when it would pass {@link #MAX_BYTES}.
 */
final class MaskCache {

    private static final long MAX_BYTES = 32L << 20;

    private final int capacity;
    private volatile ConcurrentHashMap<MatcherState, long[]> masks = new ConcurrentHashMap<>();

    MaskCache(int vocabularySize) {
        long bytesPerMask = ((vocabularySize + 63L) >>> 6) * 8 + 64;
        this.capacity = (int) Math.max(16, MAX_BYTES / bytesPerMask);
    }

    long[] get(MatcherState state) {
        return masks.get(state);
    }

    void put(MatcherState state, long[] mask) {
        ConcurrentHashMap<MatcherState, long[]> table = masks;
        if (table.size() >= capacity) {
            table = new ConcurrentHashMap<>();
            masks = table;
        }
        table.put(state, mask);
    }
}
