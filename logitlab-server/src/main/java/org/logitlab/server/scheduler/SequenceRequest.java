package org.logitlab.server.scheduler;

import java.util.List;
import org.logitlab.constraint.Constraint;
import org.logitlab.sampling.SamplerSettings;

/**
 * Everything the engine needs to run one sequence (one choice of one request).
 *
 * @param choice index of the choice in its request, echoed in every event
 * @param promptTokens the prompt, already tokenized (BOS included when wanted)
 * @param maxTokens tokens to generate at most (0: only score the prompt)
 * @param topLogProbs alternatives reported per token (0 = only the token's own log-prob)
 * @param echoPrompt score the prompt's tokens and report them first
 * @param distributionStatistics also compute entropy and kurtosis of each distribution
 * @param stop stop sequences: generation ends before the first occurrence of any of them
 * @param constraint grammar/regex/JSON Schema the generated text must follow, or null; owned by this sequence
 *     alone (a request with several choices gives each its own copy)
 * @param speculation speculative decoding for this sequence, also under {@code constraint} (ignored, i.e. plain
 *     decoding, when the sampler chain cannot be verified: Mirostat, XTC)
 */
public record SequenceRequest(
        int choice,
        int[] promptTokens,
        int maxTokens,
        SamplerSettings settings,
        int topLogProbs,
        boolean echoPrompt,
        boolean distributionStatistics,
        List<String> stop,
        Constraint constraint,
        SpeculationSettings speculation) {

    /** A sequence decoded without speculation. */
    public SequenceRequest(
            int choice,
            int[] promptTokens,
            int maxTokens,
            SamplerSettings settings,
            int topLogProbs,
            boolean echoPrompt,
            boolean distributionStatistics,
            List<String> stop,
            Constraint constraint) {
        this(
                choice,
                promptTokens,
                maxTokens,
                settings,
                topLogProbs,
                echoPrompt,
                distributionStatistics,
                stop,
                constraint,
                SpeculationSettings.off());
    }

    /** An unconstrained sequence decoded without speculation. */
    public SequenceRequest(
            int choice,
            int[] promptTokens,
            int maxTokens,
            SamplerSettings settings,
            int topLogProbs,
            boolean echoPrompt,
            boolean distributionStatistics,
            List<String> stop) {
        this(choice, promptTokens, maxTokens, settings, topLogProbs, echoPrompt, distributionStatistics, stop, null);
    }

    public SequenceRequest {
        if (promptTokens == null || promptTokens.length == 0) {
            throw new IllegalArgumentException("prompt must contain at least one token");
        }
        if (maxTokens < 0) {
            throw new IllegalArgumentException("max_tokens must be >= 0, got " + maxTokens);
        }
        if (topLogProbs < 0) {
            throw new IllegalArgumentException("logprobs must be >= 0, got " + topLogProbs);
        }
        stop = List.copyOf(stop);
        if (speculation == null) {
            throw new IllegalArgumentException("speculation must not be null (use SpeculationSettings.off())");
        }
    }
}
