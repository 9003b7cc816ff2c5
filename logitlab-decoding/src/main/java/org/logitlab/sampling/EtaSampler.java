package org.logitlab.sampling;

/**
 * η-sampling (Hewitt, Manning & Liang 2022): drops candidates with p below min(η, √η · exp(−H)), H being
 * the entropy (nats) of the current candidates, so a flat distribution is truncated less; the most
 * likely token is always kept. Not in llama.cpp; HF's {@code EtaLogitsWarper}. η = 0 disables.
 */
public final class EtaSampler implements Sampler {
    private final double eta;

    public EtaSampler(double eta) {
        this.eta = Validation.rightOpen("eta_cutoff", eta, 0.0, 1.0);
    }

    @Override
    public String name() {
        return "eta";
    }

    @Override
    public void apply(Candidates candidates) {
        if (eta <= 0) {
            return;
        }
        double entropy = 0;
        for (int i = 0; i < candidates.size(); i++) {
            double probability = candidates.probability(i);
            if (probability > 0) {
                entropy -= probability * Math.log(probability);
            }
        }
        double threshold = Math.min(eta, Math.sqrt(eta) * Math.exp(-entropy));
        EpsilonSampler.truncateBelow(candidates, threshold);
    }

    @Override
    public Sampler copy() {
        return this;
    }
}
