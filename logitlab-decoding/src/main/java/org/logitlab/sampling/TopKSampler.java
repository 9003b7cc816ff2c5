package org.logitlab.sampling;

/** Keeps the k highest-logit candidates, sorted (Fan et al. 2018; llama.cpp {@code top-k}); k ≤ 0 disables. */
public final class TopKSampler implements Sampler {
    private final int k;

    /** @param k tokens to keep; 0 keeps the whole vocabulary, as llama.cpp's {@code top_k <= 0} */
    public TopKSampler(int k) {
        this.k = Validation.atLeast("top_k", k, 0);
    }

    @Override
    public String name() {
        return "top-k";
    }

    @Override
    public void apply(Candidates candidates) {
        if (k <= 0) {
            return;
        }
        candidates.keepTop(Math.min(k, candidates.size()));
    }

    @Override
    public Sampler copy() {
        return this;
    }
}
