package org.logitlab.analysis.scoring;

import org.logitlab.distribution.Distribution;

/**
 * Statistics of one position computed from two aligned logit rows: the scored model's distribution p and a reference
 * model's distribution q over the same vocabulary.
 *
 * <p>Fast-DetectGPT with a sampling/scoring pair (Bao et al. 2024, eq. 5) needs the expectation and variance of the
 * SCORING model's log-prob under the SAMPLING model's distribution: μ_t = Σ_v q_v log p_v and σ_t² = Σ_v q_v (log
 * p_v)² − μ_t². Binoculars (Hans et al. 2024, eq. 3) needs the cross-entropy of the observer's distribution against
 * the performer's log-probs: −Σ_v p_v log q_v, with the scored model as observer and the reference as performer.
 *
 * @param referenceLogProb log q(x_t), the reference model's log-prob of the actual token
 * @param meanLogProbUnderReference E_q[log p]
 * @param varianceLogProbUnderReference Var_q[log p]
 * @param meanReferenceLogProbUnderModel E_p[log q] (the negative Binoculars cross-entropy term)
 */
public record CrossStatistics(
        double referenceLogProb,
        double meanLogProbUnderReference,
        double varianceLogProbUnderReference,
        double meanReferenceLogProbUnderModel) {

    /** The statistics of the actual token {@code token} given the model's and the reference's distributions. */
    public static CrossStatistics of(int token, Distribution model, Distribution reference) {
        if (model.size() != reference.size()) {
            throw new IllegalArgumentException("model and reference distributions must share a vocabulary, got sizes "
                    + model.size() + " and " + reference.size());
        }
        double[] modelLogProbs = model.logProbs();
        double[] referenceLogProbs = reference.logProbs();
        double[] referenceWeights = new double[referenceLogProbs.length];
        double mean = 0.0;
        double reverseMean = 0.0;
        for (int v = 0; v < modelLogProbs.length; v++) {
            referenceWeights[v] = Math.exp(referenceLogProbs[v]);
            if (referenceWeights[v] > 0.0) { // a masked token (weight 0, log −∞) adds nothing, not NaN
                mean += referenceWeights[v] * modelLogProbs[v];
            }
            double modelWeight = Math.exp(modelLogProbs[v]);
            if (modelWeight > 0.0) {
                reverseMean += modelWeight * referenceLogProbs[v];
            }
        }
        // Second pass around the mean rather than E[x²] − μ², which cancels badly for peaked distributions.
        double variance = 0.0;
        for (int v = 0; v < modelLogProbs.length; v++) {
            if (referenceWeights[v] > 0.0) {
                double deviation = modelLogProbs[v] - mean;
                variance += referenceWeights[v] * deviation * deviation;
            }
        }
        return new CrossStatistics(referenceLogProbs[token], mean, variance, reverseMean);
    }
}
