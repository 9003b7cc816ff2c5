package org.logitlab.server.api;

/** Refuses prompts that, with the tokens asked for, do not fit the context (OpenAI's wording). */
final class ContextLimits {
    private ContextLimits() {}

    static void check(int promptTokens, int maxTokens, int contextLength, String promptField, String maxTokensField) {
        if (promptTokens > contextLength) {
            throw ApiException.invalid(
                    promptField,
                    "'" + promptField + "' has " + promptTokens + " tokens, more than the context length "
                            + contextLength);
        }
        if ((long) promptTokens + maxTokens > contextLength) {
            throw ApiException.invalid(
                    maxTokensField,
                    "this model's maximum context length is " + contextLength + " tokens, however you requested "
                            + (promptTokens + maxTokens) + " tokens (" + promptTokens + " in your prompt; " + maxTokens
                            + " for the completion); reduce '" + maxTokensField + "' or the prompt");
        }
    }
}
