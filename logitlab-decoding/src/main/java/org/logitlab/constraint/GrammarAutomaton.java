package org.logitlab.constraint;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs a {@link Grammar} over UTF-8 bytes: the pushdown matcher of llama.cpp ({@code llama_grammar_advance_stack} /
 * {@code llama_grammar_accept}) made byte-granular, with every state interned and every transition cached, so that
 * walking a vocabulary trie mostly follows array links instead of re-running the matcher.
 *
 * <p>Thread-safe: states are immutable, the intern table is concurrent, and a lost cache write only costs a recomputation.
 */
final class GrammarAutomaton {

    /** Bound on remembered states; past it the table starts over (correctness never depends on identity). */
    private static final int MAX_INTERNED_STATES = 100_000;

    final Grammar grammar;
    final MatcherState start;
    final MatcherState dead = new MatcherState(new GrammarStack[0], false, 0, 0);
    private volatile ConcurrentHashMap<MatcherState, MatcherState> interned = new ConcurrentHashMap<>();

    GrammarAutomaton(Grammar grammar) {
        this.grammar = grammar;
        Set<GrammarStack> stacks = new LinkedHashSet<>();
        boolean[] complete = new boolean[1];
        for (int alternative : grammar.alternativeStarts(grammar.rootRule())) {
            expand(alternative, null, stacks, complete);
        }
        this.start = intern(new MatcherState(stacks.toArray(GrammarStack[]::new), complete[0], 0, 0));
    }

    /** The state after one more byte; {@link #dead} when the byte cannot continue any sentence. */
    MatcherState step(MatcherState state, int unsignedByte) {
        MatcherState cached = state.transitions[unsignedByte];
        if (cached != null) {
            return cached;
        }
        MatcherState next = state.dead ? dead : intern(computeStep(state, unsignedByte));
        state.transitions[unsignedByte] = next;
        return next;
    }

    /** The 256-bit set of bytes after which {@code state} is unchanged, computed once per state. */
    long[] selfLoopBytes(MatcherState state) {
        long[] loop = state.selfLoopBytes;
        if (loop == null) {
            loop = new long[4];
            for (int b = 0; b < 256; b++) {
                if (step(state, b) == state) {
                    loop[b >>> 6] |= 1L << b;
                }
            }
            state.selfLoopBytes = loop;
        }
        return loop;
    }

    MatcherState step(MatcherState state, byte[] bytes) {
        MatcherState current = state;
        for (int i = 0; i < bytes.length && !current.dead; i++) {
            current = step(current, bytes[i] & 0xFF);
        }
        return current;
    }

    private MatcherState intern(MatcherState state) {
        if (state.dead) {
            return dead;
        }
        ConcurrentHashMap<MatcherState, MatcherState> table = interned;
        if (table.size() > MAX_INTERNED_STATES) {
            table = new ConcurrentHashMap<>();
            interned = table;
        }
        MatcherState existing = table.putIfAbsent(state, state);
        return existing == null ? state : existing;
    }

    private MatcherState computeStep(MatcherState state, int unsignedByte) {
        if (state.partialLength == 0) {
            if (unsignedByte < 0x80) {
                return advance(state.stacks, unsignedByte);
            }
            if (Utf8.sequenceLength(unsignedByte) == 0) {
                return dead;
            }
            return partial(state.stacks, unsignedByte, 1);
        }
        int lead = (state.partialBytes >>> (8 * (state.partialLength - 1))) & 0xFF;
        if (!Utf8.validContinuation(lead, state.partialLength, unsignedByte)) {
            return dead;
        }
        int bytes = (state.partialBytes << 8) | unsignedByte;
        int length = state.partialLength + 1;
        if (length == Utf8.sequenceLength(lead)) {
            return advance(state.stacks, Utf8.decode(bytes, length));
        }
        return partial(state.stacks, bytes, length);
    }

    /** Keeps a half-written code point only if some stack can still take one of its possible completions. */
    private MatcherState partial(GrammarStack[] stacks, int bytes, int length) {
        int low = Utf8.lowestCompletion(bytes, length);
        int high = Utf8.highestCompletion(bytes, length);
        for (GrammarStack stack : stacks) {
            if (grammar.characterSet(stack.position).intersects(low, high)) {
                return new MatcherState(stacks, false, bytes, length);
            }
        }
        return dead;
    }

    private MatcherState advance(GrammarStack[] stacks, int codePoint) {
        Set<GrammarStack> next = new LinkedHashSet<>();
        boolean[] complete = new boolean[1];
        for (GrammarStack stack : stacks) {
            if (grammar.characterSet(stack.position).contains(codePoint)) {
                expand(stack.position + 1, stack.parent, next, complete);
            }
        }
        return new MatcherState(next.toArray(GrammarStack[]::new), complete[0], 0, 0);
    }

    /**
     * Adds every stack reachable from {@code position} (with {@code parent} below it) whose top is a terminal,
     * expanding rule references and popping finished rules; an empty stack means the sentence is complete.
     */
    private void expand(int position, GrammarStack parent, Set<GrammarStack> out, boolean[] complete) {
        switch (grammar.kind(position)) {
            case Grammar.END -> {
                if (parent == null) {
                    complete[0] = true;
                } else {
                    expand(parent.position, parent.parent, out, complete);
                }
            }
            case Grammar.TERMINAL -> out.add(new GrammarStack(position, parent));
            default -> {
                int continuation = position + 1;
                GrammarStack below =
                        grammar.kind(continuation) == Grammar.END ? parent : new GrammarStack(continuation, parent);
                for (int alternative : grammar.alternativeStarts(grammar.value(position))) {
                    expand(alternative, below, out, complete);
                }
            }
        }
    }
}
