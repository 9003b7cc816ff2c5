package org.logitlab.speculative;

/**
 * What one speculative generation did.
 *
 * @param draftedTokens drafted tokens (tree nodes) sent to verification; under a constraint, after cutting the drafts
 *     it forbids
 * @param acceptedTokens drafted tokens the verifier kept
 * @param verificationSteps draft-then-verify rounds
 * @param targetForwardPasses forward passes of the target, including the prompt's
 * @param generatedTokens tokens emitted
 */
public record SpeculativeStatistics(
        int draftedTokens, int acceptedTokens, int verificationSteps, int targetForwardPasses, int generatedTokens) {

    /** Accepted / drafted; for trees, of all drafted nodes (at most one path can be kept). */
    public double acceptanceRate() {
        return draftedTokens == 0 ? 0.0 : (double) acceptedTokens / draftedTokens;
    }

    /** Drafted tokens kept per verification round (τ − 1 in the literature's notation). */
    public double meanAcceptedLength() {
        return verificationSteps == 0 ? 0.0 : (double) acceptedTokens / verificationSteps;
    }

    /** Generated tokens per target forward pass after the prompt's (1.0 for plain decoding). */
    public double tokensPerTargetPass() {
        int decodingPasses = targetForwardPasses - 1;
        return decodingPasses <= 0 ? generatedTokens : (double) generatedTokens / decodingPasses;
    }
}
