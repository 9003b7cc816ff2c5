package org.logitlab.sampling;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every sampling option, with llama.cpp's defaults ({@code common_params_sampling} in common.h) and the
 * same meaning of "disabled" values. Validated on construction; messages name parameter and value.
 *
 * @param seed seed for every random sampler; negative means "draw one at chain construction" (llama.cpp's
 *     LLAMA_DEFAULT_SEED)
 * @param minKeep samplers keep at least this many tokens (0 = no minimum)
 * @param topK 0 = whole vocabulary
 * @param topP in (0, 1]; 1 disables
 * @param minP in [0, 1]; 0 disables
 * @param xtcProbability in [0, 1]; 0 disables
 * @param xtcThreshold in [0, 1]; above 0.5 disables
 * @param typicalP in (0, 1]; 1 disables
 * @param temperature ≤ 0 samples greedily
 * @param dynamicTemperatureRange ≥ 0; 0 disables dynamic temperature
 * @param dynamicTemperatureExponent ≥ 0
 * @param repeatLastN window for penalties; −1 = context size, 0 disables
 * @param repeatPenalty > 0; 1 disables
 * @param dryMultiplier ≥ 0; 0 disables DRY
 * @param dryBase ≥ 0; below 1 disables DRY
 * @param dryPenaltyLastN −1 = context size, 0 disables
 * @param mirostat 0 off, 1 Mirostat, 2 Mirostat 2.0
 * @param topNSigma ≤ 0 disables
 * @param epsilonCutoff in [0, 1); 0 disables (Hewitt et al. 2022)
 * @param etaCutoff in [0, 1); 0 disables (Hewitt et al. 2022)
 * @param logitBias token → bias; −∞ bans a token
 * @param samplers order of the configurable samplers (llama.cpp {@code --samplers})
 */
