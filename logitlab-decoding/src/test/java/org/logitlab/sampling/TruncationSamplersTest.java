package org.logitlab.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Known answers for the truncation samplers on hand-made distributions. */
class TruncationSamplersTest {
    /** Logits ln p for p = (0.5, 0.25, 0.15, 0.1). */
    static float[] halfQuarter() {
        return logitsOf(0.5, 0.25, 0.15, 0.1);
    }

    /** Logits ln p for p = (0.4, 0.3, 0.2, 0.06, 0.04). */
    static float[] fiveTokens() {
        return logitsOf(0.4, 0.3, 0.2, 0.06, 0.04);
    }

    static float[] logitsOf(double... probabilities) {
        float[] logits = new float[probabilities.length];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) Math.log(probabilities[i]);
        }
        return logits;
    }

    @Test
    void topKKeepsTheKHighestInOrder() {
        Candidates candidates = Candidates.of(1f, 4f, 2f, 3f);
        new TopKSampler(2).apply(candidates);
        assertThat(candidates.ids()).containsExactly(1, 3);
        assertThat(candidates.isSorted()).isTrue();
    }

    @Test
    void topKOfZeroKeepsEverything() {
        Candidates candidates = Candidates.of(1f, 4f, 2f);
        new TopKSampler(0).apply(candidates);
        assertThat(candidates.size()).isEqualTo(3);
    }

    @Test
    void topPTruncatesAtCumulativeMass() {
        // p = 0.7: 0.5 < 0.7, 0.5 + 0.25 = 0.75 ≥ 0.7 → tokens 0, 1; renormalised 2/3, 1/3.
        Candidates candidates = Candidates.of(halfQuarter());
        new TopPSampler(0.7, 0).apply(candidates);
        assertThat(candidates.ids()).containsExactly(0, 1);
        assertThat(candidates.probability(0)).isCloseTo(2f / 3f, within(1e-6f));
        // p = 0.8: 0.75 < 0.8, 0.9 ≥ 0.8 → three tokens.
        Candidates wider = Candidates.of(halfQuarter());
        new TopPSampler(0.8, 0).apply(wider);
        assertThat(wider.ids()).containsExactly(0, 1, 2);
    }

    @Test
    void topPHonoursMinKeep() {
        Candidates candidates = Candidates.of(halfQuarter());
        new TopPSampler(0.1, 3).apply(candidates);
        assertThat(candidates.ids()).containsExactly(0, 1, 2);
    }

    @Test
    void topPUsesThePartialSortPathOnALargeVocabulary() {
        // 2000 tokens: token 0 has logit 10, the rest 0 → p0 = e^10 / (e^10 + 1999) ≈ 0.9168 ≥ 0.9.
        float[] logits = new float[2000];
        logits[0] = 10f;
        Candidates candidates = Candidates.of(logits);
        new TopPSampler(0.9, 0).apply(candidates);
        assertThat(candidates.ids()).containsExactly(0);
        // p = 0.99 needs 0.9168 + n·(1/(e^10 + 1999)) ≥ 0.99 → n ≥ 0.0732 · 24025.5 ≈ 1758.4 → 1 + 1759
        // tokens, more than the 256 partially sorted first: the sampler must fall back to a full sort.
        Candidates more = Candidates.of(logits);
        new TopPSampler(0.99, 0).apply(more);
        double normaliser = Math.exp(10) + 1999;
        int expected = 1 + (int) Math.ceil((0.99 - Math.exp(10) / normaliser) * normaliser);
        assertThat(more.size()).isBetween(expected - 1, expected + 1);
        for (int i = 2; i < more.size(); i++) {
            assertThat(more.id(i)).isGreaterThan(more.id(i - 1)); // ties kept in id order
        }
    }

    @Test
    void minPKeepsTokensAboveAFractionOfTheTopProbability() {
        // min_p = 0.25: threshold 0.25 · 0.5 = 0.125 → keeps 0.5, 0.25, 0.15; drops 0.1.
        Candidates candidates = Candidates.of(halfQuarter());
        new MinPSampler(0.25, 0).apply(candidates);
        assertThat(candidates.ids()).containsExactly(0, 1, 2);
        // min_keep = 4 overrides it through the sorted path.
        Candidates kept = Candidates.of(halfQuarter());
        new MinPSampler(0.9, 4).apply(kept);
        assertThat(kept.size()).isEqualTo(4);
    }

    @Test
    void typicalKeepsTokensClosestToTheEntropy() {
        // H = −Σ p ln p = 0.3466 + 0.3466 + 0.2846 + 0.2303 = 1.2080 nats.
        // |−ln p − H| = |0.693 − 1.208| = 0.515, |1.386 − 1.208| = 0.178, |1.897 − 1.208| = 0.689, 1.095.
        // Most typical first: token 1 (mass 0.25, not > 0.5), then token 0 (0.75 > 0.5) → keep [1, 0].
        Candidates candidates = Candidates.of(halfQuarter());
        new TypicalSampler(0.5, 0).apply(candidates);
        assertThat(candidates.ids()).containsExactly(1, 0);
        assertThat(candidates.isSorted()).isFalse();
        assertThat(candidates.probability(0)).isCloseTo(1f / 3f, within(1e-6f));
    }

    @Test
    void topNSigmaMasksLogitsBelowMaxMinusNStandardDeviations() {
        // logits (0, 1, 2, 3, 10): mean 3.2, variance (10.24 + 4.84 + 1.44 + 0.04 + 46.24)/5 = 12.56,
        // σ = 3.544. n = 1: threshold 6.456 → only token 4; n = 2: threshold 2.912 → tokens 4 and 3.
        Candidates one = Candidates.of(0f, 1f, 2f, 3f, 10f);
        new TopNSigmaSampler(1.0).apply(one);
        assertThat(one.probability(0)).isEqualTo(1f);
        assertThat(one.id(0)).isEqualTo(4);
        Candidates two = Candidates.of(0f, 1f, 2f, 3f, 10f);
        new TopNSigmaSampler(2.0).apply(two);
        assertThat(two.ids()).startsWith(4, 3);
        assertThat(two.probability(1)).isCloseTo((float) (Math.exp(3) / (Math.exp(3) + Math.exp(10))), within(1e-7f));
        assertThat(two.probability(2)).isZero();
    }

    @Test
    void xtcRemovesAllTopChoicesButTheLeastLikelyOfThem() {
        // p = (0.4, 0.3, 0.2, 0.06, 0.04), threshold 0.1: tokens 0, 1, 2 reach it; all but the last of
        // them (token 2) are excluded → ids (2, 3, 4). probability 1 → always applies.
        Candidates candidates = Candidates.of(fiveTokens());
        new XtcSampler(1.0, 0.1, 1, 1234).apply(candidates);
        assertThat(candidates.ids()).containsExactly(2, 3, 4);
        // threshold 0.35: only token 0 reaches it → nothing to exclude.
        Candidates single = Candidates.of(fiveTokens());
        new XtcSampler(1.0, 0.35, 1, 1234).apply(single);
        assertThat(single.size()).isEqualTo(5);
        // threshold > 0.5 disables XTC.
        Candidates disabled = Candidates.of(fiveTokens());
        new XtcSampler(1.0, 0.6, 1, 1234).apply(disabled);
        assertThat(disabled.size()).isEqualTo(5);
    }

    @Test
    void epsilonDropsTokensBelowEpsilonButKeepsTheTopToken() {
        Candidates candidates = Candidates.of(fiveTokens());
        new EpsilonSampler(0.05).apply(candidates); // drops 0.04
        assertThat(candidates.ids()).containsExactly(0, 1, 2, 3);
        Candidates none = Candidates.of(fiveTokens());
        new EpsilonSampler(0.5).apply(none); // nothing reaches 0.5 → top token only
        assertThat(none.ids()).containsExactly(0);
    }

    @Test
    void etaThresholdShrinksWithEntropy() {
        // H = 0.3665 + 0.3612 + 0.3219 + 0.1688 + 0.1288 = 1.3472 nats; η = 0.1:
        // min(0.1, √0.1 · e^−1.3472 = 0.31623 · 0.26000 = 0.08222) = 0.08222 → drops 0.06 and 0.04.
        Candidates candidates = Candidates.of(fiveTokens());
        new EtaSampler(0.1).apply(candidates);
        assertThat(candidates.ids()).containsExactly(0, 1, 2);
    }

    @Test
    void disabledTruncationSamplersLeaveCandidatesAlone() {
        for (Sampler sampler : new Sampler[] {
            new TopPSampler(1.0, 0),
            new MinPSampler(0.0, 0),
            new TypicalSampler(1.0, 0),
            new TopNSigmaSampler(-1),
            new XtcSampler(0.0, 0.1, 1, 1),
            new EpsilonSampler(0),
            new EtaSampler(0)
        }) {
            Candidates candidates = Candidates.of(fiveTokens());
            sampler.apply(candidates);
            assertThat(candidates.ids()).as(sampler.name()).containsExactly(0, 1, 2, 3, 4);
        }
    }
}
