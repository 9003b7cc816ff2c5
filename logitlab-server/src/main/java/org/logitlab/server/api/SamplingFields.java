package org.logitlab.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.logitlab.sampling.SamplerSettings;

/**
 * Sampling fields of a completion or chat request: OpenAI's (temperature, top_p, presence/frequency penalty,
 * logit_bias, seed) plus a logitlab extension for every sampler the CLI has, named as in llama.cpp's server
 * (top_k, min_p, typical_p, …).
 *
 * <p>Defaults are OpenAI's, not llama.cpp's: temperature 1, top_p 1 and every extension off, so a plain OpenAI
 * request samples from the model's distribution unchanged. Penalties look at the whole context, as OpenAI's do.
 */
final class SamplingFields {
    private SamplingFields() {}

    static SamplerSettings read(Fields fields, int vocabularySize, int choice) {
        SamplerSettings.Builder builder = SamplerSettings.builder()
                .temperature(1.0)
                .topP(1.0)
                .topK(0)
                .minP(0.0)
                .repeatLastN(-1);
        fields.number("temperature", 0.0, 2.0).ifPresent(builder::temperature);
        fields.number("top_p", 0.0, 1.0).ifPresent(value -> {
            if (value == 0.0) {
                throw ApiException.invalid("top_p", "'top_p' must be in (0, 1], got 0.0");
            }
            builder.topP(value);
        });
        fields.number("presence_penalty", -2.0, 2.0).ifPresent(builder::presencePenalty);
        fields.number("frequency_penalty", -2.0, 2.0).ifPresent(builder::frequencyPenalty);
        // n choices of one seeded request differ from each other but not from run to run
        fields.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE)
                .ifPresent(seed -> builder.seed((seed + choice) & Long.MAX_VALUE));
        fields.object("logit_bias").ifPresent(biases -> builder.logitBias(logitBias(biases, vocabularySize)));

        // logitlab extensions: every sampler of the CLI (llama.cpp server names)
        fields.integer("top_k", 0L, vocabularySize).ifPresent(value -> builder.topK(value.intValue()));
        fields.number("min_p", 0.0, 1.0).ifPresent(builder::minP);
        fields.number("typical_p", Double.MIN_VALUE, 1.0).ifPresent(builder::typicalP);
        fields.number("top_n_sigma", -1.0, 1e6).ifPresent(builder::topNSigma);
        fields.number("xtc_probability", 0.0, 1.0).ifPresent(builder::xtcProbability);
        fields.number("xtc_threshold", 0.0, 1.0).ifPresent(builder::xtcThreshold);
        fields.number("epsilon_cutoff", 0.0, Math.nextDown(1.0)).ifPresent(builder::epsilonCutoff);
        fields.number("eta_cutoff", 0.0, Math.nextDown(1.0)).ifPresent(builder::etaCutoff);
        fields.integer("mirostat", 0L, 2L).ifPresent(value -> builder.mirostat(value.intValue()));
        fields.number("mirostat_tau", 0.0, 1e6).ifPresent(builder::mirostatTau);
        fields.number("mirostat_eta", 0.0, 1e6).ifPresent(builder::mirostatEta);
        fields.number("repeat_penalty", Double.MIN_VALUE, 1e6).ifPresent(builder::repeatPenalty);
        fields.integer("repeat_last_n", -1L, Integer.MAX_VALUE)
                .ifPresent(value -> builder.repeatLastN(value.intValue()));
        fields.number("dry_multiplier", 0.0, 1e6).ifPresent(builder::dryMultiplier);
        fields.number("dry_base", 0.0, 1e6).ifPresent(builder::dryBase);
        fields.integer("dry_allowed_length", 0L, Integer.MAX_VALUE)
                .ifPresent(value -> builder.dryAllowedLength(value.intValue()));
        fields.integer("dry_penalty_last_n", -1L, Integer.MAX_VALUE)
                .ifPresent(value -> builder.dryPenaltyLastN(value.intValue()));
        List<String> breakers = fields.strings("dry_sequence_breakers", 64);
        if (!breakers.isEmpty()) {
            builder.drySequenceBreakers(breakers);
        }
        fields.number("dynatemp_range", 0.0, 1e6).ifPresent(builder::dynamicTemperatureRange);
        fields.number("dynatemp_exponent", 0.0, 1e6).ifPresent(builder::dynamicTemperatureExponent);
        fields.integer("min_keep", 0L, vocabularySize).ifPresent(value -> builder.minKeep(value.intValue()));
        List<String> order = fields.strings("samplers", 32);
        if (!order.isEmpty()) {
            try {
                builder.samplers(String.join(";", order));
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("samplers", e.getMessage());
            }
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            // SamplerSettings names the parameter first ("top_p must be in ..."), in llama.cpp's spelling
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            String param = message.split("[ ']", 2)[0];
            throw ApiException.invalid(param, message);
        }
    }

    /** OpenAI's logit_bias: token id (as a string key) → bias in [−100, 100]. */
    private static Map<Integer, Float> logitBias(ObjectNode biases, int vocabularySize) {
        Map<Integer, Float> result = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : biases.properties()) {
            int token;
            try {
                token = Integer.parseInt(entry.getKey().trim());
            } catch (NumberFormatException e) {
                throw ApiException.invalid(
                        "logit_bias", "'logit_bias' keys must be token ids, got '" + entry.getKey() + "'");
            }
            if (token < 0 || token >= vocabularySize) {
                throw ApiException.invalid(
                        "logit_bias",
                        "'logit_bias' token " + token + " is outside the vocabulary [0, " + vocabularySize + ")");
            }
            JsonNode bias = entry.getValue();
            if (!bias.isNumber() || bias.doubleValue() < -100 || bias.doubleValue() > 100) {
                throw ApiException.invalid(
                        "logit_bias",
                        "'logit_bias' values must be numbers in [-100, 100], got " + bias + " for token " + token);
            }
            result.put(token, bias.floatValue());
        }
        return result;
    }
}
