package org.logitlab.constraint;

/**
 * One pushdown stack of grammar positions, as an immutable linked list so that stacks share their tails. The top
 * position is always a terminal; the ones below are where to continue once the rule above finishes (llama.cpp's
 * {@code llama_grammar_stack}, with positions that would only point at END never pushed: a tail call).
 */
final class GrammarStack {

    final int position;
    final GrammarStack parent;
    private final int hash;

    GrammarStack(int position, GrammarStack parent) {
        this.position = position;
        this.parent = parent;
        this.hash = 31 * (parent == null ? 17 : parent.hash) + position;
    }

    @Override
    public boolean equals(Object other) {
        GrammarStack left = this;
        Object rightObject = other;
        while (rightObject instanceof GrammarStack right) {
            if (left == right) {
                return true;
            }
            if (left.hash != right.hash || left.position != right.position) {
                return false;
            }
            left = left.parent;
            rightObject = right.parent;
            if (left == null || rightObject == null) {
                return left == rightObject;
            }
        }
        return false;
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
