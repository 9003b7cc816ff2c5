package org.logitlab.analysis.method;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.logitlab.analysis.scoring.ScoredText;
import org.logitlab.analysis.scoring.TokenRecord;
import org.logitlab.distribution.Distribution;

/**
 * Softmax ignores a constant added to a row of logits, so every method — a function of log-probs and their
 * moments — must too. Checked on random rows (seeded) for the methods the issue singles out and the rest.
 */
class InvariancePropertiesTest {

    @Property(tries = 100, seed = "2024")
    void everyMethodIsInvariantToAddingAConstantToAllLogits(
            @ForAll @IntRange(min = 0, max = 1_000_000) int seed,
            @ForAll @DoubleRange(min = -50, max = 50) double shift,
            @ForAll @IntRange(min = 1, max = 12) int length) {
        ScoredText original = randomText(seed, length, 0.0);
        ScoredText shifted = randomText(seed, length, shift);
        for (ScoringMethod method : ScoringMethods.all(ScoringMethods.Parameters.DEFAULT)) {
            if (method.needsReference()) {
                continue;
            }
            double expected = method.score(original).score();
            assertThat(method.score(shifted).score())
                    .as("%s after adding %s to every logit", method.name(), shift)
                    .isCloseTo(expected, within(1e-3 * Math.max(1.0, Math.abs(expected))));
        }
    }

    @Property(tries = 100, seed = "7")
    void minKPlusPlusIsInvariantToAddingAConstantToAllLogits(
            @ForAll @IntRange(min = 0, max = 1_000_000) int seed,
            @ForAll @DoubleRange(min = -100, max = 100) double shift) {
        MembershipMethod.MinKPlusPlus method = new MembershipMethod.MinKPlusPlus(0.2);
        double expected = method.score(randomText(seed, 20, 0.0)).score();
        assertThat(method.score(randomText(seed, 20, shift)).score()).isCloseTo(expected, within(1e-3));
    }

    @Property(tries = 100, seed = "11")
    void minKPlusPlusLiesWithinTheRangeOfTheStandardisedLogProbs(@ForAll @IntRange(min = 0, max = 1_000_000) int seed) {
        ScoredText text = randomText(seed, 15, 0.0);
        double score = new MembershipMethod.MinKPlusPlus(0.2).score(text).score();
        double[] standardised = text.records().stream()
                .mapToDouble(MembershipMethod.MinKPlusPlus::standardised)
                .toArray();
        assertThat(score)
                .isBetween(
                        java.util.Arrays.stream(standardised).min().orElseThrow() - 1e-12,
                        java.util.Arrays.stream(standardised).max().orElseThrow() + 1e-12);
    }

    /** {@code length} records over a 16-token vocabulary: Gaussian logits (σ = 3) plus {@code shift}. */
    static ScoredText randomText(int seed, int length, double shift) {
        Random random = new Random(seed);
        List<TokenRecord> records = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            float[] logits = new float[16];
            for (int v = 0; v < logits.length; v++) {
                logits[v] = (float) (3 * random.nextGaussian() + shift);
            }
            int token = random.nextInt(logits.length);
            records.add(TokenRecord.of(i + 1, token, "t" + token, Distribution.of(logits), 3));
        }
        return ScoredText.of(records);
    }
}
