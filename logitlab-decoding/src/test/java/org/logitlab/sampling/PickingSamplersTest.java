package org.logitlab.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class PickingSamplersTest {

    @Test
    void greedyPicksTheFirstHighestLogit() {
        Candidates candidates = Candidates.of(1f, 3f, 3f, 2f);
        new GreedySampler().apply(candidates);
        assertThat(candidates.selectedId()).isEqualTo(1);
    }

    @Test
    void distNeverPicksAMaskedToken() {
        DistributionSampler sampler = new DistributionSampler(3);
        for (int draw = 0; draw < 1000; draw++) {
            Candidates candidates = Candidates.of(Float.NEGATIVE_INFINITY, 0f, Float.NEGATIVE_INFINITY);
            sampler.apply(candidates);
            assertThat(candidates.selectedId()).isEqualTo(1);
        }
    }

    @Test
    void sameSeedGivesSamePicksAndCopyContinuesTheSameStream() {
        DistributionSampler first = new DistributionSampler(99);
        DistributionSampler second = new DistributionSampler(99);
        float[] logits = {0f, 0.5f, 1f, 1.5f};
        for (int draw = 0; draw < 50; draw++) {
            assertThat(pick(first, logits)).isEqualTo(pick(second, logits));
        }
        Sampler copy = first.copy();
        for (int draw = 0; draw < 50; draw++) {
            assertThat(pick(copy, logits)).isEqualTo(pick(first, logits));
        }
        first.reset();
        DistributionSampler fresh = new DistributionSampler(99);
        for (int draw = 0; draw < 50; draw++) {
            assertThat(pick(first, logits)).isEqualTo(pick(fresh, logits));
        }
    }

    @Test
    void mirostatV2TruncatesAboveMuAndAdaptsMu() {
        // p = (0.5, 0.25, 0.15, 0.1); τ = 1.2 → μ = 2.4 bits. Surprises −log₂ p = 1, 2, 2.74, 3.32 →
        // keep tokens 0 and 1, renormalised to (2/3, 1/3). Then μ ← μ − 0.1 · (−log₂ p(picked) − τ).
        MirostatV2Sampler sampler = new MirostatV2Sampler(5, 1.2, 0.1);
        Candidates candidates = Candidates.of(TruncationSamplersTest.halfQuarter());
        sampler.apply(candidates);
        assertThat(candidates.ids()).containsExactly(0, 1);
        double pickedProbability = candidates.selectedId() == 0 ? 2.0 / 3.0 : 1.0 / 3.0;
        double surprise = -Math.log(pickedProbability) / Math.log(2);
        assertThat(sampler.mu()).isCloseTo(2.4 - 0.1 * (surprise - 1.2), within(1e-5));
    }

    @Test
    void mirostatKeepsObservedSurpriseNearTau() {
        // Zipf-like logits over 1000 tokens; after many steps the average surprise of picked tokens —
        // measured, as llama.cpp's controller does, under the truncated distribution actually sampled
        // from — should settle near τ = 3 bits (Basu et al. 2021, the controller's purpose).
        float[] logits = new float[1000];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (-1.1 * Math.log(i + 1));
        }
        for (PickingSampler sampler : List.<PickingSampler>of(
                new MirostatSampler(logits.length, 17, 3.0, 0.1, 100), new MirostatV2Sampler(17, 3.0, 0.1))) {
            double totalSurprise = 0;
            int steps = 3000;
            double rawNormaliser =
                    org.logitlab.distribution.Distribution.of(logits).logSumExp();
            for (int step = 0; step < steps; step++) {
                Candidates candidates = Candidates.of(logits);
                sampler.apply(candidates);
                totalSurprise += -Math.log(candidates.probability(candidates.selected())) / Math.log(2);
            }
            assertThat(totalSurprise / steps).as(sampler.name()).isCloseTo(3.0, within(0.6));
        }
    }

    private static int pick(Sampler sampler, float[] logits) {
        Candidates candidates = Candidates.of(logits);
        sampler.apply(candidates);
        return candidates.selectedId();
    }
}
