package org.logitlab.speculative;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromptLookupDrafterTest {
    private static int[] draft(int[] context, int maxDepth) {
        DraftTree tree = new PromptLookupDrafter(3, 1).draft(new DraftRequest(context, maxDepth, maxDepth, null, null));
        assertThat(tree.isChain()).isTrue();
        return tree.tokens();
    }

    @Test
    void proposesWhatFollowedTheLongestMostRecentMatch() {
        // "2 3" last occurred at index 1 (the longest suffix with an earlier match), followed by 4 9
        assertThat(draft(new int[] {1, 2, 3, 4, 9, 7, 2, 3}, 2)).containsExactly(4, 9);
    }

    @Test
    void aMatchRunningIntoTheEndOfTheTextIsContinuedPeriodically() {
        // a loop of one token: the most recent match is one token back, yet the draft has full length
        assertThat(draft(new int[] {5, 8, 8, 8, 8}, 6)).containsExactly(8, 8, 8, 8, 8, 8);
        // period three
        assertThat(draft(new int[] {1, 2, 3, 1, 2, 3, 1}, 7)).containsExactly(2, 3, 1, 2, 3, 1, 2);
    }

    @Test
    void draftsNothingWithoutAMatch() {
        assertThat(draft(new int[] {1, 2, 3, 4}, 5)).isEmpty();
    }
}
