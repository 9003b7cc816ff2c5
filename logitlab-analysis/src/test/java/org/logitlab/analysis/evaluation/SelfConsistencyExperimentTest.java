package org.logitlab.analysis.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.logitlab.analysis.method.Family;
import org.logitlab.analysis.method.ScoringMethod;
import org.logitlab.analysis.method.ScoringMethods;
import org.logitlab.analysis.scoring.ScoredText;
import org.logitlab.analysis.scoring.ScoringOptions;
import org.logitlab.analysis.scoring.TextScorer;
import org.logitlab.generation.Generator;
import org.logitlab.model.Model;
import org.logitlab.sampling.SamplerChains;
import org.logitlab.sampling.SamplerSettings;
import org.logitlab.tokenizer.Tokenizer;

/**
 * The detectors' self-consistency on the embedded model: {@value #TEXTS} texts of {@value #LENGTH} tokens sampled
 * from the model itself at temperature 1 (no truncation; sampler seeds 1000 + i) are machine text for it; the same
 * texts with 20% of their tokens replaced by uniformly random non-control tokens (positions and replacements drawn
 * with {@code new Random(2000 + i)}) are not. Every detection method but LRR must separate them with AUROC ≥ 0.9 (LRR: see the test). The
 * other families are reported too, oriented the same way (uncertainty and "membership" should also rank the
 * corrupted texts as less model-like), but only detection is asserted.
 */
class SelfConsistencyExperimentTest {
    static final int TEXTS = 40;
    static final int LENGTH = 48;
    static final double REPLACED_FRACTION = 0.2;

    private static Model model;
    private static List<int[]> sampled;
    private static List<int[]> corrupted;

    @BeforeAll
    static void generateTexts() throws Exception {
        model = Model.loadEmbedded();
        sampled = new ArrayList<>();
        corrupted = new ArrayList<>();
        for (int i = 0; i < TEXTS; i++) {
            int[] text = sample(model, 1000 + i, LENGTH);
            sampled.add(text);
            corrupted.add(corrupt(model.tokenizer(), text, new Random(2000 + i)));
        }
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    /** BOS followed by {@code length} tokens drawn at temperature 1 from the full distribution (EOS never kept). */
    static int[] sample(Model model, long seed, int length) {
        Tokenizer tokenizer = model.tokenizer();
        int bos = tokenizer.bosToken().orElseThrow();
        List<Integer> tokens = new ArrayList<>(List.of(bos));
        long attempt = seed;
        while (tokens.size() < length + 1) { // a story that ends early continues as a fresh sample
            SamplerSettings settings = SamplerSettings.builder()
                    .temperature(1.0)
                    .topK(0)
                    .topP(1.0)
                    .minP(0.0)
                    .seed(attempt)
                    .build();
            var session = model.newSession(length + 2);
            var chain = SamplerChains.create(settings, model.config().vocabularySize(), length + 2);
            int[] prompt = tokens.stream().mapToInt(Integer::intValue).toArray();
            int[] generated = new Generator(session, tokenizer, chain)
                    .generate(prompt, length + 1 - tokens.size(), 0, token -> {})
                    .generatedIds();
            for (int token : generated) {
                if (!tokenizer.isEndOfGeneration(token)) {
                    tokens.add(token);
                }
            }
            attempt += 1_000_000;
        }
        return tokens.stream().mapToInt(Integer::intValue).toArray();
    }

    /** A copy with ⌈20%⌉ of the tokens after BOS replaced by a different random non-control token. */
    static int[] corrupt(Tokenizer tokenizer, int[] tokens, Random random) {
        int[] copy = tokens.clone();
        int replacements = (int) Math.ceil(REPLACED_FRACTION * (tokens.length - 1));
        List<Integer> positions = new ArrayList<>();
        for (int position = 1; position < tokens.length; position++) {
            positions.add(position);
        }
        java.util.Collections.shuffle(positions, random);
        for (int position : positions.subList(0, replacements)) {
            int replacement;
            do {
                replacement = random.nextInt(tokenizer.vocabularySize());
            } while (replacement == tokens[position] || tokenizer.isControl(replacement));
            copy[position] = replacement;
        }
        return copy;
    }

    @Test
    void everyDetectionScoreSeparatesSampledFromCorruptedTexts() {
        TextScorer scorer = new TextScorer(model, model, ScoringOptions.DEFAULT.withTopAlternatives(0));
        List<ScoredText> machine =
                sampled.stream().map(tokens -> scorer.score("", tokens)).toList();
        List<ScoredText> altered =
                corrupted.stream().map(tokens -> scorer.score("", tokens)).toList();
        Map<String, Double> aurocs = new LinkedHashMap<>();
        for (ScoringMethod method : ScoringMethods.all(ScoringMethods.Parameters.DEFAULT)) {
            double[] machineScores = machine.stream()
                    .mapToDouble(text -> method.score(text).score())
                    .toArray();
            double[] alteredScores = altered.stream()
                    .mapToDouble(text -> method.score(text).score())
                    .toArray();
            // Uncertainty is higher for the corrupted texts; detection and membership for the sampled ones.
            Evaluation evaluation = method.family() == Family.UNCERTAINTY
                    ? Evaluation.of(method.name(), alteredScores, machineScores)
                    : Evaluation.of(method.name(), machineScores, alteredScores);
            aurocs.put(method.name(), evaluation.auroc());
        }
        System.out.println(
                "self-consistency AUROC (" + TEXTS + "+" + TEXTS + " texts of " + LENGTH + " tokens): " + aurocs);
        for (ScoringMethod method : ScoringMethods.all(ScoringMethods.Parameters.DEFAULT)) {
            if (method.family() == Family.DETECTION && !method.name().equals("lrr")) {
                assertThat(aurocs.get(method.name())).as(method.name()).isGreaterThanOrEqualTo(0.9);
            }
        }
        // LRR = −Σ log p / Σ log r (Su et al. 2023, as in Fast-DetectGPT's baselines) ranks this corruption the
        // wrong way round, and that is the formula, not a sign slip: a random token's rank is bounded by |V| = 512
        // (log r ≤ 6.2) while its −log p is not, so corruption raises the numerator faster. Measured: sampled texts
        // have mean −log p 1.12 and mean log r 0.45 (ratio 2.48), corrupted ones 6.82 and 2.21 (ratio 3.09). Pinned
        // so a "fix" that flips the published sign has to come through here.
        assertThat(aurocs.get("lrr"))
                .as("lrr (inverted on random-token corruption)")
                .isLessThanOrEqualTo(0.2);
    }
}
