package org.logitlab.server.scheduler;

import java.util.List;
import org.logitlab.speculative.SpeculativeStatistics;

/** What a running sequence reports to the request that owns it, in order. */
public sealed interface SequenceEvent {

    /** The choice (sequence) of the request this event belongs to. */
    int choice();

    /** The prompt's tokens scored (only when the request echoes the prompt); the first has no log-prob. */
    record PromptScored(int choice, List<ScoredToken> tokens) implements SequenceEvent {}

    /**
     * A generated token.
     *
     * @param text text released by this token (may be empty: a UTF-8 character split across tokens, or text held
     *     back because it may be the start of a stop sequence)
     */
    record TokenGenerated(int choice, ScoredToken token, String text) implements SequenceEvent {}

    /**
     * The sequence ended.
     *
     * @param trailingText text still held back when it ended, released now (usually empty)
     * @param finishReason OpenAI's "stop" or "length"
     * @param speculation what speculative decoding did for this sequence, or null when it decoded plainly
     */
    record Finished(
            int choice,
            String trailingText,
            String finishReason,
            int promptTokens,
            int completionTokens,
            SpeculativeStatistics speculation)
            implements SequenceEvent {}

    /** The sequence failed; the request should report {@code error}. */
    record Failed(int choice, RuntimeException error) implements SequenceEvent {}
}
