package org.logitlab.sampling;

import java.util.Arrays;

/**
 * Repetition, frequency and presence penalties over the last n accepted tokens (llama.cpp
 * {@code penalties}). For a token seen c > 0 times in the window: the repetition penalty divides a
 * positive logit and multiplies a non-positive one (CTRL, Keskar et al. 2019, with llama.cpp's sign fix),
 * then logit −= c · frequency + presence (OpenAI's definition).
 */
public final class PenaltiesSampler implements Sampler {
    private final int lastN;
    private final float repeatPenalty;
    private final float frequencyPenalty;
    private final float presencePenalty;
    private final TokenHistory history;
    private int[] counts;

    /**
     * @param lastN window of accepted tokens to penalise; 0 disables
     * @param repeatPenalty > 0; 1 disables
     */
    public PenaltiesSampler(int lastN, double repeatPenalty, double frequencyPenalty, double presencePenalty) {
        this.lastN = Validation.atLeast("repeat_last_n", lastN, 0);
        this.repeatPenalty = (float) Validation.positive("repeat_penalty", repeatPenalty);
        this.frequencyPenalty = (float) Validation.finite("frequency_penalty", frequencyPenalty);
        this.presencePenalty = (float) Validation.finite("presence_penalty", presencePenalty);
        this.history = new TokenHistory(lastN);
        this.counts = new int[0];
    }

    private PenaltiesSampler(PenaltiesSampler other) {
        this.lastN = other.lastN;
        this.repeatPenalty = other.repeatPenalty;
        this.frequencyPenalty = other.frequencyPenalty;
        this.presencePenalty = other.presencePenalty;
        this.history = other.history.copy();
        this.counts = other.counts.clone();
    }

    @Override
    public String name() {
        return "penalties";
    }

    @Override
    public void accept(int token) {
        if (lastN == 0) {
            return;
        }
        if (token < 0) {
            throw new IllegalArgumentException("token must be >= 0, got " + token);
        }
        if (token >= counts.length) {
            counts = Arrays.copyOf(counts, Math.max(token + 1, 2 * counts.length));
        }
        counts[token]++;
        if (history.isFull()) {
            counts[history.oldest()]--;
        }
        history.push(token);
    }

    @Override
    public void apply(Candidates candidates) {
        if (lastN == 0 || (repeatPenalty == 1f && frequencyPenalty == 0f && presencePenalty == 0f)) {
            return;
        }
        for (int i = 0; i < candidates.size(); i++) {
            int id = candidates.id(i);
            int count = id < counts.length ? counts[id] : 0;
            if (count == 0) {
                continue;
            }
            float logit = candidates.logit(i);
            logit = logit <= 0 ? logit * repeatPenalty : logit / repeatPenalty;
            logit -= count * frequencyPenalty + presencePenalty;
            candidates.setLogit(i, logit);
        }
    }

    /** How often {@code token} occurs in the current window. */
    public int count(int token) {
        return token >= 0 && token < counts.length ? counts[token] : 0;
    }

    @Override
    public void reset() {
        history.clear();
        Arrays.fill(counts, 0);
    }

    @Override
    public Sampler copy() {
        return new PenaltiesSampler(this);
    }
}
