package org.logitlab.speculative;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.logitlab.constraint.Constraint;
import org.logitlab.constraint.Constraints;
import org.logitlab.constraint.TokenVocabulary;
import org.logitlab.sampling.SamplerChains;
import org.logitlab.sampling.SamplerSettings;
import org.logitlab.sampling.TokenLogProbs;
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

    /**
     * Tokens 0 "a", 1 "b", 2 "c", 3 ends generation; the language is (a|b)+. The root row's pick 2 is forbidden, so the
     * constrained pick is 1 (near-certain once 2 is masked); after "b" the text is complete and the pick 3 (end of
     * generation) is allowed.
     */
    @Test
    void constrainedRoundShapesTheMaskedRowAndReportsTheRawOne() {
        Logits rows = new Logits(0, 3, VOCABULARY, new float[] {
            0, 30, 31, 2, /* after node 0, "b" */ 0, 1, 2, 30, /* after node 1, the end */ 30, 0, 0, 0
        });
        byte[][] bytes = {{'a'}, {'b'}, {'c'}, {}};
        BitSet end = new BitSet();
        end.set(3);
        Constraint constraint = Constraints.gbnf("root ::= (\"a\" | \"b\")+", new TokenVocabulary(bytes, end));
        IntPredicate endsGeneration = token -> token == 3;
        // Node 2 lies below the end of generation and is cut: nothing after it would ever be emitted.
        DraftTree draft = DraftConstraint.prune(DraftTree.chain(new int[] {1, 3, 0}, null), constraint, endsGeneration);
        assertThat(draft.tokens()).containsExactly(1, 3);
        for (boolean greedy : new boolean[] {true, false}) {
            List<Emitted> emitted = new ArrayList<>();
            List<Double> sampledLogProbs = new ArrayList<>();
            VerificationRound.run(
                    draft,
                    VerificationRound.TargetRows.of(rows, 0, rows, 1),
                    ChainShaping.identity(VOCABULARY, greedy),
                    new DraftConstraint(draft, constraint, endsGeneration),
                    new SpeculativeSamplingVerifier(),
                    new SplittableRandom(3),
                    (token, logits, offset, shaped) -> {
                        emitted.add(new Emitted(token, offset));
                        sampledLogProbs.add(TokenLogProbs.sampledLogProb(shaped, 2));
                        return token == 3;
                    });
            assertThat(emitted)
                    .as("greedy %s: the constrained picks, each with the raw row it was chosen at", greedy)
                    .containsExactly(new Emitted(1, 0), new Emitted(3, 4));
            assertThat(sampledLogProbs)
                    .as("'c' is masked out of every shaped row")
                    .containsOnly(Double.NEGATIVE_INFINITY);
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
