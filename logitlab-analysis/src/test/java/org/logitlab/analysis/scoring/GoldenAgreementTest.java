package org.logitlab.analysis.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.logitlab.analysis.method.ScoringMethods;
import org.logitlab.model.Model;

/**
 * One formula per family recomputed in plain double arithmetic — an independent log-softmax, not the engine's —
 * from llama.cpp's logits in ../shared/golden/stories260K ({@code logits[i]} = raw logits after tokens[0..i]), and
 * compared with what {@link TextScorer} plus the method computes from the engine's own forward pass.
 */
class GoldenAgreementTest {
    private static Model model;

    @BeforeAll
    static void loadModel() throws Exception {
        model = Model.loadEmbedded();
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    /** log-softmax, mean, variance of log p for one golden row. */
    private record Row(double[] logProbs, double mean, double variance) {
        static Row of(JsonNode logits) {
            double max = Double.NEGATIVE_INFINITY;
            for (JsonNode logit : logits) {
                max = Math.max(max, logit.asDouble());
            }
            double sum = 0;
            for (JsonNode logit : logits) {
                sum += Math.exp(logit.asDouble() - max);
            }
            double normaliser = max + Math.log(sum);
            double[] logProbs = new double[logits.size()];
            double mean = 0;
            for (int v = 0; v < logProbs.length; v++) {
                logProbs[v] = logits.get(v).asDouble() - normaliser;
                mean += Math.exp(logProbs[v]) * logProbs[v];
            }
            double variance = 0;
            for (double logProb : logProbs) {
                variance += Math.exp(logProb) * (logProb - mean) * (logProb - mean);
            }
            return new Row(logProbs, mean, variance);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"girl_park", "lily_wanted", "long_story_300"})
    void perplexityFastDetectGptAndMinKPlusPlusAgreeWithGoldenLogits(String name) throws Exception {
        JsonNode golden = SharedFiles.json("golden/stories260K/" + name + ".json");
        int[] tokens = new int[golden.get("tokens").size()];
        Arrays.setAll(tokens, i -> golden.get("tokens").get(i).asInt());
        int scored = tokens.length - 1;
        double logLikelihood = 0;
        double meanSum = 0;
        double varianceSum = 0;
        double[] standardised = new double[scored];
        for (int t = 1; t < tokens.length; t++) {
            Row row = Row.of(golden.get("logits").get(t - 1)); // logits after tokens[0..t-1] predict tokens[t]
            double logProb = row.logProbs()[tokens[t]];
            logLikelihood += logProb;
            meanSum += row.mean();
            varianceSum += row.variance();
            standardised[t - 1] = (logProb - row.mean()) / Math.sqrt(row.variance());
        }
        double expectedPerplexity = Math.exp(-logLikelihood / scored);
        double expectedDiscrepancy = (logLikelihood - meanSum) / Math.sqrt(varianceSum);
        double[] sorted = standardised.clone();
        Arrays.sort(sorted);
        int lowest = Math.max(1, (int) Math.ceil(0.2 * scored - 1e-9));
        double expectedMinKPlusPlus = Arrays.stream(sorted, 0, lowest).average().orElseThrow();

        ScoredText text = new TextScorer(model, ScoringOptions.DEFAULT).score("", tokens);
        ScoringMethods.Parameters parameters = ScoringMethods.Parameters.DEFAULT;
        assertThat(ScoringMethods.byName("perplexity", parameters).score(text).score())
                .isCloseTo(expectedPerplexity, within(1e-3 * expectedPerplexity));
        assertThat(ScoringMethods.byName("fast-detectgpt", parameters)
                        .score(text)
                        .score())
                .isCloseTo(expectedDiscrepancy, within(1e-3 * Math.max(1, Math.abs(expectedDiscrepancy))));
        assertThat(ScoringMethods.byName("min-k-plus-plus", parameters)
                        .score(text)
                        .score())
                .isCloseTo(expectedMinKPlusPlus, within(1e-3 * Math.max(1, Math.abs(expectedMinKPlusPlus))));
    }
}
