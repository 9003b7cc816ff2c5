package org.logitlab.sampling;

import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * The seeded generator behind every random sampler. llama.cpp uses mt19937; we only promise that the
 * same seed and the same options give the same tokens, so we use the JDK's Xoshiro256PlusPlus, whose
 * state can be copied ({@link RandomGenerator.JumpableGenerator#copy}) for {@link Sampler#copy}.
 */
final class SeededRandom {
    private static final String ALGORITHM = "Xoshiro256PlusPlus";

    private SeededRandom() {}

    static RandomGenerator.JumpableGenerator create(long seed) {
        return (RandomGenerator.JumpableGenerator)
                RandomGeneratorFactory.of(ALGORITHM).create(seed);
    }

    /**
     * Index i drawn with probability probabilities[i] / Σ probabilities (llama.cpp {@code
     * llama_sample_dist}): the first index whose running sum exceeds u·total. The strict comparison
     * means a zero-probability candidate is never picked.
     */
    static int pickIndex(Candidates candidates, RandomGenerator random) {
        int size = candidates.size();
        double total = 0.0;
        for (int i = 0; i < size; i++) {
            total += candidates.probability(i);
        }
        double target = random.nextDouble() * total;
        double cumulative = 0.0;
        int lastPositive = 0;
        for (int i = 0; i < size; i++) {
            float probability = candidates.probability(i);
            cumulative += probability;
            if (probability > 0f) {
                lastPositive = i;
                if (cumulative > target) {
                    return i;
                }
            }
        }
        return lastPositive; // rounding left target ≥ the sum: take the last token with mass
    }
}
