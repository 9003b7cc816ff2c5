package org.logitlab.speculative;

/**
 * How often drafted tokens at each depth were accepted so far, for drafters that have no probability of their
 * own (prompt lookup, Token Recycling). The estimated chance that a whole draft of length d is accepted is
 * Π_{j ≤ d} α_j with α_j the acceptance rate at depth j among drafts that reached it; drafting stops where
 * that falls below {@link DraftLength#pMin()}, the same rule {@link DraftModelDrafter} applies to the draft
 * model's probabilities (SpecDec++, Huang et al. 2024). Every verified token costs a row of the target's
 * forward pass, so tokens that are almost never accepted make a pass slower without making it longer.
 *
 * <p>Rates are exponentially decayed so the estimate follows the text (a repetitive stretch makes lookup drafts
 * long again). The length depends only on earlier rounds, never on the tokens being drafted, so any length
 * keeps verification lossless. When the estimate allows no draft at all, one token is still drafted every
 * {@link #EXPLORATION_PERIOD} rounds, so the rates can recover.
 */
public final class AcceptanceHistory {
    /** Weight of the history at each update: about the last 1 / (1 − DECAY) = 16 drafts that reached a depth. */
    private static final double DECAY = 0.9375;

    /**
     * Prior: two pseudo-drafts at the rate of the depth above (α = 1/2 at depth 1). Deeper depths are reached
     * rarely, and a drafter that was right so far tends to stay right (lookup's copied stretches), so an
     * unmeasured depth starts from its parent's rate rather than from 1/2.
     */
    private static final double PRIOR_TRIED = 2.0;

    private static final double FIRST_DEPTH_PRIOR = 0.5;
    static final int EXPLORATION_PERIOD = 8;

    /** Share of the time spent on drafts the cost model advises against, to keep measuring their acceptance. */
    static final double EXPLORATION_SHARE = 0.03;

    private final double[] accepted;
    private final double[] tried;
    private int roundsWithoutDraft;
    private double explorationBudget;

    /** @param maximumDepth the longest draft whose depths are tracked */
    public AcceptanceHistory(int maximumDepth) {
        if (maximumDepth < 1) {
            throw new IllegalArgumentException("maximumDepth must be >= 1, got " + maximumDepth);
        }
        accepted = new double[maximumDepth];
        tried = new double[maximumDepth];
    }

    /** Estimated acceptance rate of a token at {@code depth} (1-based) given its parent was accepted. */
    double rate(int depth) {
        double prior = depth == 1 ? FIRST_DEPTH_PRIOR : rate(depth - 1);
        return (accepted[depth - 1] + PRIOR_TRIED * prior) / (tried[depth - 1] + PRIOR_TRIED);
    }

    /**
     * The longest depth ≤ {@code maximumDepth} whose estimated whole-draft acceptance stays ≥ {@code pMin}, at
     * least {@code minimumDepth}; with pMin = 0 every depth is allowed.
     */
    public int depth(int maximumDepth, int minimumDepth, double pMin) {
        int limit = Math.min(maximumDepth, accepted.length);
        double estimate = 1.0;
        int depth = 0;
        while (depth < limit) {
            estimate *= rate(depth + 1);
            if (depth >= minimumDepth && estimate < pMin) {
                break;
            }
            depth++;
        }
        if (depth == 0 && maximumDepth > 0 && ++roundsWithoutDraft >= EXPLORATION_PERIOD) {
            roundsWithoutDraft = 0;
            return 1;
        }
        return depth;
    }

    /**
     * The depth to cut {@code tree} at that maximises expected tokens per unit of time, (1 + Σ_{i ≤ d} Π_{j ≤ i}
     * α_j) / cost(prefix + nodes up to depth d), with the pass cost measured so far. Every cut that is not worth
     * its pass still keeps one level now and then ({@link #EXPLORATION_SHARE} of the time), so the rates keep
     * being measured and drafting resumes when the text turns repetitive.
     */
    int profitableDepth(DraftTree tree, int prefix, PassCosts costs) {
        int[] nodes = tree.nodesUpToDepth();
        int deepest = Math.min(nodes.length - 1, accepted.length);
        if (deepest == 0 || costs.isEmpty()) {
            return deepest;
        }
        double expectedTokens = 1.0, reached = 1.0;
        int best = 0;
        double bestRate = prefix == 0 ? Double.POSITIVE_INFINITY : 1.0 / costs.estimate(prefix);
        for (int depth = 1; depth <= deepest; depth++) {
            reached *= rate(depth);
            expectedTokens += reached;
            double tokensPerNanosecond = expectedTokens / costs.estimate(prefix + nodes[depth]);
            if (tokensPerNanosecond > bestRate) {
                bestRate = tokensPerNanosecond;
                best = depth;
            }
        }
        if (best == 0) {
            // Explore with one level once the skipped rounds have saved enough to pay for it, so exploring costs
            // about EXPLORATION_SHARE of the time however expensive the extra rows are.
            double plainPass = costs.estimate(prefix);
            double extraRows = costs.estimate(prefix + nodes[1]) - plainPass;
            explorationBudget += EXPLORATION_SHARE * plainPass;
            if (explorationBudget >= extraRows) {
                explorationBudget = 0.0;
                return 1;
            }
        }
        return best;
    }

    /** Records a verified draft: {@code acceptedLength} of its first tokens along the kept path were accepted. */
    public void record(int draftDepth, int acceptedLength) {
        int reached = Math.min(draftDepth, Math.min(acceptedLength + 1, tried.length));
        for (int depth = 0; depth < reached; depth++) {
            tried[depth] = tried[depth] * DECAY + 1.0;
            accepted[depth] = accepted[depth] * DECAY + (depth < acceptedLength ? 1.0 : 0.0);
        }
    }
}
