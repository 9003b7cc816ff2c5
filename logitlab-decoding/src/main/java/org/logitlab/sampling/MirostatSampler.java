package org.logitlab.sampling;

/**
 * Mirostat v1 (Basu et al. 2021, "Mirostat: A Neural Text Decoding Algorithm that Directly Controls
 * Perplexity", Algorithm 1; llama.cpp {@code mirostat}). Estimates the Zipf exponent ŝ from the top m
 * probabilities, derives k = (ε̂ · 2^μ / (1 − N^−ε̂))^(1/ŝ) with ε̂ = ŝ − 1, samples from the top k, and
 * moves μ by −η · (surprise − τ), surprise = −log₂ p(picked). μ starts at 2τ.
 */
public final class MirostatSampler implements PickingSampler {
    private final int vocabularySize;
    private final int m;
    private final MirostatState state;

    public MirostatSampler(int vocabularySize, long seed, double tau, double eta, int m) {
        this.vocabularySize = Validation.atLeast("vocabulary_size", vocabularySize, 1);
        this.m = Validation.atLeast("mirostat_m", m, 2);
        this.state = new MirostatState(seed, tau, eta);
    }

    private MirostatSampler(MirostatSampler other) {
        this.vocabularySize = other.vocabularySize;
        this.m = other.m;
        this.state = other.state.copy();
    }

    @Override
    public String name() {
        return "mirostat";
    }

    /** Current target maximum surprise μ (bits). */
    public double mu() {
        return state.mu();
    }

    @Override
    public void apply(Candidates candidates) {
        candidates.sortByLogitDescending();
        double sumTimesB = 0;
        double sumTSquared = 0;
        for (int i = 0; i < m - 1 && i < candidates.size() - 1; i++) {
            double next = candidates.probability(i + 1);
            if (next <= 0) {
                break; // log of a ratio with 0 is undefined; masked tokens carry no Zipf information
            }
            double t = Math.log((i + 2.0) / (i + 1.0));
            double b = Math.log(candidates.probability(i) / next);
            sumTimesB += t * b;
            sumTSquared += t * t;
        }
        double zipfExponent = sumTimesB / sumTSquared;
        double epsilonHat = zipfExponent - 1;
        double k = Math.pow(
                (epsilonHat * Math.pow(2, state.mu())) / (1 - Math.pow(vocabularySize, -epsilonHat)), 1 / zipfExponent);
        // Java's (int) cast maps NaN to 0 and +∞ to Integer.MAX_VALUE, so a degenerate estimate
        // (a single candidate, a flat top) degrades to greedy or to no truncation.
        int keep = (int) Math.min(Math.max(k, 1), candidates.size());
        candidates.keepTop(Math.max(keep, 1));
        state.pickAndAdapt(candidates);
    }

    @Override
    public void reset() {
        state.reset();
    }

    @Override
    public Sampler copy() {
        return new MirostatSampler(this);
    }
}
