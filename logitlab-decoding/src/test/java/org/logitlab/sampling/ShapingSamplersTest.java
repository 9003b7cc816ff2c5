package org.logitlab.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Known answers for samplers that reshape logits: temperature, bias, penalties, DRY. */
class ShapingSamplersTest {

    @Test
    void temperatureDividesLogits() {
        Candidates candidates = Candidates.of(1f, 2f);
        new TemperatureSampler(0.5).apply(candidates);
        assertThat(candidates.logits()).containsExactly(2f, 4f);
    }

    @Test
    void zeroTemperatureMasksAllButTheFirstTopToken() {
        Candidates candidates = Candidates.of(1f, 3f, 3f, 2f);
        new TemperatureSampler(0).apply(candidates);
        assertThat(candidates.probabilities()).containsExactly(0f, 1f, 0f, 0f);
    }

    @Test
    void dynamicTemperatureFollowsNormalisedEntropy() {
        // logits (ln 3, 0) → p = (0.75, 0.25); H = 0.2158 + 0.3466 = 0.5623; H / ln 2 = 0.8113.
        // T = 1, range 0.5 → T_min 0.5, T_max 1.5; exponent 1 → T = 0.5 + 1.0 · 0.8113 = 1.3113.
        Candidates candidates = Candidates.of((float) Math.log(3), 0f);
        new TemperatureSampler(1.0, 0.5, 1.0).apply(candidates);
        double entropy = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
        double temperature = 0.5 + entropy / Math.log(2);
        assertThat(temperature).isCloseTo(1.3113, within(1e-4));
        assertThat(candidates.logit(0)).isCloseTo((float) (Math.log(3) / temperature), within(1e-5f));
        assertThat(candidates.logit(1)).isZero();
    }

    @Test
    void logitBiasAddsToChosenTokensAndCanBanThem() {
        Candidates candidates = Candidates.of(0f, 0f, 0f);
        new LogitBiasSampler(Map.of(0, 1.5f, 2, Float.NEGATIVE_INFINITY)).apply(candidates);
        assertThat(candidates.logits()).containsExactly(1.5f, 0f, Float.NEGATIVE_INFINITY);
        assertThat(candidates.probability(2)).isZero();
        // works after reordering too (index ≠ id)
        Candidates sorted = Candidates.of(0f, 2f, 1f);
        sorted.sortByLogitDescending(); // ids (1, 2, 0)
        new LogitBiasSampler(Map.of(0, 5f)).apply(sorted);
        assertThat(sorted.logit(2)).isEqualTo(5f);
    }

    @Test
    void penaltiesFollowLlamaCpp() {
        // History 1, 1, 2 (window 3): count(1) = 2, count(2) = 1.
        // token 1: 2 / 2 = 1, then − (2 · 0.5 + 0.25) = −0.25.
        // token 2: −1 · 2 = −2, then − (1 · 0.5 + 0.25) = −2.75.  tokens 0 and 3 unchanged.
        PenaltiesSampler sampler = new PenaltiesSampler(3, 2.0, 0.5, 0.25);
        for (int token : new int[] {1, 1, 2}) {
            sampler.accept(token);
        }
        Candidates candidates = Candidates.of(2f, 2f, -1f, 0.5f);
        sampler.apply(candidates);
        assertThat(candidates.logits()).containsExactly(2f, -0.25f, -2.75f, 0.5f);
    }

    @Test
    void penaltiesForgetTokensThatLeaveTheWindow() {
        // Window 2 after 1, 1, 2 holds (1, 2): token 1 now counted once → 2 / 2 − (0.5 + 0.25) = 0.25.
        PenaltiesSampler sampler = new PenaltiesSampler(2, 2.0, 0.5, 0.25);
        for (int token : new int[] {1, 1, 2}) {
            sampler.accept(token);
        }
        assertThat(sampler.count(1)).isEqualTo(1);
        Candidates candidates = Candidates.of(2f, 2f, -1f, 0.5f);
        sampler.apply(candidates);
        assertThat(candidates.logit(1)).isEqualTo(0.25f);
        sampler.reset();
        Candidates afterReset = Candidates.of(2f, 2f, -1f, 0.5f);
        sampler.apply(afterReset);
        assertThat(afterReset.logits()).containsExactly(2f, 2f, -1f, 0.5f);
    }

