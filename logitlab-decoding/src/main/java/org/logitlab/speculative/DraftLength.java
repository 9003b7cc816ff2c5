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
    /** The default {@link #pMin()} of drafters other than prompt lookup ({@link #defaultPMin(DrafterKind)}). */
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
     * SpeculativeGenerator} take it from. Prompt lookup: 0 — it drafts only where the text repeats, and there the whole
     * continuation tends to be accepted, so it drafts to full length whenever there is a match, as llama.cpp's
     * llama-lookup does: an acceptance averaged over all rounds cuts exactly those drafts short (134M Q4_0, repeated
     * story: 1.69x at 0 against 1.35–1.54x at 0.1 or 0.01). On text that does not repeat, 0.1 is the safer choice
     * (embedded model: 0.29x at 0, 0.78x at 0.1). Others: {@value #DEFAULT_P_MIN}.
     */
    public static double defaultPMin(DrafterKind kind) {
        if (kind == null) {
            throw new IllegalArgumentException("kind must not be null");
        }
        return kind == DrafterKind.PROMPT_LOOKUP ? 0.0 : DEFAULT_P_MIN;
    }

    /** Every setting at its default for {@code kind} ({@link #defaultPMin(DrafterKind)}). */
    public static DraftLength defaults(DrafterKind kind) {
        return new DraftLength(DEFAULT_DRAFT_MAX, DEFAULT_DRAFT_MIN, defaultPMin(kind), DEFAULT_TREE_NODES);
    }
}
