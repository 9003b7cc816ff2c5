package org.logitlab.speculative;

import java.util.random.RandomGenerator;
import org.logitlab.constraint.Constraint;

/**
 * What a drafter may use for one proposal.
 *
 * @param context every known token: prompt, generated tokens and the one about to be evaluated
 * @param maxDepth longest useful path (tokens still wanted, bounded by the draft length setting)
 * @param maxNodes most tree nodes in one verification pass: the draft length's node budget, bounded by the
 *     room left in the target's context
 * @param shaping the sampler chain's shaping with {@code context} accepted; drafters copy it before use
 * @param random draws for sampled drafts
 * @param constraint the grammar constraint with {@code context} accepted, or null when generation is unconstrained;
 *     drafters copy it before use. A drafter that draws from a distribution q should mask q with it (the target p is
 *     masked the same way), so that it never spends a draft on a token the target gives probability 0. Deterministic
 *     drafters may ignore it: the generator cuts forbidden deterministic nodes from the tree before verification.
 */
public record DraftRequest(
        int[] context,
        int maxDepth,
        int maxNodes,
        ChainShaping shaping,
        RandomGenerator random,
        Constraint constraint) {
    public DraftRequest {
        if (context == null || context.length == 0) {
            throw new IllegalArgumentException("context must hold at least one token");
        }
        if (maxDepth < 0 || maxNodes < 0) {
            throw new IllegalArgumentException(
                    "maxDepth and maxNodes must be >= 0, got " + maxDepth + " and " + maxNodes);
        }
    }

    /** An unconstrained request. */
    public DraftRequest(int[] context, int maxDepth, int maxNodes, ChainShaping shaping, RandomGenerator random) {
        this(context, maxDepth, maxNodes, shaping, random, null);
    }
}
