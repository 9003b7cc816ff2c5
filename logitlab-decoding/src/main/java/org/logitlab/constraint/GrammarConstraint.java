package org.logitlab.constraint;

import java.util.BitSet;

/**
 * A {@link Constraint} that runs a {@link Grammar} over the bytes of a {@link TokenVocabulary}. A mask is one preorder
 * scan of the vocabulary trie with the matcher state advanced byte by byte through cached transitions; a dead prefix
 * skips its whole subtree. Masks are also remembered per matcher state (shared by copies), because generation keeps
 * returning to the same states, e.g. "inside a JSON string" after every ordinary character.
 */
public final class GrammarConstraint implements Constraint {

    /** Smaller subtrees are cheaper to walk than to test. */
    private static final int MIN_SUBTREE_FOR_SELF_LOOP = 8;

    private final GrammarAutomaton automaton;
    private final TokenVocabulary vocabulary;
    private final VocabularyTrie trie;
    private MatcherState state;
    private boolean ended;
    private String acceptedTail = "";
    private MatcherState[] statePerNode;
    private final MaskCache masks;

    GrammarConstraint(GrammarAutomaton automaton, TokenVocabulary vocabulary, VocabularyTrie trie) {
        this(automaton, vocabulary, trie, new MaskCache(vocabulary.size()));
    }

    private GrammarConstraint(
            GrammarAutomaton automaton, TokenVocabulary vocabulary, VocabularyTrie trie, MaskCache masks) {
        this.masks = masks;
        this.automaton = automaton;
        this.vocabulary = vocabulary;
        this.trie = trie;
        this.state = automaton.start;
    }

    /** A constraint at the start of {@code grammar}; building the vocabulary trie costs one pass over the vocabulary. */
    public static GrammarConstraint of(Grammar grammar, TokenVocabulary vocabulary) {
        if (grammar == null) {
            throw new IllegalArgumentException("grammar must not be null");
        }
        if (vocabulary == null) {
            throw new IllegalArgumentException("vocabulary must not be null");
        }
        return new GrammarConstraint(new GrammarAutomaton(grammar), vocabulary, new VocabularyTrie(vocabulary));
    }

    public Grammar grammar() {
        return automaton.grammar;
    }

    @Override
    public void allowedTokens(BitSet allowed) {
        if (allowed == null) {
            throw new IllegalArgumentException("allowed must not be null");
        }
        allowed.clear();
        if (ended) {
            return;
        }
        long[] words = masks.get(state);
        if (words == null) {
            words = computeMask(state);
            masks.put(state, words);
        }
        allowed.or(BitSet.valueOf(words));
    }

    /** The mask for {@code from} by one preorder scan of the trie; a dead prefix skips its subtree. */
    long[] computeMask(MatcherState from) {
        long[] words = new long[(vocabulary.size() + 63) >>> 6];
        if (from.acceptsEnd()) {
            long[] end = vocabulary.endOfGenerationView().toLongArray();
            System.arraycopy(end, 0, words, 0, end.length);
        }
        if (statePerNode == null) {
            statePerNode = new MatcherState[trie.nodeCount];
        }
        MatcherState[] states = statePerNode;
        int[] parentAndByte = trie.parentAndByte;
        int[] subtreeSize = trie.subtreeSize;
        int[] tokenStart = trie.tokenStart;
        int[] tokens = trie.tokens;
        states[0] = from;
        int nodeCount = trie.nodeCount;
        int node = 1;
        while (node < nodeCount) {
            int link = parentAndByte[node];
            MatcherState parent = states[link >>> 8];
            MatcherState next = parent.transitions[link & 0xFF];
            if (next == null) {
                next = automaton.step(parent, link & 0xFF);
            }
            if (next.dead) {
                node += subtreeSize[node];
                continue;
            }
            states[node] = next;
            int size = subtreeSize[node];
            int tokensEnd = tokenStart[node + 1];
            if (size > MIN_SUBTREE_FOR_SELF_LOOP && staysInState(next, node)) {
                // Every byte below keeps the state as it is, so every token below is allowed: skip the walk.
                tokensEnd = tokenStart[node + size];
            } else {
                size = 1;
            }
            for (int i = tokenStart[node]; i < tokensEnd; i++) {
                int token = tokens[i];
                words[token >>> 6] |= 1L << token;
            }
            node += size;
        }
        return words;
    }

    @Override
    public boolean allows(int token) {
        vocabulary.checkToken(token);
        if (ended) {
            return false;
        }
        if (vocabulary.endOfGenerationUnsafe(token)) {
            return state.acceptsEnd();
        }
        byte[] bytes = vocabulary.bytesUnsafe(token);
        return bytes.length > 0 && !automaton.step(state, bytes).dead;
    }

    @Override
    public void accept(int token) {
        if (!allows(token)) {
            throw new IllegalStateException("token " + token + " (" + describe(token) + ") is not allowed after '"
                    + acceptedTail + "'" + (ended ? ": generation already ended" : ""));
        }
        if (vocabulary.endOfGenerationUnsafe(token)) {
            ended = true;
            return;
        }
        byte[] bytes = vocabulary.bytesUnsafe(token);
        state = automaton.step(state, bytes);
        String text = acceptedTail + new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        acceptedTail = text.length() > 40 ? text.substring(text.length() - 40) : text;
    }

    @Override
    public boolean isComplete() {
        return ended || state.acceptsEnd();
    }

    @Override
    public GrammarConstraint copy() {
        GrammarConstraint copy = new GrammarConstraint(automaton, vocabulary, trie, masks);
        copy.state = state;
        copy.ended = ended;
        copy.acceptedTail = acceptedTail;
        return copy;
    }

    private boolean staysInState(MatcherState state, int node) {
        long[] loop = automaton.selfLoopBytes(state);
        long[] below = trie.bytesBelow;
        int base = node * 4;
        return (below[base] & ~loop[0]) == 0
                && (below[base + 1] & ~loop[1]) == 0
                && (below[base + 2] & ~loop[2]) == 0
                && (below[base + 3] & ~loop[3]) == 0;
    }

    MatcherState currentState() {
        return state;
    }

    private String describe(int token) {
        if (vocabulary.endOfGenerationUnsafe(token)) {
            return "end of generation";
        }
        return "bytes '" + new String(vocabulary.bytesUnsafe(token), java.nio.charset.StandardCharsets.UTF_8) + "'";
    }
}
