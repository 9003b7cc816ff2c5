package org.logitlab.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.logitlab.distribution.TokenLogProb;
import org.logitlab.server.scheduler.ScoredToken;
import org.logitlab.tokenizer.Tokenizer;

/**
 * The legacy completions {@code logprobs} object: parallel arrays {@code tokens}, {@code token_logprobs},
 * {@code top_logprobs} (token → log-prob maps; null for the first echoed prompt token, which nothing predicts)
 * and {@code text_offset}. With the logitlab extension {@code distribution_statistics}, also {@code entropies}
 * and {@code kurtoses} of each token's distribution (null where undefined). Log-probs are the model's raw ones,
 * before any sampler, as OpenAI reports them.
 */
final class CompletionLogProbs {
    private final ObjectNode json = Json.object();
    private final ArrayNode tokens = json.putArray("tokens");
    private final ArrayNode tokenLogProbs = json.putArray("token_logprobs");
    private final ArrayNode topLogProbs = json.putArray("top_logprobs");
    private final ArrayNode textOffsets = json.putArray("text_offset");
    private final ArrayNode entropies;
    private final ArrayNode kurtoses;

    CompletionLogProbs(boolean distributionStatistics) {
        entropies = distributionStatistics ? json.putArray("entropies") : null;
        kurtoses = distributionStatistics ? json.putArray("kurtoses") : null;
    }

    void add(Tokenizer tokenizer, ScoredToken token, int textOffset) {
        tokens.add(TokenStrings.display(tokenizer, token.id()));
        Json.addLogProb(tokenLogProbs, token.logProb());
        if (token.logProb() == null) {
            topLogProbs.addNull();
        } else {
            topLogProbs.add(topMap(tokenizer, token.top()));
        }
        textOffsets.add(textOffset);
        if (entropies != null) {
            addStatistic(entropies, token.entropy());
            addStatistic(kurtoses, token.kurtosis());
        }
    }

    private static ObjectNode topMap(Tokenizer tokenizer, List<TokenLogProb> top) {
        ObjectNode map = Json.object();
        for (TokenLogProb alternative : top) {
            String key = TokenStrings.display(tokenizer, alternative.id());
            if (!map.has(key)) { // two tokens can spell the same text; keep the more likely one
                Json.putLogProb(map, key, alternative.logProb());
            }
        }
        return map;
    }

    private static void addStatistic(ArrayNode array, double value) {
        if (Double.isFinite(value)) {
            array.add(value);
        } else {
            array.addNull();
        }
    }

    ObjectNode json() {
        return json;
    }
}
