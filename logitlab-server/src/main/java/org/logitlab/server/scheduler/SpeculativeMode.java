package org.logitlab.server.scheduler;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a sequence drafts tokens for speculative decoding in the server: {@code generate}'s modes. Linear drafts ride in
 * the batched forward pass like any other tokens; draft trees (tree, multi) are evaluated in the same pass with a tree
 * attention mask ({@link org.logitlab.session.BatchedForward.Request#tree}).
 */
public enum SpeculativeMode {
    /** Plain decoding, one token per forward pass. */
    OFF,
    /** Prompt lookup: copy what followed the last n-gram's latest earlier occurrence (Saxena 2023). */
    LOOKUP,
    /** Token Recycling (Luo et al. 2024), as one chain: each token's most likely successor seen so far. */
    RECYCLE,
    /** A smaller draft model sharing the target's vocabulary (Leviathan et al. 2023), one chain per round. */
    DRAFT,
    /**
     * The draft model grows a dynamic tree (DySpec, Xiong et al. 2024) of at most {@code draft_tree_nodes} nodes,
     * verified by recursive rejection sampling (Jeon et al. 2024).
     */
    TREE,
    /** The draft model proposes {@code drafts} drafts sharing only the root, verified by recursive rejection. */
    MULTI;

    /** Whether the mode drafts with the server's draft model ({@code --draft-model}). */
    public boolean needsDraftModel() {
        return this == DRAFT || this == TREE || this == MULTI;
    }

    /** Whether the mode drafts trees (verified by recursive rejection) rather than one chain. */
    public boolean draftsTrees() {
        return this == TREE || this == MULTI;
    }

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
