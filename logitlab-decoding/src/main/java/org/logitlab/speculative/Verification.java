package org.logitlab.speculative;

/**
 * The outcome of verifying one draft tree: the accepted root-to-node path and the token that follows it
 * (the residual resample after a rejection, or the bonus token drawn from p after a fully accepted path).
 */
public record Verification(int[] acceptedNodes, int nextToken) {
    public Verification {
        acceptedNodes = acceptedNodes.clone();
    }

    public int acceptedCount() {
        return acceptedNodes.length;
    }
}
