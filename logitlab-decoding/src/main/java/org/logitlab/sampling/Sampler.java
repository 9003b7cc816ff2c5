package org.logitlab.sampling;

/**
 * One step of a sampler chain, shaped like llama.cpp's {@code llama_sampler_i}: {@link #apply}
 * transforms the candidates in place (or, for a {@link PickingSampler}, selects one), {@link #accept}
 * tells a stateful sampler which token was finally emitted, {@link #reset} returns to the initial
 * state and {@link #copy} gives an independent sampler with the same state (a stateless, immutable
 * sampler may return itself).
 */
public interface Sampler {
    /** Short llama.cpp-style name, e.g. "top-k". */
    String name();

    void apply(Candidates candidates);

    default void accept(int token) {}

    default void reset() {}

    Sampler copy();
}
