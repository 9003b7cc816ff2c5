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
    public static final int DEFAULT_DRAFT_MAX = 8;
    public static final int DEFAULT_DRAFT_MIN = 0;
    /** The default {@link #pMin()} of every kind of drafter ({@link #defaultPMin(DrafterKind)}). */
    public static final double DEFAULT_P_MIN = 0.1;

    public static final int DEFAULT_TREE_NODES = 24;

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

    /**
     * The default threshold for a kind of drafter, the one place {@code generate}, the server and {@link
     * SpeculativeGenerator} take it from: {@value #DEFAULT_P_MIN} for every kind. Prompt lookup used to default to 0
     * (draft whenever the text has a match, as llama.cpp's llama-lookup does). Once pass costs were estimated
     * robustly ({@link PassCosts}), 0.1 was faster on four of five benchmarks and up to 15 % slower on the fifth, a
     * 128-token run of fully repeated text (1.32–1.56x against 1.55–1.69x at 0: the first rounds learn the
     * acceptance). On text that does not repeat it stops drafting: the embedded model went from 0.26–0.39x at 0 to
     * 0.98–1.03x.
     */
    public static double defaultPMin(DrafterKind kind) {
        if (kind == null) {
            throw new IllegalArgumentException("kind must not be null");
        }
        return DEFAULT_P_MIN;
    }

    /** Every setting at its default for {@code kind} ({@link #defaultPMin(DrafterKind)}). */
    public static DraftLength defaults(DrafterKind kind) {
        return new DraftLength(DEFAULT_DRAFT_MAX, DEFAULT_DRAFT_MIN, defaultPMin(kind), DEFAULT_TREE_NODES);
    }
}