public record SamplerSettings(
        long seed,
        int minKeep,
        int topK,
        double topP,
        double minP,
        double xtcProbability,
        double xtcThreshold,
        double typicalP,
        double temperature,
        double dynamicTemperatureRange,
        double dynamicTemperatureExponent,
        int repeatLastN,
        double repeatPenalty,
        double frequencyPenalty,
        double presencePenalty,
        double dryMultiplier,
        double dryBase,
        int dryAllowedLength,
        int dryPenaltyLastN,
        List<String> drySequenceBreakers,
        int mirostat,
        double mirostatTau,
        double mirostatEta,
        double topNSigma,
        double epsilonCutoff,
        double etaCutoff,
        Map<Integer, Float> logitBias,
        List<SamplerType> samplers) {

    public static final long RANDOM_SEED = -1;
    public static final List<String> DEFAULT_DRY_SEQUENCE_BREAKERS = List.of("\n", ":", "\"", "*");

    public SamplerSettings {
        Validation.atLeast("min_keep", minKeep, 0);
        Validation.atLeast("top_k", topK, 0);
        Validation.leftOpen("top_p", topP, 0.0, 1.0);
        Validation.closed("min_p", minP, 0.0, 1.0);
        Validation.closed("xtc_probability", xtcProbability, 0.0, 1.0);
        Validation.closed("xtc_threshold", xtcThreshold, 0.0, 1.0);
        Validation.leftOpen("typical_p", typicalP, 0.0, 1.0);
        Validation.finite("temperature", temperature);
        Validation.atLeast("dynatemp_range", dynamicTemperatureRange, 0.0);
        Validation.atLeast("dynatemp_exponent", dynamicTemperatureExponent, 0.0);
        Validation.atLeast("repeat_last_n", repeatLastN, -1);
        Validation.positive("repeat_penalty", repeatPenalty);
        Validation.finite("frequency_penalty", frequencyPenalty);
        Validation.finite("presence_penalty", presencePenalty);
        Validation.atLeast("dry_multiplier", dryMultiplier, 0.0);
        Validation.atLeast("dry_base", dryBase, 0.0);
        Validation.atLeast("dry_allowed_length", dryAllowedLength, 0);
        Validation.atLeast("dry_penalty_last_n", dryPenaltyLastN, -1);
        if (drySequenceBreakers == null || drySequenceBreakers.stream().anyMatch(b -> b == null || b.isEmpty())) {
            throw new IllegalArgumentException(
                    "dry_sequence_breakers must be a list of non-empty strings, got " + drySequenceBreakers);
        }
        drySequenceBreakers = List.copyOf(drySequenceBreakers);
        if (mirostat < 0 || mirostat > 2) {
            throw new IllegalArgumentException("mirostat must be 0, 1 or 2, got " + mirostat);
        }
        Validation.atLeast("mirostat_tau", mirostatTau, 0.0);
        Validation.atLeast("mirostat_eta", mirostatEta, 0.0);
        Validation.finite("top_n_sigma", topNSigma);
        Validation.rightOpen("epsilon_cutoff", epsilonCutoff, 0.0, 1.0);
        Validation.rightOpen("eta_cutoff", etaCutoff, 0.0, 1.0);
        if (logitBias == null) {
            throw new IllegalArgumentException("logit_bias must not be null");
        }
        new LogitBiasSampler(logitBias); // validates tokens and biases with the sampler's messages
        logitBias = Collections.unmodifiableMap(new TreeMap<>(logitBias));
        if (samplers == null || samplers.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("samplers must be a list without nulls, got " + samplers);
        }
        samplers = List.copyOf(samplers);
    }

    /** llama.cpp's defaults with a random seed. */
    public static SamplerSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private long seed = RANDOM_SEED;
        private int minKeep = 0;
        private int topK = 40;
        private double topP = 0.95;
        private double minP = 0.05;
        private double xtcProbability = 0.0;
        private double xtcThreshold = 0.10;
        private double typicalP = 1.0;
        private double temperature = 0.80;
        private double dynamicTemperatureRange = 0.0;
        private double dynamicTemperatureExponent = 1.0;
        private int repeatLastN = 64;
        private double repeatPenalty = 1.0;
        private double frequencyPenalty = 0.0;
        private double presencePenalty = 0.0;
        private double dryMultiplier = 0.0;
        private double dryBase = 1.75;
        private int dryAllowedLength = 2;
        private int dryPenaltyLastN = -1;
        private List<String> drySequenceBreakers = DEFAULT_DRY_SEQUENCE_BREAKERS;
        private int mirostat = 0;
        private double mirostatTau = 5.0;
        private double mirostatEta = 0.1;
        private double topNSigma = -1.0;
        private double epsilonCutoff = 0.0;
        private double etaCutoff = 0.0;
        private Map<Integer, Float> logitBias = Map.of();
        private List<SamplerType> samplers = SamplerType.DEFAULT_ORDER;

        private Builder() {}

        private Builder(SamplerSettings settings) {
            seed = settings.seed;
            minKeep = settings.minKeep;
            topK = settings.topK;
            topP = settings.topP;
            minP = settings.minP;
            xtcProbability = settings.xtcProbability;
            xtcThreshold = settings.xtcThreshold;
            typicalP = settings.typicalP;
            temperature = settings.temperature;
            dynamicTemperatureRange = settings.dynamicTemperatureRange;
            dynamicTemperatureExponent = settings.dynamicTemperatureExponent;
            repeatLastN = settings.repeatLastN;
            repeatPenalty = settings.repeatPenalty;
            frequencyPenalty = settings.frequencyPenalty;
            presencePenalty = settings.presencePenalty;
            dryMultiplier = settings.dryMultiplier;
            dryBase = settings.dryBase;
            dryAllowedLength = settings.dryAllowedLength;
            dryPenaltyLastN = settings.dryPenaltyLastN;
            drySequenceBreakers = settings.drySequenceBreakers;
            mirostat = settings.mirostat;
            mirostatTau = settings.mirostatTau;
            mirostatEta = settings.mirostatEta;
            topNSigma = settings.topNSigma;
            epsilonCutoff = settings.epsilonCutoff;
            etaCutoff = settings.etaCutoff;
            logitBias = settings.logitBias;
            samplers = settings.samplers;
        }

        public Builder seed(long value) {
            seed = value;
            return this;
        }

        public Builder minKeep(int value) {
            minKeep = value;
            return this;
        }

        public Builder topK(int value) {
            topK = value;
            return this;
        }

        public Builder topP(double value) {
            topP = value;
            return this;
        }

        public Builder minP(double value) {
            minP = value;
            return this;
        }

        public Builder xtcProbability(double value) {
            xtcProbability = value;
            return this;
        }

        public Builder xtcThreshold(double value) {
            xtcThreshold = value;
            return this;
        }

        public Builder typicalP(double value) {
            typicalP = value;
            return this;
        }

        public Builder temperature(double value) {
            temperature = value;
            return this;
        }

        public Builder dynamicTemperatureRange(double value) {
            dynamicTemperatureRange = value;
            return this;
        }

        public Builder dynamicTemperatureExponent(double value) {
            dynamicTemperatureExponent = value;
            return this;
        }

        public Builder repeatLastN(int value) {
            repeatLastN = value;
            return this;
        }

        public Builder repeatPenalty(double value) {
            repeatPenalty = value;
            return this;
        }

        public Builder frequencyPenalty(double value) {
            frequencyPenalty = value;
            return this;
        }

        public Builder presencePenalty(double value) {
            presencePenalty = value;
            return this;
        }

        public Builder dryMultiplier(double value) {
            dryMultiplier = value;
            return this;
        }

        public Builder dryBase(double value) {
            dryBase = value;
            return this;
        }

        public Builder dryAllowedLength(int value) {
            dryAllowedLength = value;
            return this;
        }

        public Builder dryPenaltyLastN(int value) {
            dryPenaltyLastN = value;
            return this;
        }

        public Builder drySequenceBreakers(List<String> value) {
            drySequenceBreakers = value;
            return this;
        }

        public Builder mirostat(int value) {
            mirostat = value;
            return this;
        }

        public Builder mirostatTau(double value) {
            mirostatTau = value;
            return this;
        }

        public Builder mirostatEta(double value) {
            mirostatEta = value;
            return this;
        }

        public Builder topNSigma(double value) {
            topNSigma = value;
            return this;
        }

        public Builder epsilonCutoff(double value) {
            epsilonCutoff = value;
            return this;
        }

        public Builder etaCutoff(double value) {
            etaCutoff = value;
            return this;
        }

        public Builder logitBias(Map<Integer, Float> value) {
            logitBias = value;
            return this;
        }

        public Builder samplers(List<SamplerType> value) {
            samplers = value;
            return this;
        }

        /** Order as llama.cpp's {@code --samplers "top_k;top_p;..."}; unknown names list the valid ones. */
        public Builder samplers(String order) {
            samplers = SamplerType.parseOrder(order);
            return this;
        }

        public SamplerSettings build() {
            return new SamplerSettings(
                    seed,
                    minKeep,
                    topK,
                    topP,
                    minP,
                    xtcProbability,
                    xtcThreshold,
                    typicalP,
                    temperature,
                    dynamicTemperatureRange,
                    dynamicTemperatureExponent,
                    repeatLastN,
                    repeatPenalty,
                    frequencyPenalty,
                    presencePenalty,
                    dryMultiplier,
                    dryBase,
                    dryAllowedLength,
                    dryPenaltyLastN,
                    drySequenceBreakers,
                    mirostat,
                    mirostatTau,
                    mirostatEta,
                    topNSigma,
                    epsilonCutoff,
                    etaCutoff,
                    logitBias,
                    samplers);
        }
    }
}
