package org.logitlab.sampling;

import java.util.random.RandomGenerator;

/**
 * Mirostat 2.0 (Basu et al. 2021; llama.cpp {@code mirostat-v2}): keeps the sorted candidates whose
 * surprise −log₂ p is at most μ (at least one), samples among them, and moves μ by −η · (surprise − τ).
 * μ starts at 2τ.
 */
public final class MirostatV2Sampler implements PickingSampler {
    private final long seed;
    private final double tau;
    private final double eta;
    private double mu;
    private RandomGenerator.JumpableGenerator random;

    public MirostatV2Sampler(long seed, double tau, double eta) {
        this.seed = seed;
        this.tau = Validation.atLeast("mirostat_tau", tau, 0.0);
        this.eta = Validation.atLeast("mirostat_eta", eta, 0.0);
        this.mu = 2 * tau;
        this.random = SeededRandom.create(seed);
    }

    private MirostatV2Sampler(MirostatV2Sampler other) {
        this.seed = other.seed;
        this.tau = other.tau;
        this.eta = other.eta;
        this.mu = other.mu;
        this.random = other.random.copy();
    }

    @Override
    public String name() {
        return "mirostat-v2";
    }

    /** Current target maximum surprise μ (bits). */
    public double mu() {
        return mu;
    }

    @Override
    public void apply(Candidates candidates) {
        candidates.sortByLogitDescending();
        int keep = 0;
        while (keep < candidates.size() && -log2(candidates.probability(keep)) <= mu) {
            keep++;
        }
        candidates.truncate(Math.max(keep, 1));
        int picked = SeededRandom.pickIndex(candidates, random);
        candidates.select(picked);
        mu -= eta * (-log2(candidates.probability(picked)) - tau);
    }

    private static double log2(double value) {
        return Math.log(value) / Math.log(2);
    }

    @Override
    public void reset() {
        mu = 2 * tau;
        random = SeededRandom.create(seed);
    }

    @Override
    public Sampler copy() {
        return new MirostatV2Sampler(this);
    }
}
