package org.logitlab.speculative;

import java.util.Arrays;

/**
 * Prompt lookup decoding (Saxena 2023; llama.cpp's {@code lookup}): find the most recent earlier occurrence
 * of the context's last n-gram (longest n first) in the prompt and generated text and propose the tokens that
 * followed it. Deterministic, so every drafted token is a point mass for the verifier.
 */
public final class PromptLookupDrafter implements Drafter {
    private final int maximumNgram;
    private final int minimumNgram;

    public PromptLookupDrafter(int maximumNgram, int minimumNgram) {
        if (minimumNgram < 1) {
            throw new IllegalArgumentException("minimumNgram must be >= 1, got " + minimumNgram);
        }
        if (maximumNgram < minimumNgram) {
            throw new IllegalArgumentException(
                    "maximumNgram must be >= minimumNgram = " + minimumNgram + ", got " + maximumNgram);
        }
        this.maximumNgram = maximumNgram;
        this.minimumNgram = minimumNgram;
    }

    @Override
    public DraftTree draft(DraftRequest request) {
        int[] context = request.context();
        int limit = Math.min(request.maxDepth(), request.maxNodes());
        if (limit == 0) {
            return DraftTree.empty();
        }
        for (int n = Math.min(maximumNgram, context.length - 1); n >= minimumNgram; n--) {
            int suffixStart = context.length - n;
            for (int start = suffixStart - 1; start >= 0; start--) {
                if (Arrays.equals(context, start, start + n, context, suffixStart, context.length)) {
                    int from = start + n;
                    int count = Math.min(limit, context.length - from);
                    return DraftTree.chain(Arrays.copyOfRange(context, from, from + count), null);
                }
            }
        }
        return DraftTree.empty();
    }

    @Override
    public String name() {
        return "lookup";
    }
}
