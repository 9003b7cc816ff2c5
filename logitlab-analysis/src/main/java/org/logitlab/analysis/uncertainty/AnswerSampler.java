package org.logitlab.analysis.uncertainty;

import java.util.ArrayList;
import java.util.List;
import org.logitlab.generation.GenerationResult;
import org.logitlab.generation.Generator;
import org.logitlab.model.Model;
import org.logitlab.sampling.SamplerChains;
import org.logitlab.sampling.SamplerSettings;

/**
 * Draws the N generations the sampling-based scores of {@link SampleConsistency} need: the prompt is prefilled once
 * per sample (a fresh session each), seeds {@code settings.seed() + i}.
 */
public final class AnswerSampler {
    /** One sampled answer and its log-probability under the raw model distribution. */
    public record Answer(String text, double sequenceLogProb) {}

    private AnswerSampler() {}

    public static List<Answer> sample(
            Model model, String prompt, int samples, int maxTokens, SamplerSettings settings) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, got " + samples);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
        }
        if (settings.seed() < 0) {
            throw new IllegalArgumentException(
                    "settings.seed must be fixed (>= 0) so samples are reproducible, got " + settings.seed());
        }
        int[] promptTokens = model.tokenizer().encode(prompt, true, false);
        int context = Math.min(model.config().contextLength(), promptTokens.length + maxTokens);
        List<Answer> answers = new ArrayList<>(samples);
        for (int i = 0; i < samples; i++) {
            SamplerSettings seeded =
                    settings.toBuilder().seed(settings.seed() + i).build();
            var chain = SamplerChains.create(seeded, model.config().vocabularySize(), context);
            GenerationResult result = new Generator(model.newSession(context), model.tokenizer(), chain)
                    .generate(promptTokens, maxTokens, 0, token -> {});
            answers.add(new Answer(result.text(), result.statistics().totalLogProb()));
        }
        return answers;
    }
}