    @Test
    void dryPenalisesTheTokenThatWouldExtendARepetition() {
        // History 0 1 2 0 1: the suffix "0 1" (length 2) occurred before, followed by 2, so emitting 2
        // extends a repeat of length 2 ≥ allowed 2 → penalty 1 · 2^(2 − 2) = 1. Nothing else repeats ≥ 2.
        DrySampler sampler = new DrySampler(100, 1.0, 2.0, 2, -1, List.of());
        for (int token : new int[] {0, 1, 2, 0, 1}) {
            sampler.accept(token);
        }
        Candidates candidates = Candidates.of(0f, 0f, 0f, 0f);
        sampler.apply(candidates);
        assertThat(candidates.logits()).containsExactly(0f, 0f, -1f, 0f);
    }

    @Test
    void dryPenaltyGrowsExponentiallyWithRepeatLength() {
        // History 0 1 2 3 0 1 2: "0 1 2" (length 3) repeats, next was 3 → penalty 1.5 · 2^(3 − 2) = 3.
        DrySampler sampler = new DrySampler(100, 1.5, 2.0, 2, -1, List.of());
        for (int token : new int[] {0, 1, 2, 3, 0, 1, 2}) {
            sampler.accept(token);
        }
        Candidates candidates = Candidates.of(0f, 0f, 0f, 0f);
        sampler.apply(candidates);
        assertThat(candidates.logits()).containsExactly(0f, 0f, 0f, -3f);
    }

    @Test
    void drySequenceBreakerStopsTheMatch() {
        // Same history as above, but token 1 is a breaker: scanning back, it sits 1 token from the end,
        // so repetitions may reach back only 1 token (< allowed 2) → no penalty.
        DrySampler sampler = new DrySampler(100, 1.5, 2.0, 2, -1, List.of(new int[] {1}));
        for (int token : new int[] {0, 1, 2, 3, 0, 1, 2}) {
            sampler.accept(token);
        }
        Candidates candidates = Candidates.of(0f, 0f, 0f, 0f);
        sampler.apply(candidates);
        assertThat(candidates.logits()).containsExactly(0f, 0f, 0f, 0f);
    }

    @Test
    void dryFindsTextBreakersInTokenPieces() {
        // Vocabulary: 0 "a", 1 "b", 2 "\n", 3 "c:". With breakers "\n" and ":", tokens 2 and 3 contain a
        // breaker; history "a b \n a b" then has a breaker 2 back, limiting repeats to length 2.
        String[] pieces = {"a", "b", "\n", "c:"};
        DrySampler sampler = DrySampler.withTextBreakers(
                100, 1.0, 2.0, 2, -1, List.of("\n", ":"), pieces.length, id -> pieces[id], null);
        for (int token : new int[] {0, 1, 2, 0, 1}) {
            sampler.accept(token);
        }
        // "a b" repeats (length 2) followed by "\n" — but "\n" is itself a single-token breaker and is
        // never penalised (llama.cpp), so nothing changes.
        Candidates candidates = Candidates.of(0f, 0f, 0f, 0f);
        sampler.apply(candidates);
        assertThat(candidates.logits()).containsExactly(0f, 0f, 0f, 0f);
    }

    @Test
    void statefulSamplersCopyTheirHistory() {
        PenaltiesSampler original = new PenaltiesSampler(4, 2.0, 0, 0);
        original.accept(1);
        Sampler copy = original.copy();
        original.accept(2);
        Candidates candidates = Candidates.of(2f, 2f, 2f);
        copy.apply(candidates);
        assertThat(candidates.logits()).containsExactly(2f, 1f, 2f); // the copy never saw token 2
    }
}
