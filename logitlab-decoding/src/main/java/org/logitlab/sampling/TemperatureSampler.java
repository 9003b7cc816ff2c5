package org.logitlab.sampling;

/**
 * Temperature, static or entropy-based dynamic (llama.cpp {@code temp} / {@code temp-ext}).
 *
 * <p>Static: logits ← logits / T. T ≤ 0 keeps only the first highest-logit candidate and masks the rest
 * with −∞, which makes any later picking sampler greedy, as llama.cpp does.
 *
 * <p>Dynamic (range δ > 0; "DynaTemp", Zhu et al. 2023 via llama.cpp): with H the entropy of the
 * current candidates and H_max = ln n, T = T_min + (T_max − T_min) · (H / H_max)^exponent where
 * T_min = max(0, T − δ) and T_max = T + δ.
 */
public final class TemperatureSampler implements Sampler {
    private final double temperature;
    private final double range;
    private final double exponent;

    public TemperatureSampler(double temperature) {
        this(temperature, 0.0, 1.0);
    }

    public TemperatureSampler(double temperature, double range, double exponent) {
        this.temperature = Validation.finite("temperature", temperature);
        this.range = Validation.atLeast("dynatemp_range", range, 0.0);
        this.exponent = Validation.atLeast("dynatemp_exponent", exponent, 0.0);
    }

    @Override
    public String name() {
        return range > 0 ? "temp-ext" : "temp";
    }

    @Override
    public void apply(Candidates candidates) {
        if (range <= 0) {
            scale(candidates, temperature);
            return;
        }
        int size = candidates.size();
        if (size <= 1) {
            return;
        }
        double minimumTemperature = Math.max(0.0, temperature - range);
        double maximumTemperature = temperature + range;
        double maximumEntropy = Math.log(size);
        candidates.sortByLogitDescending();
        double entropy = 0.0;
        for (int i = 0; i < size; i++) {
            double probability = candidates.probability(i);
            if (probability > 0) {
                entropy -= probability * Math.log(probability);
            }
        }
        double normalizedEntropy = entropy / maximumEntropy;
        double dynamicTemperature =
                minimumTemperature + (maximumTemperature - minimumTemperature) * Math.pow(normalizedEntropy, exponent);
        scale(candidates, dynamicTemperature);
    }

    static void scale(Candidates candidates, double temperature) {
        if (temperature <= 0) {
            int best = 0;
            for (int i = 1; i < candidates.size(); i++) {
                if (candidates.logit(i) > candidates.logit(best)) {
                    best = i;
                }
            }
            for (int i = 0; i < candidates.size(); i++) {
                if (i != best) {
                    candidates.setLogit(i, Float.NEGATIVE_INFINITY);
                }
            }
            return;
        }
        if (temperature == 1.0) {
            return;
        }
        candidates.divideLogits(temperature);
    }

    @Override
    public Sampler copy() {
        return this;
    }
}
