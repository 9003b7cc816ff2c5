package org.logitlab.analysis.method;

import java.util.List;
import org.logitlab.analysis.scoring.CrossStatistics;
import org.logitlab.analysis.scoring.ScoredText;
import org.logitlab.analysis.scoring.TokenRecord;
import org.logitlab.distribution.Distribution;

/**
 * Small distributions whose statistics are worked out by hand (ℓ = ln 2):
 *
 * <ul>
 *   <li>HALF_QUARTER_QUARTER p = (1/2, 1/4, 1/4): H = 1.5ℓ, μ = −1.5ℓ, log p = −ℓ or −2ℓ each with mass 1/2, so
 *       Var = (ℓ/2)² = ℓ²/4 and kurtosis = (ℓ/2)⁴ / (ℓ/2)⁴ = 1.
 *   <li>UNIFORM_FOUR p = 1/4 each: H = 2ℓ, Var = 0, kurtosis NaN.
 *   <li>QUARTER_HALF_QUARTER q = (1/4, 1/2, 1/4), a reference against HALF_QUARTER_QUARTER.
 * </ul>
 */
final class HandMadeTexts {
    static final double LN2 = Math.log(2);

    private HandMadeTexts() {}

    static Distribution halfQuarterQuarter() {
        return Distribution.of(new float[] {(float) Math.log(0.5), (float) Math.log(0.25), (float) Math.log(0.25)});
    }

    static Distribution uniformFour() {
        return Distribution.of(new float[] {0f, 0f, 0f, 0f});
    }

    static Distribution quarterHalfQuarter() {
        return Distribution.of(new float[] {(float) Math.log(0.25), (float) Math.log(0.5), (float) Math.log(0.25)});
    }

    static TokenRecord record(int index, int token, String piece, Distribution distribution) {
        return TokenRecord.of(index, token, piece, distribution, 0);
    }

    /**
     * "abc": a ← token 0 of (1/2,1/4,1/4): log p = −ℓ, rank 1; b ← token 1 of the same: log p = −2ℓ, rank 2;
     * c ← token 3 of the uniform four: log p = −2ℓ, rank 1.
     */
    static ScoredText threeTokens() {
        return ScoredText.of(List.of(
                record(1, 0, "a", halfQuarterQuarter()),
                record(2, 1, "b", halfQuarterQuarter()),
                record(3, 3, "c", uniformFour())));
    }

    /** One token, token 0 of p = (1/2,1/4,1/4), with the reference q = (1/4,1/2,1/4) at the same position. */
    static ScoredText oneTokenWithReference() {
        Distribution model = halfQuarterQuarter();
        Distribution reference = quarterHalfQuarter();
        return ScoredText.of(List.of(record(1, 0, "a", model)), List.of(CrossStatistics.of(0, model, reference)));
    }
}
