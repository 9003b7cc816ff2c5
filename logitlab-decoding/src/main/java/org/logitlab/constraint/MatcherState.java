package org.logitlab.constraint;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Where the matcher is after some bytes: the set of live pushdown stacks, whether the text so far is a complete
 * sentence, and the bytes of a UTF-8 code point that is not finished yet (a token may end in the middle of one; llama.cpp
 * carries the same thing as {@code llama_partial_utf8}).
 *
 * <p>States are immutable values, interned by {@link GrammarAutomaton}, so the byte transitions computed from one can
 * be cached in {@link #transitions} and reused by every later mask: this makes the lazily built automaton a DFA over
 * bytes for the states actually visited.
 */
final class MatcherState {

    final GrammarStack[] stacks;
    final boolean complete;
    /** The pending bytes of an unfinished code point, most recent in the low byte. */
    final int partialBytes;

    final int partialLength;
    final boolean dead;
    private final Set<GrammarStack> stackSet;
    private final int hash;
    /** Cached successor per next byte; null until computed. Racy writes are harmless: successors are interned values. */
    final MatcherState[] transitions = new MatcherState[256];
    /** Bytes that lead back to this very state (e.g. ordinary characters inside a JSON string); null until needed. */
    long[] selfLoopBytes;

    MatcherState(GrammarStack[] stacks, boolean complete, int partialBytes, int partialLength) {
        this.stacks = stacks;
        this.complete = complete;
        this.partialBytes = partialBytes;
        this.partialLength = partialLength;
        this.dead = stacks.length == 0 && !complete;
        this.stackSet = new HashSet<>(Arrays.asList(stacks));
        int setHash = 0;
        for (GrammarStack stack : stacks) {
            setHash += stack.hashCode();
        }
        this.hash = ((setHash * 31 + Boolean.hashCode(complete)) * 31 + partialBytes) * 31 + partialLength;
    }

    /** The text is a complete sentence and no code point is half-written. */
    boolean acceptsEnd() {
        return complete && partialLength == 0;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MatcherState state
                && hash == state.hash
                && complete == state.complete
                && partialBytes == state.partialBytes
                && partialLength == state.partialLength
                && stackSet.equals(state.stackSet);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
