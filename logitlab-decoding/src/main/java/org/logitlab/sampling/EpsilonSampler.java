package org.logitlab.sampling;

/**
 * ε-sampling (Hewitt, Manning & Liang 2022, "Truncation Sampling as Language Model Desmoothing"):
 * drops every candidate with probability below ε, always keeping the most likely token. Not in
 * llama.cpp; HF's {@code EpsilonLogitsWarper}. ε = 0 disables.
 */
public final class EpsilonSampler implements Sampler {
    private final double epsilon;

    public EpsilonSampler(double epsilon) {
        this.epsilon = Validation.rightOpen("epsilon_cutoff", epsilon, 0.0, 1.0);
    }

    @Override
    public String name() {
        return "epsilon";
    }

    @Override
    public void apply(Candidates candidates) {
        if (epsilon > 0) {
            truncateBelow(candidates, epsilon);
        }
    }

    /** Keeps candidates with p ≥ threshold, or only the first most likely one if none reaches it. */
    static void truncateBelow(Candidates candidates, double threshold) {
        int best = 0;
        boolean anyPasses = false;
        for (int i = 0; i < candidates.size(); i++) {
            float probability = candidates.probability(i);
            if (probability > candidates.probability(best)) {
                best = i;
            }
            anyPasses |= probability >= threshold;
        }
        int onlyBest = best;
        if (anyPasses) {
            candidates.retainIndices(i -> candidates.probability(i) >= threshold);
        } else {
            candidates.retainIndices(i -> i == onlyBest);
        }
    }

    @Override
    public Sampler copy() {
        return this;
    }
}
