package org.logitlab.speculative;

/**
 * How long drafts may be. Adaptive length follows SpecDec++ (Huang et al. 2024): stop drafting once the
 * predicted probability that the whole draft is accepted falls below a threshold. SpecDec++ trains a head
 * for the per-token acceptance; training-free, we use the draft model's own probability of each drafted
 * token, so the estimate is Π q(x_i) and drafting stops (after {@code draftMin}) once it drops below
 * {@code pMin}. llama.cpp's {@code --draft-p-min} is the per-token special case of the same idea.
 *
 * @param draftMax longest draft (tree depth)
 * @param draftMin shortest draft before the threshold may stop it
 * @param pMin threshold on the estimated acceptance of the draft so far; 0 disables adaptive stopping
 * @param treeNodes most nodes in a drafted tree (tree and multi-draft modes)
 */
public record DraftLength(int draftMax, int draftMin, double pMin, int treeNodes) {
    public DraftLength {
        if (draftMax < 1) {
            throw new IllegalArgumentException("draftMax must be >= 1, got " + draftMax);
        }
        if (draftMin < 0 || draftMin > draftMax) {
            throw new IllegalArgumentException("draftMin must be in [0, draftMax = " + draftMax + "], got " + draftMin);
        }
        if (!(pMin >= 0.0 && pMin <= 1.0)) {
            throw new IllegalArgumentException("pMin must be in [0, 1], got " + pMin);
        }
        if (treeNodes < 1) {
            throw new IllegalArgumentException("treeNodes must be >= 1, got " + treeNodes);
        }
    }

    public static DraftLength defaults() {
        return new DraftLength(8, 0, 0.1, 24);
    }
}
