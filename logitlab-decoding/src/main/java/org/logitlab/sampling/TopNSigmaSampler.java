package org.logitlab.sampling;

/**
 * Top-nσ (Tang et al. 2024, "Top-nσ: Not All Logits Are You Need"; llama.cpp {@code top-n-sigma}):
 * masks every candidate whose logit is below max − n·σ, σ being the standard deviation of the unmasked
 * logits. Masked tokens stay as −∞ candidates with probability 0, then candidates are sorted. n ≤ 0
 * disables.
 */
public final class TopNSigmaSampler implements Sampler {
    private final double n;

    public TopNSigmaSampler(double n) {
        this.n = Validation.finite("top_n_sigma", n);
    }

    @Override
    public String name() {
        return "top-n-sigma";
    }

    @Override
    public void apply(Candidates candidates) {
        int size = candidates.size();
        if (n <= 0 || size <= 1) {
            return;
        }
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        int unmasked = 0;
        for (int i = 0; i < size; i++) {
            float logit = candidates.logit(i);
            if (logit != Float.NEGATIVE_INFINITY) {
                max = Math.max(max, logit);
                sum += logit;
                unmasked++;
            }
        }
        double mean = unmasked > 0 ? sum / unmasked : 0;
        double squares = 0;
        for (int i = 0; i < size; i++) {
            float logit = candidates.logit(i);
            if (logit != Float.NEGATIVE_INFINITY) {
                squares += (logit - mean) * (logit - mean);
            }
        }
        double standardDeviation = unmasked > 0 ? Math.sqrt(squares / unmasked) : 0;
        double threshold = max - n * standardDeviation;
        for (int i = 0; i < size; i++) {
            if (candidates.logit(i) < threshold) {
                candidates.setLogit(i, Float.NEGATIVE_INFINITY);
            }
        }
        candidates.sortByLogitDescending();
    }

    @Override
    public Sampler copy() {
        return this;
    }
}
