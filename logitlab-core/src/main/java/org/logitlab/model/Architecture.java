package org.logitlab.model;

import java.util.Arrays;
import java.util.Optional;

/**
 * The Llama-family architectures logitlab runs. They share one forward pass and differ in a few switches:
 * how RoPE pairs dimensions, whether Q/K/V projections carry biases, whether Q and K are RMS-normalised per
 * head before RoPE.
 */
public enum Architecture {
    /** Llama 1/2/3 and llama2.c conversions; Mistral GGUFs also declare "llama". */
    LLAMA("llama", RopeStyle.INTERLEAVED, false, false),
    MISTRAL("mistral", RopeStyle.INTERLEAVED, false, false),
    /** Qwen2 / Qwen2.5: biases on Q, K and V; NeoX-style RoPE. */
    QWEN2("qwen2", RopeStyle.NEOX, true, false),
    /** Qwen3: per-head RMS norm of Q and K before RoPE; NeoX-style RoPE; no biases. */
    QWEN3("qwen3", RopeStyle.NEOX, false, true);

    /** How RoPE pairs the dimensions of a head (ggml's rope modes 0 and 2). */
    public enum RopeStyle {
        /** Rotates adjacent pairs (x[2i], x[2i+1]) — ggml mode 0, Meta's original layout. */
        INTERLEAVED,
        /** Rotates (x[i], x[i + d/2]) — ggml mode 2 (GPT-NeoX, HF "rotate_half"). */
        NEOX
    }

    private final String ggufName;
    private final RopeStyle ropeStyle;
    private final boolean qkvBias;
    private final boolean qkNorm;

    Architecture(String ggufName, RopeStyle ropeStyle, boolean qkvBias, boolean qkNorm) {
        this.ggufName = ggufName;
        this.ropeStyle = ropeStyle;
        this.qkvBias = qkvBias;
        this.qkNorm = qkNorm;
    }

    /** The value of {@code general.architecture} and the prefix of the hyper-parameter keys. */
    public String ggufName() {
        return ggufName;
    }

    public RopeStyle ropeStyle() {
        return ropeStyle;
    }

    public boolean qkvBias() {
        return qkvBias;
    }

    public boolean qkNorm() {
        return qkNorm;
    }

    public static Optional<Architecture> fromGgufName(String name) {
        return Arrays.stream(values()).filter(a -> a.ggufName.equals(name)).findFirst();
    }

    public static String supportedNames() {
        return Arrays.stream(values()).map(Architecture::ggufName).toList().toString();
    }
}
