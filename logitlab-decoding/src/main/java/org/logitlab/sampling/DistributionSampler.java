package org.logitlab.sampling;

import java.util.random.RandomGenerator;

/**
 * Draws a candidate from the softmax of the current candidates with a seeded generator (llama.cpp
 * {@code dist}). Same seed and same candidates → same picks; {@link #reset} re-seeds.
 */
public final class DistributionSampler implements PickingSampler {
    private final long seed;
    private RandomGenerator.JumpableGenerator random;

    public DistributionSampler(long seed) {
        this.seed = seed;
        this.random = SeededRandom.create(seed);
    }

    private DistributionSampler(DistributionSampler other) {
        this.seed = other.seed;
        this.random = other.random.copy();
    }

    @Override
    public String name() {
        return "dist";
    }

    public long seed() {
        return seed;
    }

    @Override
    public void apply(Candidates candidates) {
        candidates.select(SeededRandom.pickIndex(candidates, random));
    }

    @Override
    public void reset() {
        random = SeededRandom.create(seed);
    }

    @Override
    public Sampler copy() {
        return new DistributionSampler(this);
    }
}
