package org.logitlab.server;

import java.nio.file.Path;

/**
 * Where the server's draft model comes from, for the modes that {@link
 * org.logitlab.server.scheduler.SpeculativeMode#needsDraftModel() need one}: a GGUF file ({@code --draft-model}),
 * loaded and checked against the target's vocabulary at startup, or the target's own first layers ({@code
 * --draft-layers}, {@code Model#firstLayers}: self-speculation). Exactly one of the two.
 */
public record DraftSource(Path file, Integer layers) {
    public DraftSource {
        if ((file == null) == (layers == null)) {
            throw new IllegalArgumentException("give --draft-model or --draft-layers, not both");
        }
        if (layers != null && layers < 1) {
            throw new IllegalArgumentException("--draft-layers must be >= 1, got " + layers);
        }
    }

    /** The source the flags name, or null when neither is given. */
    public static DraftSource of(Path file, Integer layers) {
        return file == null && layers == null ? null : new DraftSource(file, layers);
    }
}
