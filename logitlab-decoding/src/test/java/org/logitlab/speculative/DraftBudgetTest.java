package org.logitlab.speculative;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The pieces that bound model-free drafts: tree cuts by depth, acceptance history and the pass-cost fit. */
class DraftBudgetTest {
    /** Root children 0 and 1; 2 under 0; 3 under 2; 4 under 1. */
    private static final DraftTree TREE =
            new DraftTree(new int[] {10, 11, 12, 13, 14}, new int[] {-1, -1, 0, 2, 1}, new double[5][]);

    @Test
    void countsNodesUpToEachDepth() {
        assertThat(TREE.nodesUpToDepth()).containsExactly(0, 2, 4, 5);
    }

    @Test
    void truncatesToDepthKeepingParentsConsistent() {
        DraftTree cut = TREE.truncatedToDepth(2);
        assertThat(cut.tokens()).containsExactly(10, 11, 12, 14);
        assertThat(cut.parents()).containsExactly(-1, -1, 0, 1);
        assertThat(TREE.truncatedToDepth(0).isEmpty()).isTrue();
        assertThat(TREE.truncatedToDepth(3)).isSameAs(TREE);
    }

    @Test
    void findsTheFirstChildCarryingAToken() {
        assertThat(TREE.childWithToken(-1, 11)).isEqualTo(1);
        assertThat(TREE.childWithToken(0, 12)).isEqualTo(2);
        assertThat(TREE.childWithToken(0, 14)).isEqualTo(-1);
    }

    @Test
    void stopsDraftingWhereEstimatedAcceptanceFallsBelowPMin() {
        AcceptanceHistory history = new AcceptanceHistory(8);
        // Prior α = 1/2 per depth: 1/2, 1/4, 1/8 ≥ 0.1 > 1/16.
        assertThat(history.depth(8, 0, 0.1)).isEqualTo(3);
        for (int round = 0; round < 40; round++) {
            history.record(4, 0); // always rejected at depth 1
        }
        assertThat(history.rate(1)).isLessThan(0.1);
        assertThat(history.depth(8, 2, 0.1)).as("draftMin is always drafted").isEqualTo(2);
        assertThat(history.rate(2))
                .as("an unmeasured depth starts from its parent's rate")
                .isLessThan(0.2);
        int drafts = 0;
        for (int round = 0; round < 2 * AcceptanceHistory.EXPLORATION_PERIOD; round++) {
            drafts += history.depth(8, 0, 0.1);
        }
        assertThat(drafts).as("one exploring token every period").isEqualTo(2);
    }

    @Test
    void cutsTreesWhereExtraRowsCostMoreThanTheyAreExpectedToGain() {
        AcceptanceHistory history = new AcceptanceHistory(8);
        for (int round = 0; round < 40; round++) {
            history.record(3, 3); // always fully accepted: rates → ~1
        }
        PassCosts free = new PassCosts();
        PassCosts linear = new PassCosts();
        for (int round = 0; round < 2; round++) {
            for (int tokens = 1; tokens <= 6; tokens++) {
                free.record(tokens, 1_000_000);
                linear.record(tokens, tokens * 1_000_000L);
            }
        }
        assertThat(free.estimate(4)).isCloseTo(1_000_000, org.assertj.core.data.Offset.offset(1.0));
        assertThat(linear.estimate(4)).isCloseTo(4_000_000, org.assertj.core.data.Offset.offset(1.0));
        DraftTree chain = DraftTree.chain(new int[] {1, 2, 3}, null);
        assertThat(history.profitableDepth(chain, 1, free)).isEqualTo(3);
        AcceptanceHistory unlikely = new AcceptanceHistory(8);
        for (int round = 0; round < 40; round++) {
            unlikely.record(3, 0);
        }
        assertThat(unlikely.profitableDepth(chain, 1, linear)).isZero();
    }

