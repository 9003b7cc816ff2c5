package org.logitlab.speculative;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The verifiers as black boxes on hand-made distributions over 3 tokens and two positions: drafts drawn from
 * q, verified against p, and the emitted two-token prefix compared with the exact p(a)·p(b | a).
 */
class VerifierStatisticsTest {
    private static final double[] P_FIRST = {0.6, 0.3, 0.1};
    private static final double[][] P_SECOND = {{0.2, 0.5, 0.3}, {0.7, 0.1, 0.2}, {0.1, 0.1, 0.8}};
    private static final double[] Q = {0.2, 0.3, 0.5};
    private static final int DRAWS = 200_000;

    @Test
    void linearSampledDraftReproducesTargetPairs() {
        SplittableRandom random = new SplittableRandom(1);
        long[] counts = new long[9];
        Verifier verifier = new SpeculativeSamplingVerifier();
        for (int draw = 0; draw < DRAWS; draw++) {
            int a = SpeculativeSampling.sample(Q, random);
            int b = SpeculativeSampling.sample(Q, random);
            DraftTree tree = DraftTree.chain(new int[] {a, b}, new double[][] {Q, Q});
            counts[pair(tree, verifier.verify(tree, targets(tree), random), random)]++;
        }
        assertMatchesTarget(counts);
    }

    @Test
    void deterministicChainReproducesTargetPairs() {
        SplittableRandom random = new SplittableRandom(2);
        long[] counts = new long[9];
        DraftTree tree = DraftTree.chain(new int[] {2, 2}, null);
        for (int draw = 0; draw < DRAWS; draw++) {
            counts[pair(tree, new SpeculativeSamplingVerifier().verify(tree, targets(tree), random), random)]++;
        }
        assertMatchesTarget(counts);
    }

    /**
     * Multi-draft: two root children drawn without replacement from q, each with one point-mass child. Only x1 = 2
     * is ever rejected here, leaving the residual δ_0, so whether x2 is judged against q or against q without x1
     * makes no difference to the law; {@link RecursiveRejectionVerifierTest} pins that conditioning down.
     */
    @Test
    void recursiveRejectionOverSampledSiblingsReproducesTargetPairs() {
        SplittableRandom random = new SplittableRandom(3);
        long[] counts = new long[9];
        Verifier verifier = new RecursiveRejectionVerifier();
        for (int draw = 0; draw < DRAWS; draw++) {
            int[] roots = SpeculativeSampling.sampleWithoutReplacement(Q, 2, random);
            DraftTree tree = new DraftTree(
                    new int[] {roots[0], roots[1], 0, 1}, new int[] {-1, -1, 0, 1}, new double[][] {Q, Q, null, null});
            counts[pair(tree, verifier.verify(tree, targets(tree), random), random)]++;
        }
        assertMatchesTarget(counts);
    }

    private static TargetDistributions targets(DraftTree tree) {
        return node -> node < 0 ? P_FIRST : P_SECOND[tree.tokens()[node]];
    }

    /** The first two emitted tokens as one category a·3 + b (drawing b from p when only one token was emitted). */
    private static int pair(DraftTree tree, Verification verification, SplittableRandom random) {
        int[] accepted = verification.acceptedNodes();
        int first = accepted.length > 0 ? tree.tokens()[accepted[0]] : verification.nextToken();
        int second = accepted.length > 1
                ? tree.tokens()[accepted[1]]
                : accepted.length == 1 ? verification.nextToken() : SpeculativeSampling.sample(P_SECOND[first], random);
        return first * 3 + second;
    }

    /**
     * Chi-square over the 9 pairs (8 degrees of freedom); χ²(0.999, 8) = 26.12, so a correct verifier fails with
     * probability 0.001 and the fixed seed keeps the outcome reproducible. A biased verifier (e.g. skipping the
     * residual) shifts several cells by > 1%, i.e. χ² in the thousands at 200,000 draws.
     */
    private static void assertMatchesTarget(long[] counts) {
        double chiSquare = 0;
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                double expected = P_FIRST[a] * P_SECOND[a][b] * DRAWS;
                double difference = counts[a * 3 + b] - expected;
                chiSquare += difference * difference / expected;
            }
        }
        assertThat(chiSquare).isLessThan(26.12);
    }
}
