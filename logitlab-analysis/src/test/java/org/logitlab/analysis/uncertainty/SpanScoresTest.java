package org.logitlab.analysis.uncertainty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.logitlab.analysis.method.ScoringMethods;
import org.logitlab.analysis.method.UncertaintyMethod;
import org.logitlab.analysis.scoring.ScoredText;
import org.logitlab.analysis.scoring.TokenRecord;
import org.logitlab.distribution.Distribution;

class SpanScoresTest {

    private static TokenRecord record(int index, String piece, double probability) {
        // two tokens: token 0 with the given probability, token 1 with the rest
        Distribution distribution =
                Distribution.of(new float[] {(float) Math.log(probability), (float) Math.log(1 - probability)});
        return TokenRecord.of(index, 0, piece, distribution, 0);
    }

    @Test
    void splitsAtSentenceEndsAndScoresEachSentenceFromItsOwnRecords() {
        ScoredText text = ScoredText.of(List.of(
                record(1, "Lily", 0.5),
                record(2, " ran.", 0.5),
                record(3, " Max", 0.25),
                record(4, " sat!", 0.25),
                record(5, " Then", 0.5)));
        List<SpanScore> spans =
                SpanScores.bySentence(text, ScoringMethods.byName("perplexity", ScoringMethods.Parameters.DEFAULT));
        assertThat(spans).extracting(SpanScore::text).containsExactly("Lily ran.", " Max sat!", " Then");
        // perplexity of p = 1/2, 1/2 is 2; of 1/4, 1/4 is 4; of 1/2 is 2
        assertThat(spans.get(0).score().score()).isCloseTo(2.0, within(1e-6));
        assertThat(spans.get(1).score().score()).isCloseTo(4.0, within(1e-6));
        assertThat(spans.get(2).firstRecord()).isEqualTo(4);
        // the whole text: (ℓ + ℓ + 2ℓ + 2ℓ + ℓ) / 5 = 1.4ℓ → 2^1.4 = 2.639016, not an average of the spans
        assertThat(new UncertaintyMethod.Perplexity().score(text).score()).isCloseTo(2.639016, within(1e-6));
    }
}
