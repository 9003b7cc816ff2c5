package org.logitlab.sampling;

/** Picks the highest-logit candidate, the first one on ties (llama.cpp {@code greedy}). */
public final class GreedySampler implements PickingSampler {
    @Override
    public String name() {
        return "greedy";
    }

    @Override
    public void apply(Candidates candidates) {
        int best = 0;
        for (int i = 1; i < candidates.size(); i++) {
            if (candidates.logit(i) > candidates.logit(best)) {
                best = i;
            }
        }
        candidates.select(best);
    }

    @Override
    public Sampler copy() {
        return this;
    }
}
