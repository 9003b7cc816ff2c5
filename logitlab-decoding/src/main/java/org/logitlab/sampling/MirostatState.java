package org.logitlab.sampling;

import java.util.random.RandomGenerator;

/**
 * What Mirostat v1 and v2 share (Basu et al. 2021): the target surprise τ, the learning rate η, the current
 * maximum surprise μ (starting at 2τ) and the seeded generator; and their common last step — pick among the
 * truncated candidates, then move μ by −η · (surprise − τ), surprise = −log₂ p(picked).
 */
final class MirostatState {
    private final long seed;
    private final double tau;
    private final double eta;
    private double mu;
    private RandomGenerator.JumpableGenerator random;

    MirostatState(long seed, double tau, double eta) {
        this.seed = seed;
        this.tau = Validation.atLeast("mirostat_tau", tau, 0.0);
        this.eta = Validation.atLeast("mirostat_eta", eta, 0.0);
        reset();
    }

    private MirostatState(MirostatState other) {
        this.seed = other.seed;
        this.tau = other.tau;
        this.eta = other.eta;
        this.mu = other.mu;
        this.random = other.random.copy();
    }

    double mu() {
        return mu;
    }

    /** Picks among the (already truncated) candidates and adapts μ to the picked token's surprise. */
    void pickAndAdapt(Candidates candidates) {
        int picked = SeededRandom.pickIndex(candidates, random);
        candidates.select(picked);
        mu -= eta * (surprise(candidates.probability(picked)) - tau);
    }

    /** −log₂ p. */
    static double surprise(double probability) {
        return -Math.log(probability) / Math.log(2);
    }

    void reset() {
        mu = 2 * tau;
        random = SeededRandom.create(seed);
    }

    MirostatState copy() {
        return new MirostatState(this);
    }
}
