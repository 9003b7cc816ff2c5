package org.logitlab.server.scheduler;

import java.util.List;
import org.logitlab.distribution.TokenLogProb;

/**
 * A token with what the model thought of it at its position: the raw (pre-sampler) log-probability, the top
 * alternatives of the same distribution and, when asked for, its entropy and kurtosis.
 *
 * @param logProb null for the first prompt token, which no distribution predicts
 * @param entropy entropy in nats of the distribution the token was drawn from; NaN when not computed
 * @param kurtosis kurtosis of log p under that distribution; NaN when not computed or undefined
 */
public record ScoredToken(int id, Double logProb, List<TokenLogProb> top, double entropy, double kurtosis) {
    public ScoredToken {
        top = List.copyOf(top);
    }
}
