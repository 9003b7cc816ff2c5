package org.logitlab.analysis.method;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.logitlab.analysis.method.HandMadeTexts.LN2;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.logitlab.analysis.membership.TokenFrequencies;
import org.logitlab.analysis.scoring.CrossStatistics;
import org.logitlab.analysis.scoring.ScoredText;
import org.logitlab.analysis.scoring.TokenRecord;

/** Every formula on {@link HandMadeTexts}, with the numbers worked out in the comments (ℓ = ln 2 = 0.693147). */
class KnownAnswerTest {
    private static final double TOLERANCE = 1e-6;
    private final ScoredText text = HandMadeTexts.threeTokens();

    private static double score(String method, ScoredText text) {
        return ScoringMethods.byName(method, ScoringMethods.Parameters.DEFAULT)
                .score(text)
                .score();
    }

    @Test
    void recordsCarryTheDistributionsMoments() {
        TokenRecord first = text.records().get(0);
        assertThat(first.logProb()).isCloseTo(-LN2, within(TOLERANCE));
        assertThat(first.entropy()).isCloseTo(1.5 * LN2, within(TOLERANCE));
        assertThat(first.meanLogProb()).isCloseTo(-1.5 * LN2, within(TOLERANCE));
        assertThat(first.varianceLogProb()).isCloseTo(LN2 * LN2 / 4, within(TOLERANCE));
        assertThat(first.kurtosis()).isCloseTo(1.0, within(TOLERANCE));
        assertThat(text.records().get(1).rank()).isEqualTo(2); // 1/4 ties with 1/4; only 1/2 is strictly above
        assertThat(text.records().get(2).kurtosis()).isNaN();
    }

    @Test
    void uncertaintyScoresMatchHandComputation() {
        // −Σ log p = ℓ + 2ℓ + 2ℓ = 5ℓ
        assertThat(score("sequence-probability", text)).isCloseTo(5 * LN2, within(TOLERANCE));
        // exp(5ℓ/3) = 2^(5/3) = 3.174802
        assertThat(score("perplexity", text)).isCloseTo(3.174802, within(TOLERANCE));
        // (1.5ℓ + 1.5ℓ + 2ℓ) / 3 = 5ℓ/3 = 1.155245
        assertThat(score("mean-entropy", text)).isCloseTo(1.155245, within(TOLERANCE));
        // 1 − 2^(−5/3) = 1 − 0.314980 = 0.685020
        assertThat(score("geometric-mean-prob", text)).isCloseTo(0.685020, within(TOLERANCE));
        // 1 − (1/2 + 1/4 + 1/4) / 3 = 2/3
        assertThat(score("arithmetic-mean-prob", text)).isCloseTo(2.0 / 3.0, within(TOLERANCE));
        // kurtosis 1 and 1; the uniform distribution has none and is skipped: −(1 + 1)/2 = −1
        assertThat(score("mean-kurtosis", text)).isCloseTo(-1.0, within(TOLERANCE));
    }

    @Test
    void detectionScoresMatchHandComputation() {
        // (−ℓ − 2ℓ − 2ℓ) / 3 = −1.155245
        assertThat(score("log-likelihood", text)).isCloseTo(-1.155245, within(TOLERANCE));
        // −(ln 1 + ln 2 + ln 1) / 3 = −0.231049
        assertThat(score("log-rank", text)).isCloseTo(-LN2 / 3, within(TOLERANCE));
        // −5ℓ/3
        assertThat(score("entropy", text)).isCloseTo(-1.155245, within(TOLERANCE));
        // −Σ log p / Σ log r = 5ℓ / ℓ = 5
        assertThat(score("lrr", text)).isCloseTo(5.0, within(TOLERANCE));
    }

    @Test
    void fastDetectGptWithOneModelUsesThePredictingDistributionsMoments() {
        // tokens 0, 0 of (1/2,1/4,1/4) and token 3 of uniform: Σ log p = −ℓ − ℓ − 2ℓ = −4ℓ; Σ μ = −1.5ℓ − 1.5ℓ − 2ℓ
        // = −5ℓ; Σ σ² = ℓ²/4 + ℓ²/4 + 0 = ℓ²/2; d = ℓ / (ℓ/√2) = √2
        ScoredText twice = ScoredText.of(List.of(
                HandMadeTexts.record(1, 0, "a", HandMadeTexts.halfQuarterQuarter()),
                HandMadeTexts.record(2, 0, "a", HandMadeTexts.halfQuarterQuarter()),
                HandMadeTexts.record(3, 3, "c", HandMadeTexts.uniformFour())));
        assertThat(score("fast-detectgpt", twice)).isCloseTo(Math.sqrt(2), within(TOLERANCE));
    }

    @Test
    void crossStatisticsTakeTheScoringLogProbUnderTheSamplingDistribution() {
        // p = (1/2,1/4,1/4) → log p = (−ℓ, −2ℓ, −2ℓ); q = (1/4,1/2,1/4)
        // E_q[log p] = −ℓ/4 − ℓ − ℓ/2 = −1.75ℓ; Var_q[log p]: −ℓ with mass 1/4, −2ℓ with 3/4 → (1/4)(3/4)ℓ² = 0.1875ℓ²
        // E_p[log q] = (1/2)(−2ℓ) + (1/4)(−ℓ) + (1/4)(−2ℓ) = −1.75ℓ
        CrossStatistics statistics =
                HandMadeTexts.oneTokenWithReference().cross().get(0);
        assertThat(statistics.referenceLogProb()).isCloseTo(-2 * LN2, within(TOLERANCE));
        assertThat(statistics.meanLogProbUnderReference()).isCloseTo(-1.75 * LN2, within(TOLERANCE));
        assertThat(statistics.varianceLogProbUnderReference()).isCloseTo(0.1875 * LN2 * LN2, within(TOLERANCE));
        assertThat(statistics.meanReferenceLogProbUnderModel()).isCloseTo(-1.75 * LN2, within(TOLERANCE));
    }

