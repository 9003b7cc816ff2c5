package org.logitlab.sampling;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Samplers applied in order to one reusable {@link Candidates} buffer, ending in a {@link
 * PickingSampler} (llama.cpp's sampler chain). {@link #sample} does not accept the token: the caller
 * decides what was emitted and calls {@link #accept}, as with llama.cpp's common sampler. After a sample
 * the buffer holds the distribution that was actually sampled from ({@link #candidates()}).
 *
 * <p>Single-owner, like a Session: not thread-safe; {@link #copy()} gives an independent chain.
 */
public final class SamplerChain {
    private final int vocabularySize;
    private final List<Sampler> samplers;
    private final Candidates candidates = new Candidates();

    public SamplerChain(int vocabularySize, List<? extends Sampler> samplers) {
        if (vocabularySize < 1) {
            throw new IllegalArgumentException("vocabularySize must be >= 1, got " + vocabularySize);
        }
        if (samplers == null || samplers.isEmpty() || samplers.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("samplers must be a non-empty list without nulls, got " + samplers);
        }
        if (!(samplers.getLast() instanceof PickingSampler)) {
            throw new IllegalArgumentException("the last sampler must pick a token (greedy, dist, mirostat…), got "
                    + samplers.getLast().name());
        }
        this.vocabularySize = vocabularySize;
        this.samplers = List.copyOf(samplers);
    }

    public int vocabularySize() {
        return vocabularySize;
    }

    public List<Sampler> samplers() {
        return samplers;
    }

    /** Samples from row {@code logits[offset, offset + vocabularySize)} and returns the picked token id. */
    public int sample(float[] logits, int offset) {
        candidates.fill(logits, offset, vocabularySize);
        for (Sampler sampler : samplers) {
            sampler.apply(candidates);
        }
        if (candidates.selected() < 0) {
            throw new IllegalStateException("sampler '" + samplers.getLast().name() + "' selected no candidate");
        }
        return candidates.selectedId();
    }

    /** Samples from a single-row logits array of exactly vocabularySize entries. */
    public int sample(float[] logits) {
        if (logits == null || logits.length != vocabularySize) {
            throw new IllegalArgumentException(
                    "logits length must be " + vocabularySize + ", got " + (logits == null ? "null" : logits.length));
        }
        return sample(logits, 0);
    }

    /** Samples and accepts the picked token. */
    public int sampleAndAccept(float[] logits, int offset) {
        int token = sample(logits, offset);
        accept(token);
        return token;
    }

    /** Tells every sampler the emitted token (penalties, DRY, …). */
    public void accept(int token) {
        if (token < 0 || token >= vocabularySize) {
            throw new IllegalArgumentException("token must be in [0, " + vocabularySize + "), got " + token);
        }
        for (Sampler sampler : samplers) {
            sampler.accept(token);
        }
    }

    /**
     * The candidates after the last {@link #sample}: ids, logits and probabilities of the distribution
     * that was sampled from; tokens not present were removed by the chain (probability 0). A live view:
     * the next sample overwrites it; use {@link Candidates#copy()} to keep it.
     */
    public Candidates candidates() {
        return candidates;
    }

    public void reset() {
        for (Sampler sampler : samplers) {
            sampler.reset();
        }
    }

    /** An independent chain with deep copies of every sampler's state. */
    public SamplerChain copy() {
        List<Sampler> copies = new ArrayList<>(samplers.size());
        for (Sampler sampler : samplers) {
            copies.add(sampler.copy());
        }
        return new SamplerChain(vocabularySize, copies);
    }

    /** "logits -> penalties -> top-k -> … -> dist", as llama.cpp prints its chain. */
    public String describe() {
        return samplers.stream().map(Sampler::name).collect(Collectors.joining(" -> ", "logits -> ", ""));
    }

    @Override
    public String toString() {
        return "SamplerChain[" + describe() + "]";
    }
}
