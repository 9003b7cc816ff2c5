package org.logitlab.analysis.scoring;

/**
 * How {@link TextScorer} reads a text.
 *
 * <p>Long texts are scored in sliding windows (the strided evaluation of Hugging Face's perplexity guide): the first
 * window holds tokens [0, window); every later window starts {@code stride} tokens after the previous one and scores
 * only the tokens the previous windows did not reach. So every token is scored exactly once, and every token after
 * the first window sees at least {@code window − stride} tokens of left context. A smaller stride buys more context
 * with more forward passes: about (n − window) / stride + 1 passes of {@code window} tokens for n tokens.
 *
 * @param window most tokens evaluated in one pass; 0 = the model's context length
 * @param stride tokens a window advances by, in [1, window]; 0 = half the window
 * @param topAlternatives best alternative tokens kept per record (0 = none)
 * @param addSpecial add BOS (and EOS) as the model's tokenizer metadata asks when encoding text
 */
public record ScoringOptions(int window, int stride, int topAlternatives, boolean addSpecial) {
    public static final ScoringOptions DEFAULT = new ScoringOptions(0, 0, 5, true);

    public ScoringOptions {
        if (window < 0) {
            throw new IllegalArgumentException("window must be >= 0 (0 = the model's context), got " + window);
        }
        if (window == 1) {
            throw new IllegalArgumentException("window must hold at least 2 tokens, got " + window);
        }
        if (stride < 0 || (window > 0 && stride > window)) {
            throw new IllegalArgumentException(
                    "stride must be in [0, window=" + (window == 0 ? "context" : window) + "], got " + stride);
        }
        if (topAlternatives < 0) {
            throw new IllegalArgumentException("topAlternatives must be >= 0, got " + topAlternatives);
        }
    }

    public ScoringOptions withWindow(int newWindow, int newStride) {
        return new ScoringOptions(newWindow, newStride, topAlternatives, addSpecial);
    }

    public ScoringOptions withTopAlternatives(int count) {
        return new ScoringOptions(window, stride, count, addSpecial);
    }

    /** The window for a model of {@code contextLength}. */
    int effectiveWindow(int contextLength) {
        return window == 0 ? contextLength : Math.min(window, contextLength);
    }

    /** The stride for a window of {@code effectiveWindow} tokens. */
    int effectiveStride(int effectiveWindow) {
        int chosen = stride == 0 ? Math.max(1, effectiveWindow / 2) : stride;
        return Math.min(chosen, effectiveWindow - 1);
    }
}