    @Test
    void fastDetectGptWithAReferenceUsesTheCrossMoments() {
        // (log p − E_q[log p]) / sqrt(Var_q[log p]) = (−ℓ + 1.75ℓ) / (ℓ·sqrt(0.1875)) = 0.75 / 0.433013 = √3
        assertThat(score("fast-detectgpt", HandMadeTexts.oneTokenWithReference()))
                .isCloseTo(Math.sqrt(3), within(TOLERANCE));
    }

    @Test
    void binocularsDividesObserverLogPerplexityByCrossPerplexity() {
        // log PPL = ℓ; log X-PPL = −E_p[log q] = 1.75ℓ; B = 1/1.75 = 0.571429; score −B
        assertThat(score("binoculars", HandMadeTexts.oneTokenWithReference())).isCloseTo(-1 / 1.75, within(TOLERANCE));
    }

    @Test
    void binocularsWithoutAReferenceNamesTheMissingOption() {
        assertThatThrownBy(() -> score("binoculars", text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("binoculars needs a reference model")
                .hasMessageContaining("--reference-model");
    }

    @Test
    void membershipScoresMatchHandComputation() {
        // −loss = −5ℓ/3
        assertThat(score("loss", text)).isCloseTo(-1.155245, within(TOLERANCE));
        // zlib("abc") is 11 bytes (as Python's len(zlib.compress(b"abc"))): −1.155245 / 11 = −0.105022
        assertThat(MembershipMethod.ZlibRatio.zlibLength("abc")).isEqualTo(11);
        assertThat(score("zlib", text)).isCloseTo(-1.155245 / 11, within(TOLERANCE));
        // k = 0.2 of 3 tokens → ⌈0.6⌉ = 1 lowest log p: −2ℓ
        assertThat(score("min-k", text)).isCloseTo(-2 * LN2, within(TOLERANCE));
        // k = 0.5 → ⌈1.5⌉ = 2 lowest z; z = (−ℓ + 1.5ℓ)/(ℓ/2) = 1, (−2ℓ + 1.5ℓ)/(ℓ/2) = −1, 0 (σ = 0) → (−1 + 0)/2
        assertThat(new MembershipMethod.MinKPlusPlus(0.5).score(text).score()).isCloseTo(-0.5, within(TOLERANCE));
    }

    @Test
    void dcPddCapsTheDivergenceAndCountsFirstOccurrencesOnly() {
        // counts (3, 1, 0, 0): N = 4, |V| = 4 → f = (4/8, 2/8, 1/8, 1/8)
        // α = −p log f: token 0: −(1/2) ln(1/2) = 0.5ℓ = 0.346574; token 1: −(1/4) ln(1/4) = 0.5ℓ;
        // token 3: −(1/4) ln(1/8) = 0.75ℓ = 0.519860
        TokenFrequencies frequencies = TokenFrequencies.ofCounts(new long[] {3, 1, 0, 0});
        double uncapped =
                new MembershipMethod.DcPdd(frequencies, 1.0).score(text).score();
        assertThat(uncapped).isCloseTo(1.75 * LN2 / 3, within(TOLERANCE)); // 0.404336
        // cap 0.4 trims only token 3: (0.346574 + 0.346574 + 0.4) / 3 = 0.364383
        double capped = new MembershipMethod.DcPdd(frequencies, 0.4).score(text).score();
        assertThat(capped).isCloseTo(0.364383, within(TOLERANCE));
        // a repeat of token 0 adds nothing: the mean stays over the 1 first occurrence, 0.5ℓ
        ScoredText repeated = ScoredText.of(List.of(
                HandMadeTexts.record(1, 0, "a", HandMadeTexts.halfQuarterQuarter()),
                HandMadeTexts.record(2, 0, "a", HandMadeTexts.halfQuarterQuarter())));
        MethodScore repeatedScore = new MembershipMethod.DcPdd(frequencies, 1.0).score(repeated);
        assertThat(repeatedScore.score()).isCloseTo(0.5 * LN2, within(TOLERANCE));
        assertThat(repeatedScore.contributions()[1]).isZero();
    }

    @Test
    void contributionsSumToTheScoreOrToTheLogPerplexity() {
        ScoringMethods.Parameters parameters =
                new ScoringMethods.Parameters(0.5, TokenFrequencies.ofCounts(new long[] {3, 1, 0, 0}), 0.01);
        for (ScoringMethod method : ScoringMethods.all(parameters)) {
            ScoredText input = method.needsReference() ? HandMadeTexts.oneTokenWithReference() : text;
            if (method.name().equals("fast-detectgpt")) {
                input = HandMadeTexts.oneTokenWithReference();
            }
            MethodScore result = method.score(input);
            double sum = Aggregates.sum(result.contributions());
            assertThat(result.contributions()).as(method.name()).hasSize(input.size());
            double expected = result.contributionsSumToScore() ? result.score() : Math.log(score("perplexity", input));
            assertThat(sum).as(method.name()).isCloseTo(expected, within(TOLERANCE));
        }
    }

    @Test
    void unknownMethodNamesTheValueAndTheChoices() {
        assertThatThrownBy(() -> ScoringMethods.byName("detectgpt", ScoringMethods.Parameters.DEFAULT))
                .hasMessageContaining("unknown method 'detectgpt'")
                .hasMessageContaining("fast-detectgpt");
        assertThatThrownBy(() -> new MembershipMethod.MinK(0.0))
                .hasMessage("min-k fraction must be in (0, 1], got 0.0");
    }
}
