package org.logitlab.analysis.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.logitlab.model.Model;

class TextScorerTest {
    private static Model model;
    private static int[] longStory;

    @BeforeAll
    static void load() throws Exception {
        model = Model.loadEmbedded();
        JsonNode golden = SharedFiles.json("golden/stories260K/long_story_300.json");
        longStory = new int[golden.get("tokens").size()];
        Arrays.setAll(longStory, i -> golden.get("tokens").get(i).asInt());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void scoresEveryTokenButTheFirstExactlyOnceInTextOrder() {
        ScoredText text = new TextScorer(model, ScoringOptions.DEFAULT.withWindow(64, 16)).score("", longStory);
        assertThat(text.records()).hasSize(longStory.length - 1);
        for (int i = 0; i < text.size(); i++) {
            assertThat(text.records().get(i).index()).isEqualTo(i + 1);
            assertThat(text.records().get(i).token()).isEqualTo(longStory[i + 1]);
        }
        assertThat(text.window()).isEqualTo(64);
        assertThat(text.stride()).isEqualTo(16);
    }

    @Test
    void slidingWindowsMatchOnePassInTheFirstWindowAndStayCloseAfter() {
        ScoredText whole = new TextScorer(model, ScoringOptions.DEFAULT).score("", longStory);
        ScoredText windowed = new TextScorer(model, ScoringOptions.DEFAULT.withWindow(128, 32)).score("", longStory);
        for (int i = 0; i < 127; i++) { // tokens 1..127 come from the first window: identical context
            assertThat(windowed.records().get(i).logProb())
                    .isCloseTo(whole.records().get(i).logProb(), within(1e-5));
        }
        // later tokens see ≥ 96 tokens of context instead of all; a tiny story model barely notices
        double wholeMean = whole.records().stream()
                .mapToDouble(TokenRecord::logProb)
                .average()
                .orElseThrow();
        double windowedMean = windowed.records().stream()
                .mapToDouble(TokenRecord::logProb)
                .average()
                .orElseThrow();
        assertThat(windowedMean).isCloseTo(wholeMean, within(0.05));
    }

    @Test
    void theModelAsItsOwnReferenceGivesCrossStatisticsEqualToItsOwnMoments() {
        ScoredText text = new TextScorer(model, model, ScoringOptions.DEFAULT).score("Lily went to the park.");
        assertThat(text.hasReference()).isTrue();
        for (int i = 0; i < text.size(); i++) {
            TokenRecord record = text.records().get(i);
            CrossStatistics cross = text.cross().get(i);
            assertThat(cross.referenceLogProb()).isEqualTo(record.logProb());
            assertThat(cross.meanLogProbUnderReference()).isCloseTo(record.meanLogProb(), within(1e-9));
            assertThat(cross.varianceLogProbUnderReference()).isCloseTo(record.varianceLogProb(), within(1e-9));
            assertThat(cross.meanReferenceLogProbUnderModel()).isCloseTo(-record.entropy(), within(1e-9));
        }
    }

    @Test
    void recordsCarryPiecesAndAlternatives() {
        ScoredText text =
                new TextScorer(model, ScoringOptions.DEFAULT.withTopAlternatives(3)).score("Once upon a time");
        assertThat(text.tokens()[0]).isEqualTo(model.tokenizer().bosToken().orElseThrow());
        StringBuilder joined = new StringBuilder();
        text.records().forEach(record -> joined.append(record.piece()));
        assertThat(joined.toString().strip()).isEqualTo("Once upon a time");
        assertThat(text.records().getFirst().alternatives()).hasSize(3);
    }

    @Test
    void rejectsBadOptionsNamingParameterAndValue() {
        assertThatThrownBy(() -> new ScoringOptions(-1, 0, 5, true)).hasMessageContaining("window must be >= 0");
        assertThatThrownBy(() -> new ScoringOptions(16, 17, 5, true))
                .hasMessage("stride must be in [0, window=16], got 17");
        assertThatThrownBy(() -> new TextScorer(model, ScoringOptions.DEFAULT).score("", new int[] {1}))
                .hasMessageContaining("tokens must hold at least 2 ids");
    }
}
