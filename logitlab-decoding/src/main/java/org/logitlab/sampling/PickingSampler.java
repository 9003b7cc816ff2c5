package org.logitlab.sampling;

/**
 * A sampler that selects one candidate ({@link Candidates#select}); a {@link SamplerChain} must end in
 * one, like llama.cpp's greedy, dist and mirostat samplers.
 */
public interface PickingSampler extends Sampler {}
