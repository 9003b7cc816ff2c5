package org.logitlab.speculative;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SpeculativeSamplingTest {
    private static final double[] TARGET = {0.5, 0.3, 0.2, 0.0};
    private static final double[] DRAFT = {0.2, 0.6, 0.1, 0.1};

    @Test
    void acceptsWithTheRatioWorkedOutByHand() {
        // min(1, p/q): token 0 → min(1, 0.5/0.2) = 1; token 1 → 0.3/0.6 = 0.5; token 3 → 0/0.1 = 0.
        assertThat(SpeculativeSampling.acceptanceProbability(TARGET, DRAFT, 0)).isEqualTo(1.0);
        assertThat(SpeculativeSampling.acceptanceProbability(TARGET, DRAFT, 1)).isCloseTo(0.5, within(1e-12));
        assertThat(SpeculativeSampling.acceptanceProbability(TARGET, DRAFT, 3)).isZero();
    }

    @Test
    void residualIsTheNormalisedPositivePartWorkedOutByHand() {
        // max(0, p − q) = (0.3, 0, 0.1, 0), mass 0.4 → (0.75, 0, 0.25, 0).
        assertThat(SpeculativeSampling.residual(TARGET, DRAFT, 1))
                .containsExactly(new double[] {0.75, 0, 0.25, 0}, within(1e-12));
    }

    @Test
    void pointMassDraftAcceptsWithTargetProbabilityAndRemovesTheTokenOnRejection() {
        assertThat(SpeculativeSampling.acceptanceProbability(TARGET, null, 1)).isEqualTo(0.3);
        // p without token 1: (0.5, 0, 0.2, 0) / 0.7.
        assertThat(SpeculativeSampling.residual(TARGET, null, 1))
                .containsExactly(new double[] {0.5 / 0.7, 0, 0.2 / 0.7, 0}, within(1e-12));
    }

    /** Enumerating x ~ q: Σ_x q(x)·[a(x)·δ_x + (1 − a(x))·r_x] must equal p exactly (Leviathan et al. 2023, Thm 1). */
    @Test
    void oneStepOutputDistributionEqualsTargetByEnumeration() {
        Random random = new Random(11);
        for (int trial = 0; trial < 200; trial++) {
            double[] target = randomDistribution(random, 6);
            double[] draft = randomDistribution(random, 6);
            assertThat(oneStep(target, draft)).containsExactly(target, within(1e-12));
        }
    }

    @Test
    void pointMassDraftOutputEqualsTargetForEveryDraftedToken() {
        Random random = new Random(12);
        double[] target = randomDistribution(random, 5);
        for (int token = 0; token < 5; token++) {
            double accept = SpeculativeSampling.acceptanceProbability(target, null, token);
            double[] residual = SpeculativeSampling.residual(target, null, token);
            double[] output = new double[5];
            output[token] += accept;
            for (int id = 0; id < 5; id++) {
                output[id] += (1 - accept) * residual[id];
            }
            assertThat(output).containsExactly(target, within(1e-12));
        }
    }

    /**
     * Two siblings drawn without replacement from q, verified recursively (Jeon et al. 2024): enumerate x1 ~ q,
     * x2 ~ q without x1; the emitted token's distribution must be p.
     */
    @Test
    void twoSiblingsWithoutReplacementOutputEqualsTargetByEnumeration() {
        Random random = new Random(13);
        for (int trial = 0; trial < 100; trial++) {
            double[] target = randomDistribution(random, 5);
            double[] draft = randomDistribution(random, 5);
            if (java.util.Arrays.stream(draft).filter(x -> x > 0).count() < 2) {
                continue;
            }
            double[] output = new double[5];
            for (int first = 0; first < 5; first++) {
                if (draft[first] == 0 || draft[first] == 1) {
                    continue; // never drawn, or no second sibling to draw (re-drawn below with a fresh q)
                }
                double firstAccept = SpeculativeSampling.acceptanceProbability(target, draft, first);
                double[] residual = SpeculativeSampling.residual(target, draft, first);
                output[first] += draft[first] * firstAccept;
                double[] secondDraft = SpeculativeSampling.withoutTokens(draft, new int[] {first}, 1);
                double[] secondOutput = oneStep(residual, secondDraft);
                for (int id = 0; id < 5; id++) {
                    output[id] += draft[first] * (1 - firstAccept) * secondOutput[id];
                }
            }
            assertThat(output).containsExactly(target, within(1e-12));
        }
    }

    /**
     * A grammar constraint masks p (forbidden tokens get 0, the rest renormalised) while a drafter may leave q unmasked:
     * q's mass on forbidden tokens is never accepted, the residual max(0, p − q) gives those tokens nothing, and the
     * output is still exactly the masked p.
     */
    @Test
    void unmaskedDraftAgainstAMaskedTargetStillOutputsTheMaskedTarget() {
        Random random = new Random(14);
        for (int trial = 0; trial < 200; trial++) {
            double[] draft = randomDistribution(random, 6);
            double[] target = randomDistribution(random, 6);
            boolean[] forbidden = new boolean[6];
            double kept = 0;
            for (int id = 0; id < 6; id++) {
                forbidden[id] = random.nextBoolean();
                kept += forbidden[id] ? 0 : target[id];
            }
            if (!(kept > 0)) {
                continue;
            }
            for (int id = 0; id < 6; id++) {
                target[id] = forbidden[id] ? 0 : target[id] / kept;
            }
            for (int token = 0; token < 6; token++) {
                if (draft[token] > 0 && forbidden[token]) {
                    assertThat(SpeculativeSampling.acceptanceProbability(target, draft, token))
                            .isZero();
                    double[] residual = SpeculativeSampling.residual(target, draft, token);
                    for (int id = 0; id < 6; id++) {
                        if (forbidden[id]) {
                            assertThat(residual[id]).isZero();
                        }
                    }
                }
            }
            assertThat(oneStep(target, draft)).containsExactly(target, within(1e-12));
        }
    }

    @Test
    void samplingWithoutReplacementReturnsDistinctTokensWithMass() {
        double[] probabilities = {0.1, 0.0, 0.4, 0.3, 0.2};
        int[] tokens =
                SpeculativeSampling.sampleWithoutReplacement(probabilities, 10, new java.util.SplittableRandom(5));
        assertThat(tokens).hasSize(4).doesNotHaveDuplicates().doesNotContain(1);
    }

    private static double[] oneStep(double[] target, double[] draft) {
        double[] output = new double[target.length];
        for (int token = 0; token < target.length; token++) {
            if (draft[token] == 0) {
                continue;
            }
            double accept = SpeculativeSampling.acceptanceProbability(target, draft, token);
            double[] residual = SpeculativeSampling.residual(target, draft, token);
            output[token] += draft[token] * accept;
            for (int id = 0; id < target.length; id++) {
                output[id] += draft[token] * (1 - accept) * residual[id];
            }
        }
        return output;
    }

    /** A random distribution with some zero entries, so supports differ between p and q. */
    static double[] randomDistribution(Random random, int size) {
        double[] probabilities = new double[size];
        double total = 0;
        for (int i = 0; i < size; i++) {
            probabilities[i] = random.nextDouble() < 0.25 ? 0 : random.nextDouble();
            total += probabilities[i];
        }
        if (total == 0) {
            probabilities[0] = total = 1;
        }
        for (int i = 0; i < size; i++) {
            probabilities[i] /= total;
        }
        return probabilities;
    }
}
