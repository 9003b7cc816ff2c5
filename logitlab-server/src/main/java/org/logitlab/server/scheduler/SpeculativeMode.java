package org.logitlab.server.scheduler;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a sequence drafts tokens for speculative decoding in the server. Only linear drafts: the batched forward
 * pass evaluates each sequence's tokens with a causal mask, so the draft-tree modes of {@code generate} (tree,
 * multi), which need tree attention, are not offered here.
 */
public enum SpeculativeMode {
    /** Plain decoding, one token per forward pass. */
    OFF,
    /** Prompt lookup: copy what followed the last n-gram's latest earlier occurrence (Saxena 2023). */
    LOOKUP,
    /** Token Recycling (Luo et al. 2024), as one chain: each token's most likely successor seen so far. */
    RECYCLE,
    /** A smaller draft model sharing the target's vocabulary (Leviathan et al. 2023), one chain per round. */
    DRAFT;

    /** The name used by {@code --spec} and the request field {@code speculative.mode}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static String labels() {
        return Arrays.stream(values()).map(SpeculativeMode::label).collect(Collectors.joining(", "));
    }

    /** @return the mode, or null when {@code label} names none */
    public static SpeculativeMode parse(String label) {
        for (SpeculativeMode mode : values()) {
            if (mode.label().equals(label)) {
                return mode;
            }
        }
        return null;
    }
}
