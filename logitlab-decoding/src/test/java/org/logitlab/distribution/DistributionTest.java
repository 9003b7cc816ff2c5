package org.logitlab.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DistributionTest {
    private static final double EPSILON = 1e-12;

    @Test
    void computesLogProbsOfAKnownDistribution() {
        // logits (0, ln 2, ln 3, ln 4): p = (1, 2, 3, 4) / 10, LSE = ln 10.
        Distribution distribution =
                Distribution.of(new float[] {0f, (float) Math.log(2), (float) Math.log(3), (float) Math.log(4)});
        assertThat(distribution.size()).isEqualTo(4);
        assertThat(distribution.logSumExp()).isCloseTo(Math.log(10), within(1e-7));
        assertThat(distribution.prob(0)).isCloseTo(0.1, within(1e-7));
        assertThat(distribution.prob(3)).isCloseTo(0.4, within(1e-7));
        assertThat(distribution.logProb(2)).isCloseTo(Math.log(0.3), within(1e-7));
        // H = −Σ p ln p = −(0.1 ln .1 + 0.2 ln .2 + 0.3 ln .3 + 0.4 ln .4) = 1.279854...
        double entropy = -(0.1 * Math.log(0.1) + 0.2 * Math.log(0.2) + 0.3 * Math.log(0.3) + 0.4 * Math.log(0.4));
        assertThat(distribution.entropy()).isCloseTo(entropy, within(1e-6));
        assertThat(distribution.meanLogProb()).isCloseTo(-entropy, within(1e-6));
        assertThat(distribution.argmax()).isEqualTo(3);
        assertThat(distribution.rank(3)).isEqualTo(1);
        assertThat(distribution.rank(0)).isEqualTo(4);
    }

    @Test
    void computesVarianceAndKurtosisOfLogProbUnderP() {
        // p = (1/2, 1/4, 1/4): log p = (−ln2, −2ln2, −2ln2); μ = −1.5 ln2.
        // deviations: (+0.5 ln2, −0.5 ln2, −0.5 ln2) → Var = 0.25 ln²2, E[d⁴] = 0.0625 ln⁴2, kurtosis = 1.
        Distribution distribution = Distribution.of(new float[] {(float) Math.log(2), 0f, 0f});
        double ln2 = Math.log(2);
        assertThat(distribution.meanLogProb()).isCloseTo(-1.5 * ln2, within(1e-7));
        assertThat(distribution.varianceLogProb()).isCloseTo(0.25 * ln2 * ln2, within(1e-7));
        assertThat(distribution.kurtosis()).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void uniformDistributionHasZeroVarianceAndUndefinedKurtosis() {
        Distribution distribution = Distribution.of(new float[] {3f, 3f, 3f, 3f, Float.NEGATIVE_INFINITY});
        assertThat(distribution.entropy()).isCloseTo(Math.log(4), within(EPSILON));
        assertThat(distribution.varianceLogProb()).isZero();
        assertThat(distribution.kurtosis()).isNaN();
    }

    @Test
    void maskedTokensHaveZeroProbabilityAndLowestRank() {
        Distribution distribution = Distribution.of(new float[] {Float.NEGATIVE_INFINITY, 1f, 2f});
        assertThat(distribution.logProb(0)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(distribution.prob(0)).isZero();
        assertThat(distribution.rank(0)).isEqualTo(3);
        assertThat(distribution.entropy()).isFinite();
    }

    @Test
    void staysFiniteForHugeLogits() {
        // Naive exp(1000) overflows; the max shift makes this (1000, 999) → p = (e/(e+1), 1/(e+1)).
        Distribution distribution = Distribution.of(new float[] {1000f, 999f});
        assertThat(distribution.prob(0)).isCloseTo(Math.E / (Math.E + 1), within(1e-9));
        assertThat(distribution.logSumExp()).isCloseTo(1000 + Math.log(1 + Math.exp(-1)), within(1e-9));
    }

    @Test
    void readsOneRowOfAPositionsByVocabularyArray() {
        float[] rows = {9f, 9f, 9f, 0f, 1f, 2f, 9f};
        Distribution row = Distribution.of(rows, 3, 3);
        assertThat(row.size()).isEqualTo(3);
        assertThat(row.argmax()).isEqualTo(2);
        assertThat(row.logProb(1))
                .isCloseTo(Distribution.of(new float[] {0f, 1f, 2f}).logProb(1), within(EPSILON));
    }

    @Test
    void copiesItsInput() {
        float[] logits = {1f, 2f};
        Distribution distribution = Distribution.of(logits);
        logits[0] = 100f;
        assertThat(distribution.argmax()).isEqualTo(1);
    }

    @Test
    void topKSortsByLogProbThenLowestId() {
        Distribution distribution = Distribution.of(new float[] {1f, 3f, 2f, 3f, 0f});
        assertThat(distribution.topK(3)).extracting(TokenLogProb::id).containsExactly(1, 3, 2);
        assertThat(distribution.topK(0)).extracting(TokenLogProb::id).containsExactly(1, 3, 2, 0, 4);
        assertThat(distribution.topK(99)).hasSize(5);
        assertThat(distribution.argmax()).isEqualTo(1);
    }

    @Test
    void topKAgreesWithAFullSortOnARandomVocabulary() {
        SplittableRandom random = new SplittableRandom(42);
        float[] logits = new float[5000];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) Math.round(random.nextGaussian() * 20) / 4f; // many ties
        }
        Distribution distribution = Distribution.of(logits);
        List<TokenLogProb> all = distribution.topK(0);
        List<TokenLogProb> top = distribution.topK(37);
        assertThat(top).isEqualTo(all.subList(0, 37));
        for (int i = 1; i < all.size(); i++) {
            TokenLogProb previous = all.get(i - 1);
            TokenLogProb current = all.get(i);
            assertThat(previous.logProb() > current.logProb()
                            || (previous.logProb() == current.logProb() && previous.id() < current.id()))
                    .as("order at %d", i)
                    .isTrue();
        }
    }

    @Test
    void temperatureSharpensAndFlattensWithoutChangingRanks() {
        // At T = 0.5 logits (0, ln 2) become (0, 2 ln 2): p = (1/5, 4/5).
        Distribution distribution = Distribution.of(new float[] {0f, (float) Math.log(2)});
        Distribution sharp = distribution.withTemperature(0.5);
        assertThat(sharp.prob(1)).isCloseTo(0.8, within(1e-7));
        assertThat(sharp.temperature()).isEqualTo(0.5);
        assertThat(distribution.withTemperature(1e6).entropy()).isCloseTo(Math.log(2), within(1e-6));
        assertThat(sharp.rank(0)).isEqualTo(2);
        // Tiny temperature must not overflow a float: 3e38 / 1e-3 would be +∞.
        Distribution extreme = Distribution.of(new float[] {3e38f, 0f}).withTemperature(1e-3);
        assertThat(extreme.prob(0)).isEqualTo(1.0);
    }

    @Test
    void rejectsInvalidInputNamingParameterAndValue() {
        assertThatThrownBy(() -> Distribution.of(new float[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("length must be > 0, got 0");
        assertThatThrownBy(() -> Distribution.of(new float[] {1f, Float.NaN}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("logits[1] is NaN");
        assertThatThrownBy(() -> Distribution.of(new float[] {Float.POSITIVE_INFINITY}))
                .hasMessageContaining("logits[0] is +Infinity");
        assertThatThrownBy(() -> Distribution.of(new float[] {Float.NEGATIVE_INFINITY}))
                .hasMessageContaining("all -Infinity");
        assertThatThrownBy(() -> Distribution.of(new float[4], 2, 3)).hasMessageContaining("offset=2, length=3");
        assertThatThrownBy(() -> Distribution.of(null)).hasMessageContaining("logits must not be null");
        Distribution distribution = Distribution.of(new float[] {1f, 2f});
        assertThatThrownBy(() -> distribution.withTemperature(0))
                .hasMessageContaining("temperature must be finite and > 0, got 0.0");
        assertThatThrownBy(() -> distribution.withTemperature(Double.NaN)).hasMessageContaining("got NaN");
        assertThatThrownBy(() -> distribution.topK(-1)).hasMessageContaining("k must be >= 0, got -1");
        assertThatThrownBy(() -> distribution.logProb(2))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("id must be in [0, 2), got 2");
    }
}
