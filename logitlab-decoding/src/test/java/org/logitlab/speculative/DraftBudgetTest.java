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
        for (int tokens = 1; tokens <= 6; tokens++) {
            free.record(tokens, 1_000_000);
            linear.record(tokens, tokens * 1_000_000L);
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
}
