package org.logitlab.speculative;

import java.util.random.RandomGenerator;

/**
 * Decides which drafted tokens to keep so that the emitted sequence is distributed exactly as sampling from
 * the target one token at a time (and equals greedy decoding when the target is a point mass).
 */
public sealed interface Verifier permits SpeculativeSamplingVerifier, RecursiveRejectionVerifier {
    Verification verify(DraftTree draft, TargetDistributions targets, RandomGenerator random);

    /** Short name for statistics and the CLI. */
    String name();
}