    /**
     * Kernels that multiply four tokens per pass over the weights make cost a step function of the pass size: the
     * estimate follows the measured sizes instead of a line through them, so a draft filling the four-token pass is
     * seen to be nearly as cheap as drafting nothing.
     */
    @Test
    void followsStepShapedCostsInsteadOfALine() {
        PassCosts steps = new PassCosts();
        for (int round = 0; round < 10; round++) {
            steps.record(1, 1_000_000);
            steps.record(2, 2_000_000);
            steps.record(8, 4_000_000);
        }
        assertThat(steps.estimate(2)).isCloseTo(2_000_000, org.assertj.core.data.Offset.offset(1.0));
        assertThat(steps.estimate(5))
                .as("between measured sizes 2 and 8")
                .isCloseTo(3_000_000, org.assertj.core.data.Offset.offset(1.0));
        assertThat(steps.estimate(12))
                .as("beyond the largest size, never cheaper than it")
                .isGreaterThanOrEqualTo(4_000_000);
        for (int round = 0; round < 10; round++) {
            steps.record(4, 2_000_000);
        }
        AcceptanceHistory likely = new AcceptanceHistory(8);
        for (int round = 0; round < 40; round++) {
            likely.record(3, 3);
            likely.record(3, 2);
        }
        DraftTree chain = DraftTree.chain(new int[] {1, 2, 3}, null);
        assertThat(likely.profitableDepth(chain, 1, steps))
                .as("three drafts fill the four-token pass")
                .isEqualTo(3);
    }

    /**
     * The first pass of a size often pays for compiling its code. Measured in {@code generate}: a first two-token
     * pass took 200 ms against 6 ms single-token passes, and the old fit then priced nine tokens at over a second,
     * so drafting never resumed. One pass is not trusted: the size stays priced from its neighbours until it has run
     * again, and then its median counts.
     */
    @Test
    void aSingleSlowFirstPassDoesNotPriceDraftingOut() {
        PassCosts costs = new PassCosts();
        assertThat(costs.isEmpty()).isTrue();
        costs.record(1, 6_000_000);
        assertThat(costs.isEmpty()).as("one pass is not an estimate").isTrue();
        costs.record(1, 6_000_000);
        costs.record(2, 200_000_000);
        assertThat(costs.estimate(2))
                .as("unmeasured sizes are priced like the one measured")
                .isEqualTo(6_000_000);
        assertThat(costs.estimate(9)).isEqualTo(6_000_000);
        costs.record(2, 8_000_000);
        assertThat(costs.estimate(2)).as("the lower middle of {200 ms, 8 ms}").isEqualTo(8_000_000);
        assertThat(costs.estimate(9))
                .as("beyond the largest size: the slope between the two largest")
                .isEqualTo(22e6);
        costs.record(2, 9_000_000);
        costs.record(2, 7_000_000);
        assertThat(costs.estimate(2)).as("median of the recent passes").isEqualTo(8_000_000);
        AcceptanceHistory likely = new AcceptanceHistory(8);
        for (int round = 0; round < 40; round++) {
            likely.record(8, 8);
        }
        assertThat(likely.profitableDepth(DraftTree.chain(new int[] {1, 2, 3, 4, 5, 6, 7, 8}, null), 1, costs))
                .isEqualTo(8);
    }

    @Test
    void estimatesStayBetweenOneAndThatManySingleTokenPasses() {
        PassCosts costs = new PassCosts();
        for (int round = 0; round < 2; round++) {
            costs.record(1, 1_000_000);
            costs.record(4, 10_000_000); // slower than four single passes: noise, or a pass that hit a collection
            costs.record(6, 500_000);
        }
        assertThat(costs.estimate(4)).isEqualTo(4_000_000);
        assertThat(costs.estimate(6)).isEqualTo(1_000_000);
        assertThat(costs.estimate(64)).isBetween(1_000_000.0, 64_000_000.0);
    }
}
