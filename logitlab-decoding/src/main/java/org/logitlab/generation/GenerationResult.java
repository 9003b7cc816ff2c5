package org.logitlab.generation;

import java.util.List;
import org.logitlab.sampling.SequenceStatistics;

/**
 * Everything one generation produced.
 *
 * @param statistics log-probability and perplexity of the generated tokens under the raw model distribution
 */
public record GenerationResult(
        int[] promptTokens,
        List<GeneratedToken> tokens,
        String text,
        FinishReason finishReason,
        SequenceStatistics statistics) {

    public int[] generatedIds() {
        return tokens.stream().mapToInt(GeneratedToken::token).toArray();
    }
}
