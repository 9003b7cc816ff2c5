package org.logitlab.generation;

/** Why generation ended, in OpenAI's vocabulary. */
public enum FinishReason {
    /** An end-of-generation token or a stop condition was produced. */
    STOP,
    /** The requested number of tokens was generated. */
    LENGTH,
    /** The session's context is full. */
    CONTEXT_FULL;

    /** The value OpenAI-compatible APIs report in {@code finish_reason}. */
    public String openAiName() {
        return this == STOP ? "stop" : "length";
    }
}
