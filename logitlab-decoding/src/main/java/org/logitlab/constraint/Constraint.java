package org.logitlab.constraint;

import java.util.BitSet;

/**
 * Restricts generation to the sentences of a formal language (a grammar, a JSON Schema, a regex) by masking tokens.
 * A constraint is single-owner mutable state; {@link #copy()} forks it for speculative decoding or beam search.
 */
public interface Constraint {

    /**
     * Sets bit {@code id} in {@code allowed} (cleared first) for every token that keeps the text a viable prefix of the
     * language; end-of-generation tokens are allowed exactly when the text so far is complete.
     */
    void allowedTokens(BitSet allowed);

    /** Cheap check for one token, to verify a sampled token before computing the full mask (llama.cpp's fast path). */
    boolean allows(int token);

    /** Advances past {@code token}; throws {@link IllegalStateException} naming the token if it is not allowed. */
    void accept(int token);

    /** Whether the text so far is a complete sentence of the language. */
    boolean isComplete();

    /** An independent copy of the current state. */
    Constraint copy();
}
