package org.logitlab.sampling;

import java.util.ArrayList;
import java.util.List;
import org.logitlab.distribution.Distribution;
import org.logitlab.distribution.TokenLogProb;
import org.logitlab.distribution.TopK;

/**
 * Log-probabilities reported for one generated token, in two views: the model's raw distribution
 * (what scoring and analysis need, and what OpenAI-style {@code logprobs} report) and the post-chain
 * distribution the token was actually drawn from (tokens removed by the chain have probability 0,
 * log-prob −∞).
 *
 * @param token the emitted token
 * @param logProb its natural-log probability under the raw distribution
 * @param rank its rank in the raw distribution (1 = most likely)
 * @param sampledLogProb its log-probability under the post-chain distribution
 * @param topRaw the top-N of the raw distribution
 * @param topSampled the top-N of the post-chain distribution
 */
public record TokenLogProbs(
        int token,
        double logProb,
        int rank,
        double sampledLogProb,
        List<TokenLogProb> topRaw,
        List<TokenLogProb> topSampled) {

    public TokenLogProbs {
        topRaw = List.copyOf(topRaw);
        topSampled = List.copyOf(topSampled);
    }

    /**
     * @param raw the model's distribution at this position
     * @param postChain the chain's candidates after sampling ({@link SamplerChain#candidates()})
     * @param topN how many alternatives to report in each view (0 for none)
     */
    public static TokenLogProbs of(int token, Distribution raw, Candidates postChain, int topN) {
        if (raw == null || postChain == null) {
            throw new IllegalArgumentException("raw distribution and post-chain candidates must not be null");
        }
        if (topN < 0) {
            throw new IllegalArgumentException("topN must be >= 0, got " + topN);
        }
        List<TokenLogProb> topRaw = topN == 0 ? List.of() : raw.topK(Math.min(topN, raw.size()));
        return new TokenLogProbs(
                token,
                raw.logProb(token),
                raw.rank(token),
                sampledLogProb(postChain, token),
                topRaw,
                topSampled(postChain, topN));
    }

    /** log p(token) under the post-chain distribution; −∞ if the chain removed it. */
    public static double sampledLogProb(Candidates postChain, int token) {
        for (int i = 0; i < postChain.size(); i++) {
            if (postChain.id(i) == token) {
                return Math.log(postChain.probability(i));
            }
        }
        return Double.NEGATIVE_INFINITY;
    }

    /** The N most likely tokens of the post-chain distribution, by descending probability then lower id. */
    public static List<TokenLogProb> topSampled(Candidates postChain, int topN) {
        int count = Math.min(topN, postChain.size());
        if (count == 0) {
            return List.of();
        }
        int[] ids = postChain.ids();
        float[] probabilities = postChain.probabilities();
        TopK.partialSortDescending(ids, probabilities, null, ids.length, count);
        List<TokenLogProb> top = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            top.add(new TokenLogProb(ids[i], Math.min(0.0, Math.log(probabilities[i]))));
        }
        return top;
    }
}
