package org.logitlab.sampling;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Builds a {@link SamplerChain} from {@link SamplerSettings} the way llama.cpp's
 * {@code common_sampler_init} does: logit bias first (when any), then — without Mirostat — the
 * configured samplers in order and a final {@code dist}; with Mirostat 1 or 2, only temperature and the
 * Mirostat sampler (Mirostat replaces the truncation samplers and penalties). Temperature ≤ 0 ends the
 * chain in {@code greedy} (the temperature step has already masked all but the top token, as llama.cpp).
 */
public final class SamplerChains {
    /** llama.cpp passes m = 100 to Mirostat v1. */
    private static final int MIROSTAT_M = 100;

    private SamplerChains() {}

    /** A chain for a vocabulary without token texts: DRY then has no sequence breakers. */
    public static SamplerChain create(SamplerSettings settings, int vocabularySize, int contextSize) {
        return create(settings, vocabularySize, contextSize, null, null);
    }

    /**
     * @param contextSize the model's context length, for {@code repeat_last_n}/{@code dry_penalty_last_n} = −1
     * @param tokenText token id → text, for DRY sequence breakers; may be null when DRY is off
     * @param tokenizer text → token ids, for breakers spanning tokens; may be null
     */
    public static SamplerChain create(
            SamplerSettings settings,
            int vocabularySize,
            int contextSize,
            IntFunction<String> tokenText,
            Function<String, int[]> tokenizer) {
        if (settings == null) {
            throw new IllegalArgumentException("settings must not be null");
        }
        Validation.atLeast("vocabularySize", vocabularySize, 1);
        Validation.atLeast("contextSize", contextSize, 1);
        for (int token : settings.logitBias().keySet()) {
            if (token >= vocabularySize) {
                throw new IllegalArgumentException(
                        "logit_bias token must be < vocabulary size " + vocabularySize + ", got " + token);
            }
        }
        long seed = settings.seed() >= 0 ? settings.seed() : new SecureRandom().nextLong() >>> 1;
        List<Sampler> samplers = new ArrayList<>();
        if (!settings.logitBias().isEmpty()) {
            samplers.add(new LogitBiasSampler(settings.logitBias()));
        }
        switch (settings.mirostat()) {
            case 0 -> {
                for (SamplerType type : settings.samplers()) {
                    samplers.add(create(type, settings, seed, vocabularySize, contextSize, tokenText, tokenizer));
                }
                samplers.add(settings.temperature() <= 0 ? new GreedySampler() : new DistributionSampler(seed));
            }
            case 1 -> {
                samplers.add(new TemperatureSampler(settings.temperature()));
                samplers.add(new MirostatSampler(
                        vocabularySize, seed, settings.mirostatTau(), settings.mirostatEta(), MIROSTAT_M));
            }
            case 2 -> {
                samplers.add(new TemperatureSampler(settings.temperature()));
                samplers.add(new MirostatV2Sampler(seed, settings.mirostatTau(), settings.mirostatEta()));
            }
            default -> throw new IllegalArgumentException("mirostat must be 0, 1 or 2, got " + settings.mirostat());
        }
        return new SamplerChain(vocabularySize, samplers);
    }

    private static Sampler create(
            SamplerType type,
            SamplerSettings settings,
            long seed,
            int vocabularySize,
            int contextSize,
            IntFunction<String> tokenText,
            Function<String, int[]> tokenizer) {
        return switch (type) {
            case PENALTIES ->
                new PenaltiesSampler(
                        settings.repeatLastN() == -1 ? contextSize : settings.repeatLastN(),
                        settings.repeatPenalty(),
                        settings.frequencyPenalty(),
                        settings.presencePenalty());
            case DRY ->
                DrySampler.withTextBreakers(
                        contextSize,
                        settings.dryMultiplier(),
                        settings.dryBase(),
                        settings.dryAllowedLength(),
                        settings.dryPenaltyLastN(),
                        tokenText == null ? List.of() : settings.drySequenceBreakers(),
                        vocabularySize,
                        tokenText,
                        tokenizer);
            case TOP_N_SIGMA -> new TopNSigmaSampler(settings.topNSigma());
            case TOP_K -> new TopKSampler(settings.topK());
            case TYPICAL_P -> new TypicalSampler(settings.typicalP(), settings.minKeep());
            case TOP_P -> new TopPSampler(settings.topP(), settings.minKeep());
            case MIN_P -> new MinPSampler(settings.minP(), settings.minKeep());
            case XTC -> new XtcSampler(settings.xtcProbability(), settings.xtcThreshold(), settings.minKeep(), seed);
            case TEMPERATURE ->
                new TemperatureSampler(
                        settings.temperature(),
                        settings.dynamicTemperatureRange(),
                        settings.dynamicTemperatureExponent());
            case EPSILON -> new EpsilonSampler(settings.epsilonCutoff());
            case ETA -> new EtaSampler(settings.etaCutoff());
        };
    }
}
