package org.logitlab.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.logitlab.sampling.SamplerSettings;
import picocli.CommandLine.Option;

/**
 * llama.cpp-compatible sampling flags. Options left unset keep {@link SamplerSettings}' defaults (llama.cpp's),
 * and every value is validated by {@link SamplerSettings} with a message naming the parameter.
 */
final class SamplingOptions {
    @Option(names = "--temp", paramLabel = "T", description = "Temperature; 0 = greedy (default: 0.8).")
    Double temperature;

    @Option(
            names = "--seed",
            paramLabel = "S",
            description = "Random seed; same seed and options = same output (default: random).")
    Long seed;

    @Option(names = "--top-k", paramLabel = "K", description = "Keep the K most likely tokens; 0 = off (default: 40).")
    Integer topK;

    @Option(
            names = "--top-p",
            paramLabel = "P",
            description = "Nucleus: smallest set with mass >= P; 1 = off (default: 0.95).")
    Double topP;

    @Option(
            names = "--min-p",
            paramLabel = "P",
            description = "Drop tokens with p < P * p_max; 0 = off (default: 0.05).")
    Double minP;

    @Option(
            names = "--typical",
            paramLabel = "P",
            description = "Locally typical sampling (Meister et al. 2022); 1 = off (default: 1).")
    Double typical;

    @Option(names = "--eta", paramLabel = "ETA", description = "η-sampling (Hewitt et al. 2022); 0 = off.")
    Double eta;

    @Option(names = "--epsilon", paramLabel = "EPS", description = "ε-sampling (Hewitt et al. 2022); 0 = off.")
    Double epsilon;

    @Option(names = "--top-nsigma", paramLabel = "N", description = "Top-nσ over logits; -1 = off.")
    Double topNSigma;

    @Option(
            names = "--xtc-probability",
            paramLabel = "P",
            description = "XTC: chance of excluding top choices; 0 = off.")
    Double xtcProbability;

    @Option(names = "--xtc-threshold", paramLabel = "P", description = "XTC threshold (default: 0.1).")
    Double xtcThreshold;

    @Option(names = "--mirostat", paramLabel = "N", description = "Mirostat version: 0 = off, 1 or 2.")
    Integer mirostat;

    @Option(names = "--mirostat-lr", paramLabel = "ETA", description = "Mirostat learning rate η (default: 0.1).")
    Double mirostatLearningRate;

    @Option(names = "--mirostat-ent", paramLabel = "TAU", description = "Mirostat target entropy τ (default: 5).")
    Double mirostatEntropy;

    @Option(names = "--repeat-penalty", paramLabel = "X", description = "Repetition penalty; 1 = off (default: 1).")
    Double repeatPenalty;

    @Option(
            names = "--repeat-last-n",
            paramLabel = "N",
            description = "Window of the penalties; -1 = context (default: 64).")
    Integer repeatLastN;

    @Option(names = "--presence-penalty", paramLabel = "X", description = "Presence penalty; 0 = off.")
    Double presencePenalty;

    @Option(names = "--frequency-penalty", paramLabel = "X", description = "Frequency penalty; 0 = off.")
    Double frequencyPenalty;

    @Option(names = "--dry-multiplier", paramLabel = "X", description = "DRY multiplier; 0 = off.")
    Double dryMultiplier;

    @Option(names = "--dry-base", paramLabel = "X", description = "DRY base (default: 1.75).")
    Double dryBase;

    @Option(names = "--dry-allowed-length", paramLabel = "N", description = "DRY allowed length (default: 2).")
    Integer dryAllowedLength;

    @Option(names = "--dynatemp-range", paramLabel = "X", description = "Dynamic temperature range; 0 = off.")
    Double dynamicTemperatureRange;

    @Option(names = "--dynatemp-exp", paramLabel = "X", description = "Dynamic temperature exponent (default: 1).")
    Double dynamicTemperatureExponent;

    @Option(
            names = "--logit-bias",
            paramLabel = "ID(+|-)BIAS",
            description = "Add BIAS to token ID's logit, e.g. 15043+1 or 15043-inf; repeatable.")
    List<String> logitBias;

    @Option(
            names = "--samplers",
            paramLabel = "LIST",
            description =
                    "Sampler order, ';'-separated, e.g. \"penalties;dry;top_n_sigma;top_k;typ_p;top_p;min_p;xtc;temperature\".")
    String samplers;

    SamplerSettings settings() {
        SamplerSettings.Builder builder = SamplerSettings.builder();
        if (temperature != null) builder.temperature(temperature);
        if (seed != null) builder.seed(seed);
        if (topK != null) builder.topK(topK);
        if (topP != null) builder.topP(topP);
        if (minP != null) builder.minP(minP);
        if (typical != null) builder.typicalP(typical);
        if (eta != null) builder.etaCutoff(eta);
        if (epsilon != null) builder.epsilonCutoff(epsilon);
        if (topNSigma != null) builder.topNSigma(topNSigma);
        if (xtcProbability != null) builder.xtcProbability(xtcProbability);
        if (xtcThreshold != null) builder.xtcThreshold(xtcThreshold);
        if (mirostat != null) builder.mirostat(mirostat);
        if (mirostatLearningRate != null) builder.mirostatEta(mirostatLearningRate);
        if (mirostatEntropy != null) builder.mirostatTau(mirostatEntropy);
        if (repeatPenalty != null) builder.repeatPenalty(repeatPenalty);
        if (repeatLastN != null) builder.repeatLastN(repeatLastN);
        if (presencePenalty != null) builder.presencePenalty(presencePenalty);
        if (frequencyPenalty != null) builder.frequencyPenalty(frequencyPenalty);
        if (dryMultiplier != null) builder.dryMultiplier(dryMultiplier);
        if (dryBase != null) builder.dryBase(dryBase);
        if (dryAllowedLength != null) builder.dryAllowedLength(dryAllowedLength);
        if (dynamicTemperatureRange != null) builder.dynamicTemperatureRange(dynamicTemperatureRange);
        if (dynamicTemperatureExponent != null) builder.dynamicTemperatureExponent(dynamicTemperatureExponent);
        if (logitBias != null) builder.logitBias(parseLogitBias(logitBias));
        if (samplers != null) builder.samplers(samplers);
        return builder.build();
    }

    /** llama.cpp's --logit-bias syntax: the token id, then a signed bias ("+1", "-0.5", "-inf"). */
    static Map<Integer, Float> parseLogitBias(List<String> entries) {
        Map<Integer, Float> biases = new LinkedHashMap<>();
        for (String entry : entries) {
            int sign = Math.max(entry.lastIndexOf('+'), entry.lastIndexOf('-'));
            if (sign <= 0) {
                throw new IllegalArgumentException(
                        "--logit-bias must look like ID+BIAS or ID-BIAS, got '" + entry + "'");
            }
            try {
                int token = Integer.parseInt(entry.substring(0, sign).trim());
                String bias = entry.substring(sign).trim();
                float value = bias.equalsIgnoreCase("-inf")
                        ? Float.NEGATIVE_INFINITY
                        : bias.equalsIgnoreCase("+inf") ? Float.POSITIVE_INFINITY : Float.parseFloat(bias);
                biases.put(token, value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "--logit-bias must look like ID+BIAS or ID-BIAS, got '" + entry + "'");
            }
        }
        return biases;
    }
}
