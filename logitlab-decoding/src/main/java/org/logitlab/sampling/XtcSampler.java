package org.logitlab.sampling;

import java.util.random.RandomGenerator;

/**
 * Exclude Top Choices (XTC; p-e-w, text-generation-webui PR 6335; llama.cpp {@code xtc}): with
 * probability {@code probability}, removes every candidate with p ≥ threshold except the least likely
 * of them, steering away from the most predictable continuations. Does nothing when fewer than two
 * tokens reach the threshold, when threshold > 0.5, or when fewer than {@code minKeep} would remain.
 */
public final class XtcSampler implements Sampler {
    private final double probability;
    private final double threshold;
    private final int minKeep;
    private final long seed;
    private RandomGenerator.JumpableGenerator random;

    public XtcSampler(double probability, double threshold, int minKeep, long seed) {
        this.probability = Validation.closed("xtc_probability", probability, 0.0, 1.0);
        this.threshold = Validation.closed("xtc_threshold", threshold, 0.0, 1.0);
        this.minKeep = Validation.atLeast("min_keep", minKeep, 0);
        this.seed = seed;
        this.random = SeededRandom.create(seed);
    }

    private XtcSampler(XtcSampler other) {
        this.probability = other.probability;
        this.threshold = other.threshold;
        this.minKeep = other.minKeep;
        this.seed = other.seed;
        this.random = other.random.copy();
    }

    @Override
    public String name() {
        return "xtc";
    }

    /** True when {@link #apply} can change the candidates (probability > 0 and threshold ≤ 0.5). */
    public boolean isActive() {
        return probability > 0 && threshold <= 0.5;
    }

    @Override
    public void apply(Candidates candidates) {
        if (probability <= 0 || threshold > 0.5 || candidates.size() < 2) {
            return;
        }
        if (random.nextFloat() > probability) {
            return;
        }
        candidates.sortByLogitDescending();
        int lastAbove = 0;
        for (int i = 0; i < candidates.size(); i++) {
            if (candidates.probability(i) >= threshold) {
                lastAbove = i;
            } else {
                break;
            }
        }
        if (candidates.size() - lastAbove >= minKeep && lastAbove > 0) {
            candidates.dropFirst(lastAbove);
        }
    }

    @Override
    public void reset() {
        random = SeededRandom.create(seed);
    }

    @Override
    public Sampler copy() {
        return new XtcSampler(this);
    }
}
