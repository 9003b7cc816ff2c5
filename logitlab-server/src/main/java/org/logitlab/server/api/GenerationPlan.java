package org.logitlab.server.api;

import java.util.List;
import org.logitlab.server.scheduler.SequenceRequest;

/**
 * A validated completion or chat request, ready for the scheduler.
 *
 * @param sequences one per choice (prompts × n)
 * @param echoTexts per choice, the prompt text to put before the completion (completions with echo), else ""
 * @param logProbs whether log-probs are reported at all (completions: {@code logprobs} given; chat:
 *     {@code logprobs: true})
 * @param includeUsage streaming: a last chunk with {@code usage} ({@code stream_options.include_usage})
 * @param choicesPerPrompt OpenAI's {@code n}: consecutive choices share a prompt, counted once in usage
 */
record GenerationPlan(
        List<SequenceRequest> sequences,
        List<String> echoTexts,
        boolean stream,
        boolean includeUsage,
        boolean logProbs,
        boolean distributionStatistics,
        int choicesPerPrompt) {

    int promptTokens() {
        int total = 0;
        for (int i = 0; i < sequences.size(); i += choicesPerPrompt) {
            total += sequences.get(i).promptTokens().length;
        }
        return total;
    }
}
