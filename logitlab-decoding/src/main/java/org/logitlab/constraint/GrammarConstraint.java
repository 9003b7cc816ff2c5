package org.logitlab.constraint;

import java.util.BitSet;

/**
 * A {@link Constraint} that runs a {@link Grammar} over the bytes of a {@link TokenVocabulary}. A mask is one preorder
 * scan of the vocabulary trie with the matcher state advanced byte by byte through cached transitions; a dead prefix
 * skips its whole subtree.
 */
public final class GrammarConstraint implements Constraint {

    private final GrammarAutomaton automaton;
    private final TokenVocabulary vocabulary;
    private final VocabularyTrie trie;
    private MatcherState state;
    private boolean ended;
    private String acceptedTail = "";
    private MatcherState[] statePerNode;

    GrammarConstraint(GrammarAutomaton automaton, TokenVocabulary vocabulary, VocabularyTrie trie) {
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
        if (state.acceptsEnd()) {
            allowed.or(vocabulary.endOfGenerationView());
        }
        if (statePerNode == null) {
            statePerNode = new MatcherState[trie.nodeCount];
        }
        MatcherState[] states = statePerNode;
        int[] parent = trie.parent;
        int[] edgeByte = trie.edgeByte;
        int[] subtreeSize = trie.subtreeSize;
        int[] tokenStart = trie.tokenStart;
        int[] tokens = trie.tokens;
        states[0] = state;
        int nodeCount = trie.nodeCount;
        int node = 1;
        while (node < nodeCount) {
            MatcherState from = states[parent[node]];
            MatcherState next = from.transitions[edgeByte[node]];
            if (next == null) {
                next = automaton.step(from, edgeByte[node]);
            }
            if (next.dead) {
                node += subtreeSize[node];
                continue;
            }
            states[node] = next;
            for (int i = tokenStart[node], end = tokenStart[node + 1]; i < end; i++) {
                allowed.set(tokens[i]);
            }
            node++;
        }
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
        GrammarConstraint copy = new GrammarConstraint(automaton, vocabulary, trie);
        copy.state = state;
        copy.ended = ended;
        copy.acceptedTail = acceptedTail;
        return copy;
    }

    private String describe(int token) {
        if (vocabulary.endOfGenerationUnsafe(token)) {
            return "end of generation";
        }
        return "bytes '" + new String(vocabulary.bytesUnsafe(token), java.nio.charset.StandardCharsets.UTF_8) + "'";
    }
}
