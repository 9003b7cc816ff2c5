package org.logitlab.sampling;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Every rejected option names the parameter and the offending value. */
class ValidationMessagesTest {

    private static void rejects(Consumer<SamplerSettings.Builder> change, String message) {
        SamplerSettings.Builder builder = SamplerSettings.builder();
        change.accept(builder);
        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void settingsNameParameterAndValue() {
        rejects(b -> b.topP(1.5), "top_p must be in (0, 1], got 1.5");
        rejects(b -> b.topP(0), "top_p must be in (0, 1], got 0");
        rejects(b -> b.topK(-1), "top_k must be >= 0, got -1");
        rejects(b -> b.minP(-0.1), "min_p must be in [0, 1], got -0.1");
        rejects(b -> b.typicalP(2), "typical_p must be in (0, 1], got 2");
        rejects(b -> b.temperature(Double.NaN), "temperature must be finite, got NaN");
        rejects(b -> b.dynamicTemperatureRange(-1), "dynatemp_range must be finite and >= 0, got -1");
        rejects(b -> b.dynamicTemperatureExponent(-1), "dynatemp_exponent must be finite and >= 0, got -1");
        rejects(b -> b.repeatLastN(-2), "repeat_last_n must be >= -1, got -2");
        rejects(b -> b.repeatPenalty(0), "repeat_penalty must be finite and > 0, got 0");
        rejects(b -> b.frequencyPenalty(Double.POSITIVE_INFINITY), "frequency_penalty must be finite, got Infinity");
        rejects(b -> b.presencePenalty(Double.NaN), "presence_penalty must be finite, got NaN");
        rejects(b -> b.dryMultiplier(-1), "dry_multiplier must be finite and >= 0, got -1");
        rejects(b -> b.dryBase(-0.5), "dry_base must be finite and >= 0, got -0.5");
        rejects(b -> b.dryAllowedLength(-1), "dry_allowed_length must be >= 0, got -1");
        rejects(b -> b.dryPenaltyLastN(-5), "dry_penalty_last_n must be >= -1, got -5");
        rejects(
                b -> b.drySequenceBreakers(List.of("")),
                "dry_sequence_breakers must be a list of non-empty strings, got []");
        rejects(b -> b.mirostat(3), "mirostat must be 0, 1 or 2, got 3");
        rejects(b -> b.mirostatTau(-1), "mirostat_tau must be finite and >= 0, got -1");
        rejects(b -> b.mirostatEta(Double.NaN), "mirostat_eta must be finite and >= 0, got NaN");
        rejects(b -> b.topNSigma(Double.NaN), "top_n_sigma must be finite, got NaN");
        rejects(b -> b.xtcProbability(1.1), "xtc_probability must be in [0, 1], got 1.1");
        rejects(b -> b.xtcThreshold(-0.1), "xtc_threshold must be in [0, 1], got -0.1");
        rejects(b -> b.epsilonCutoff(1), "epsilon_cutoff must be in [0, 1), got 1");
        rejects(b -> b.etaCutoff(-0.2), "eta_cutoff must be in [0, 1), got -0.2");
        rejects(b -> b.minKeep(-1), "min_keep must be >= 0, got -1");
        rejects(b -> b.logitBias(Map.of(-1, 1f)), "logit_bias token must be >= 0, got -1");
        rejects(
                b -> b.logitBias(Map.of(2, Float.NaN)),
                "logit_bias for token 2 must be a number or -Infinity, got NaN");
    }

    @Test
    void samplerConstructorsNameParameterAndValue() {
        assertThatThrownBy(() -> new TopKSampler(-3)).hasMessage("top_k must be >= 0, got -3");
        assertThatThrownBy(() -> new TopPSampler(0.5, -1)).hasMessage("min_keep must be >= 0, got -1");
        assertThatThrownBy(() -> new TemperatureSampler(Double.POSITIVE_INFINITY))
                .hasMessage("temperature must be finite, got Infinity");
        assertThatThrownBy(() -> new MirostatSampler(0, 1, 5, 0.1, 100))
                .hasMessage("vocabulary_size must be >= 1, got 0");
        assertThatThrownBy(() -> new MirostatSampler(10, 1, 5, 0.1, 1)).hasMessage("mirostat_m must be >= 2, got 1");
        assertThatThrownBy(() -> new DrySampler(0, 1, 1.75, 2, -1, List.of()))
                .hasMessage("context_size must be >= 1, got 0");
        assertThatThrownBy(() -> new DrySampler(10, 1, 1.75, 2, -1, List.of(new int[0])))
                .hasMessage("dry_sequence_breakers[0] must be a non-empty token sequence");
        assertThatThrownBy(() -> new PenaltiesSampler(-1, 1, 0, 0)).hasMessage("repeat_last_n must be >= 0, got -1");
        assertThatThrownBy(() -> Candidates.of(1f, Float.NaN)).hasMessageContaining("logits[1] is NaN");
    }
}
