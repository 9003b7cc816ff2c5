package org.logitlab.speculative;

import org.logitlab.session.Logits;

/**
 * Proposes the tokens that may follow the context, as a {@link DraftTree} with the draft distributions where
 * the drafter has them. Self-speculation by early exit (LayerSkip, Draft &amp; Verify) is out of scope: it
 * needs hooks inside the transformer's layer loop that the engine does not expose.
 */
public sealed interface Drafter permits PromptLookupDrafter, TokenRecyclingDrafter, DraftModelDrafter {
    DraftTree draft(DraftRequest request);

    /**
     * The target's logits for tokens it has just evaluated: row i is the distribution after {@code tokens[i]}
     * (in context). Token Recycling learns from these; other drafters ignore them.
     */
    default void observe(int[] tokens, Logits logits) {}

    /**
     * True when the drafter already stops where its own estimate of acceptance falls below {@link
     * DraftLength#pMin()} (a draft model's probabilities); otherwise the generator bounds the depth from the
     * acceptance seen so far ({@link AcceptanceHistory}).
     */
    default boolean estimatesAcceptance() {
        return false;
    }

    String name();
}
