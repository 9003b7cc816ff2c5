package org.logitlab.server;

import java.io.IOException;
import java.nio.file.Path;
import org.logitlab.model.Model;
import org.logitlab.speculative.DraftModelDrafter;

/**
 * Where the draft model comes from, for the modes that {@link
 * org.logitlab.server.scheduler.SpeculativeMode#needsDraftModel() need one}: a GGUF file ({@code --draft-model}) or
 * the target's own first layers ({@code --draft-layers}, {@link Model#firstLayers}: self-speculation). Exactly one
 * of the two. {@code serve} and {@code generate} both read their flags into this and {@link #open} it.
 */
public record DraftSource(Path file, Integer layers) {
    public DraftSource {
        if (file != null && layers != null) {
            throw new IllegalArgumentException("give --draft-model or --draft-layers, not both");
        }
        if (file == null && layers == null) {
            throw new IllegalArgumentException("a draft source needs --draft-model FILE or --draft-layers N");
        }
        if (layers != null && layers < 1) {
            throw new IllegalArgumentException("--draft-layers must be >= 1, got " + layers);
        }
    }

    /** The source the flags name, or null when neither is given. */
    public static DraftSource of(Path file, Integer layers) {
        return file == null && layers == null ? null : new DraftSource(file, layers);
    }

    /**
     * The draft model for {@code target}, checked now rather than at the first draft: the file loaded and required
     * to share the target's vocabulary, or the target's first layers (at most all of them). Bad values name the flag.
     *
     * @throws IOException when the file cannot be read (as {@link Model#load} throws it)
     */
    public Model open(Model target) throws IOException {
        if (layers != null) {
            try {
                return target.firstLayers(layers);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--draft-layers " + layers + ": " + e.getMessage(), e);
            }
        }
        Model draft = Model.load(file);
        try {
            DraftModelDrafter.requireSameVocabulary(target, draft);
        } catch (IllegalArgumentException e) {
            draft.close();
            throw new IllegalArgumentException("--draft-model " + file + ": " + e.getMessage(), e);
        }
        return draft;
    }
}
