package org.logitlab.sampling;

/**
 * Mirostat 2.0 (Basu et al. 2021; llama.cpp {@code mirostat-v2}): keeps the sorted candidates whose
 * surprise −log₂ p is at most μ (at least one), samples among them, and moves μ by −η · (surprise − τ).
 * μ starts at 2τ.
 */
public final class MirostatV2Sampler implements PickingSampler {
    private final MirostatState state;

    public MirostatV2Sampler(long seed, double tau, double eta) {
        this.state = new MirostatState(seed, tau, eta);
    }

    private MirostatV2Sampler(MirostatV2Sampler other) {
        this.state = other.state.copy();
    }

    @Override
    public String name() {
        return "mirostat-v2";
    }

    /** Current target maximum surprise μ (bits). */
    public double mu() {
        return state.mu();
    }

    @Override
    public void apply(Candidates candidates) {
        candidates.sortByLogitDescending();
        int keep = 0;
        while (keep < candidates.size() && MirostatState.surprise(candidates.probability(keep)) <= state.mu()) {
            keep++;
        }
        candidates.truncate(Math.max(keep, 1));
        state.pickAndAdapt(candidates);
    }

    @Override
    public void reset() {
        state.reset();
    }

    @Override
    public Sampler copy() {
        return new MirostatV2Sampler(this);
    }
}
