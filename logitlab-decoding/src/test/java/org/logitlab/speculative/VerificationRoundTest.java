package org.logitlab.speculative;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.logitlab.sampling.SamplerChains;
import org.logitlab.sampling.SamplerSettings;
import org.logitlab.session.Logits;

/** One round on hand-made rows over 4 tokens, where the greedy pick after every row is known. */
class VerificationRoundTest {
    private static final int VOCABULARY = 4;

    /**
     * Root row picks 2, then the rows after draft nodes 0, 1, 2 pick 3, 1 and 0; the margins make the picks
     * near-certain (p > 1 − 1e-12) when sampling too.
     */
    private static final Logits ROWS = new Logits(0, 4, VOCABULARY, new float[] {
        0, 1, 30, 2, /* after node 0 */ 0, 1, 2, 30, /* after node 1 */ 1, 30, 0, 0, /* after node 2 */ 30, 0, 0, 1
    });

    private record Emitted(int token, int offset) {}

    @Test
    void greedyRoundKeepsTheMatchingPrefixAndEmitsThePickAfterIt() {
        DraftTree draft = DraftTree.chain(new int[] {2, 3, 0}, null); // the third draft token misses the pick 1
        List<Emitted> emitted = new ArrayList<>();
        Verification verification = VerificationRound.run(
                draft,
                VerificationRound.TargetRows.of(ROWS, 0, ROWS, 1),
                ChainShaping.identity(VOCABULARY, true),
                new SpeculativeSamplingVerifier(),
                new SplittableRandom(1),
                (token, logits, offset, shaped) -> {
                    emitted.add(new Emitted(token, offset));
                    return false;
                });
        assertThat(verification.acceptedNodes()).containsExactly(0, 1);
        assertThat(verification.nextToken()).isEqualTo(1);
        assertThat(emitted)
                .as("each token with the row it was chosen at")
                .containsExactly(new Emitted(2, 0), new Emitted(3, 4), new Emitted(1, 8));
    }

    @Test
    void stopsEmittingWhenTheSinkReportsTheEnd() {
        DraftTree draft = DraftTree.chain(new int[] {2, 3, 1}, null);
        for (boolean greedy : new boolean[] {true, false}) {
            List<Integer> emitted = new ArrayList<>();
            VerificationRound.run(
                    draft,
                    VerificationRound.TargetRows.of(ROWS, 0, ROWS, 1),
                    ChainShaping.identity(VOCABULARY, greedy),
                    new SpeculativeSamplingVerifier(),
                    new SplittableRandom(2),
                    (token, logits, offset, shaped) -> {
                        emitted.add(token);
                        return emitted.size() == 2;
                    });
            assertThat(emitted).as("greedy %s", greedy).hasSize(2);
        }
    }

    @Test
    void namesWhyAChainCannotBeVerified() {
        var greedy =
                SamplerChains.create(SamplerSettings.builder().temperature(0).build(), VOCABULARY, 8);
        var mirostat = SamplerChains.create(
                SamplerSettings.builder().mirostat(2).seed(1).build(), VOCABULARY, 8);
        assertThat(ChainShaping.unsupportedReason(greedy)).isNull();
        assertThat(ChainShaping.unsupportedReason(mirostat)).contains("mirostat");
    }
}
