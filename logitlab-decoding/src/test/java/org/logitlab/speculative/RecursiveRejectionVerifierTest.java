package org.logitlab.speculative;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Recursive rejection sampling without replacement (Jeon et al. 2024, "Recursive Speculative Decoding") on
 * sibling drafts drawn from one q, with p and q chosen so that the without-replacement conditioning matters: q
 * favours a token the target dislikes, so q with that token removed is far from q. Judging a later sibling
 * against q itself, or forgetting to carry the residual from one rejection to the next, then emits a visibly
 * different law (the total-variation distances below were computed by enumerating the draws exactly).
 *
 * <p>Worked example used throughout, k = 2 siblings x1, x2 drawn without replacement from q:
 *
 * <pre>
 *   p = (0.1, 0.3, 0.3, 0.3)    q = (0.6, 0.2, 0.1, 0.1)
 *
 *   x1 = 0 (prob 0.6): a1 = p(0)/q(0) = 1/6. On rejection the target becomes
 *       r2 = norm(max(0, p − q)) = (0, 0.1, 0.2, 0.2) / 0.5 = (0, 1/5, 2/5, 2/5)
 *     and x2 is drawn from q2 = q without 0 = (0, 1/2, 1/4, 1/4):
 *       x2 = 1 (prob 1/2): a2 = r2(1)/q2(1) = (1/5)/(1/2) = 2/5; on rejection
 *           r3 = norm(max(0, r2 − q2)) = norm(0, 0, 3/20, 3/20) = (0, 0, 1/2, 1/2)
 *       x2 = 2 or 3 (1/4 each): a2 = min(1, (2/5)/(1/4)) = 1
 *   x1 = 1, 2, 3: p ≥ q there, a1 = 1.
 *
 *   P(sibling 1 accepted) = Σ min(p, q) = 0.5, by token (0.1, 0.2, 0.1, 0.1)
 *   P(sibling 2 accepted) = 0.6·5/6·(1/2·2/5 + 1/4 + 1/4) = 0.35, by token (0, 0.1, 0.125, 0.125)
 *   P(both rejected)      = 0.5·1/2·3/5 = 0.15, drawn from (0, 0, 1/2, 1/2): (0, 0, 0.075, 0.075)
 *   emitted token: (0.1, 0.3, 0.3, 0.3) = p.
 * </pre>
 *
 * Mutations: judging x2 against q instead of q2 gives a2 = min(1, (1/5)/(1/5)) = 1 for x2 = 1, so sibling 2 is
 * always accepted and the emitted law is (0.1, 0.45, 0.225, 0.225), TV 0.15 from p. Computing r3 from p instead of
 * r2 gives r3 = norm(max(0, p − q2)) = (1/2, 0, 1/4, 1/4), emitted law (0.175, 0.3, 0.2625, 0.2625), TV 0.075.
 * Judging x2 against p instead of r2 gives a2 = 0.3/0.5 = 3/5, emitted law (0.1, 0.35, 0.275, 0.275), TV 0.05.
 *
 * <p>The exact tests script the uniforms: the verifier draws one uniform per sibling it tries, accepting when it is
 * below the acceptance probability (Leviathan et al. 2023, Algorithm 1), then one for the token it emits, by
 * inversion of the cumulative distribution in token order ({@link SpeculativeSampling#sample}).
 */
class RecursiveRejectionVerifierTest {
    private static final double[] P = {0.1, 0.3, 0.3, 0.3};
    private static final double[] Q = {0.6, 0.2, 0.1, 0.1};
    /** The target after an accepted sibling: only its bonus token depends on it, and these tests ignore that. */
    private static final double[] P_AFTER = {0.25, 0.25, 0.25, 0.25};

    private static final double JUST = 1e-9;
    /** A uniform that rejects every sibling whose acceptance probability is below 1. */
    private static final double REJECT = 1 - JUST;
    /** The uniform for the bonus token after an accepted sibling. */
    private static final double BONUS = 0.5;
    /** The uniform for the token drawn from the residual after every sibling was rejected. */
    private static final double RESIDUAL = 0.5;

    private static final int STAGE_DRAWS = 200_000;
    private static final int MARGINAL_DRAWS = 100_000;

    private static final Verifier VERIFIER = new RecursiveRejectionVerifier();

    @Test
    void firstSiblingIsAcceptedWithProbabilityPOverQ() {
        // x1 = 0: a1 = 0.1 / 0.6 = 1/6.
        assertThat(verifyZeroThenOne(1.0 / 6 - JUST, BONUS).acceptedNodes()).containsExactly(0);
        assertThat(verifyZeroThenOne(1.0 / 6 + JUST, REJECT, RESIDUAL).acceptedNodes())
                .doesNotContain(0);
    }

    @Test
    void secondSiblingIsJudgedAgainstTheResidualAndTheDraftWithoutTheFirstSibling() {
        // After x1 = 0 is rejected: a2 = r2(1) / q2(1) = (1/5) / (1/2) = 2/5. Against q itself it would be
        // min(1, (1/5) / (1/5)) = 1 (always accepted); against p instead of r2 it would be 0.3 / 0.5 = 3/5.
        assertThat(verifyZeroThenOne(REJECT, 0.4 - JUST, BONUS).acceptedNodes()).containsExactly(1);
        assertThat(verifyZeroThenOne(REJECT, 0.4 + JUST, RESIDUAL).acceptedNodes())
                .as("x2 = 1 must be rejected for a uniform above 2/5")
                .isEmpty();
    }

    @Test
    void bothRejectedDrawsFromTheResidualLeftByBothRejections() {
        // r3 = norm(max(0, r2 − q2)) = (0, 0, 1/2, 1/2): tokens 0 and 1 have no mass, token 2 takes uniforms below
        // 1/2. Were r3 computed from p instead of r2 it would be (1/2, 0, 1/4, 1/4), and token 0 would come first.
        assertThat(verifyZeroThenOne(REJECT, REJECT, JUST).nextToken()).isEqualTo(2);
        assertThat(verifyZeroThenOne(REJECT, REJECT, 0.5 - JUST).nextToken()).isEqualTo(2);
        assertThat(verifyZeroThenOne(REJECT, REJECT, 0.5 + JUST).nextToken()).isEqualTo(3);
        assertThat(verifyZeroThenOne(REJECT, REJECT, REJECT).nextToken()).isEqualTo(3);
    }

    /**
     * The joint law of (which sibling was accepted, or none; emitted token) over {@value #STAGE_DRAWS} seeded draws
     * of x1, x2 from q without replacement, against the worked-out table in the class comment. The with-replacement
     * mutation moves 0.15 of mass (sibling 2 accepts token 1 with 0.25 instead of 0.1, and nothing is ever left to
     * the residual), the residual-from-p mutation 0.075, the accept-against-p mutation 0.05; the bound is 0.01. Over
     * the 12 cells a correct verifier exceeds it with probability ≤ 2^12·exp(−2Nε²) = 4096·e^−40 < 1e−13
     * (Bretagnolle–Huber–Carol, N = 200,000, ε = 0.01), and the seed is fixed besides.
     */
    @Test
    void siblingStagesFollowTheWorkedOutLaw() {
        double[][] expected = {
            {0.1, 0.2, 0.1, 0.1}, // sibling 1 accepted, by token: Σ = 0.5
            {0.0, 0.1, 0.125, 0.125}, // sibling 2 accepted after sibling 1 was rejected: Σ = 0.35
            {0.0, 0.0, 0.075, 0.075} // both rejected, token drawn from r3 = (0, 0, 1/2, 1/2): Σ = 0.15
        };
        SplittableRandom random = new SplittableRandom(21);
        long[][] counts = new long[3][4];
        for (int draw = 0; draw < STAGE_DRAWS; draw++) {
            DraftTree tree = siblings(SpeculativeSampling.sampleWithoutReplacement(Q, 2, random), Q);
            Verification verification = VERIFIER.verify(tree, targets(P), random);
            int stage = verification.acceptedCount() == 0 ? 2 : verification.acceptedNodes()[0];
            int token = stage == 2 ? verification.nextToken() : tree.tokens()[stage];
            counts[stage][token]++;
        }
        double distance = 0;
        for (int stage = 0; stage < 3; stage++) {
            for (int token = 0; token < 4; token++) {
                distance += Math.abs((double) counts[stage][token] / STAGE_DRAWS - expected[stage][token]) / 2;
            }
        }
        assertThat(distance)
                .as(
                        "TV between the observed (stage, token) counts %s and the worked-out law",
                        Arrays.deepToString(counts))
                .isLessThan(0.01);
    }

    /**
     * A target, a draft and a sibling count, with the total-variation distance from p of the emitted law under the
     * three mutations (exact, by enumerating the draws): judging later siblings against q instead of q without the
     * earlier ones ("with replacement"), computing each residual from p instead of the previous residual, and judging
     * later siblings against p instead of the residual.
     */
    record Case(String name, double[] target, double[] draft, int siblings, String mutationDistances) {
        @Override
        public String toString() {
            return name + " (mutations: " + mutationDistances + ")";
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case(
                        "the worked example",
                        P,
                        Q,
                        2,
                        "with replacement 0.15, residual from p 0.075, accept against p 0.05"),
                new Case(
                        "three tokens, q on the token p dislikes",
                        new double[] {0.05, 0.5, 0.45},
                        new double[] {0.75, 0.2, 0.05},
                        2,
                        "with replacement 0.26, residual from p 0.0433, accept against p 0.05"),
                new Case(
                        "three siblings, p forbids q's favourite as a grammar mask would",
                        new double[] {0.0, 0.1, 0.2, 0.3, 0.4},
                        new double[] {0.4, 0.3, 0.1, 0.1, 0.1},
                        3,
                        "with replacement 0.0967, residual from p 0.0733, accept against p 0.0901"));
    }

    /**
     * The emitted first token over {@value #MARGINAL_DRAWS} seeded draws must follow p within total variation 0.015.
     * By the Bretagnolle–Huber–Carol inequality, P(‖p̂ − p‖₁ ≥ 2ε) ≤ 2^V·exp(−2Nε²) ≈ 32·e^−45 < 1e−17 for V ≤ 5,
     * N = 100,000, ε = 0.015, so a correct verifier cannot fail (and the seed is fixed besides); every mutation in
     * {@link #cases()} is at least 0.043 from p, so its sample lies at least 0.028 from p with the same certainty.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void emittedTokenFollowsTheTarget(Case example) {
        SplittableRandom random = new SplittableRandom(22);
        int vocabulary = example.target().length;
        long[] counts = new long[vocabulary];
        for (int draw = 0; draw < MARGINAL_DRAWS; draw++) {
            int[] drafted = SpeculativeSampling.sampleWithoutReplacement(example.draft(), example.siblings(), random);
            DraftTree tree = siblings(drafted, example.draft());
            Verification verification = VERIFIER.verify(tree, targets(example.target()), random);
            counts[
                    verification.acceptedCount() == 0
                            ? verification.nextToken()
                            : tree.tokens()[verification.acceptedNodes()[0]]]++;
        }
        double distance = 0;
        for (int token = 0; token < vocabulary; token++) {
            distance += Math.abs((double) counts[token] / MARGINAL_DRAWS - example.target()[token]) / 2;
        }
        assertThat(distance)
                .as(
                        "TV between the emitted tokens %s and p = %s",
                        Arrays.toString(counts), Arrays.toString(example.target()))
                .isLessThan(0.015);
    }

    /** Siblings x1 = 0, x2 = 1 drawn from {@link #Q}, verified with the given uniforms. */
    private static Verification verifyZeroThenOne(double... uniforms) {
        ScriptedUniforms random = new ScriptedUniforms(uniforms);
        Verification verification = VERIFIER.verify(siblings(new int[] {0, 1}, Q), targets(P), random);
        random.assertUsedUp();
        return verification;
    }

    /** The drafted tokens as children of the root, in draw order, all drawn from one {@code draft} array. */
    private static DraftTree siblings(int[] tokens, double[] draft) {
        int[] parents = new int[tokens.length];
        Arrays.fill(parents, -1);
        double[][] proposals = new double[tokens.length][];
        Arrays.fill(proposals, draft);
        return new DraftTree(tokens, parents, proposals);
    }

    private static TargetDistributions targets(double[] target) {
        return node -> node < 0 ? target : P_AFTER;
    }

    /** Hands out the given uniforms in order and fails on any other use, so the script must match exactly. */
    private static final class ScriptedUniforms implements RandomGenerator {
        private final double[] uniforms;
        private int next;

        ScriptedUniforms(double[] uniforms) {
            this.uniforms = uniforms.clone();
        }

        @Override
        public double nextDouble() {
            if (next >= uniforms.length) {
                throw new IllegalStateException("the verifier asked for uniform #" + (next + 1) + ", only "
                        + uniforms.length + " were scripted: " + Arrays.toString(uniforms));
            }
            return uniforms[next++];
        }

        @Override
        public long nextLong() {
            throw new UnsupportedOperationException("only nextDouble() is scripted");
        }

        void assertUsedUp() {
            assertThat(next)
                    .as("uniforms used of %s", Arrays.toString(uniforms))
                    .isEqualTo(uniforms.length);
        }
    }
}
