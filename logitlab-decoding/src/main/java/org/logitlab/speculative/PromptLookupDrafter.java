package org.logitlab.speculative;

import java.util.Arrays;

/**
 * Prompt lookup decoding (Saxena 2023; llama.cpp's {@code lookup}): find the most recent earlier occurrence
 * of the context's last n-gram (longest n first) in the prompt and generated text and propose the tokens that
 * followed it, continuing periodically when the match is so recent that its continuation reaches the end of the
 * text (a loop of period p is drafted to full length, not p tokens). Deterministic, so every drafted token is a
 * point mass for the verifier.
 */
public final class PromptLookupDrafter implements Drafter {
    /** The default longest n-gram matched ({@code --lookup-ngram}). */
    public static final int DEFAULT_MAXIMUM_NGRAM = 3;

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
                    // Copy what followed the match; where that runs into the end of the text, keep copying
                    // from the draft itself (as LZ77 copies overlap), so a repeating stretch is drafted whole.
                    int from = start + n;
                    int[] draft = new int[limit];
                    for (int i = 0; i < limit; i++) {
                        int at = from + i;
                        draft[i] = at < context.length ? context[at] : draft[at - context.length];
                    }
                    return DraftTree.chain(draft, null);
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
