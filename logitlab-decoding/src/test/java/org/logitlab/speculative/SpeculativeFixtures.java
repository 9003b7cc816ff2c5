package org.logitlab.speculative;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.logitlab.model.Model;

/** Models shared by the speculative tests; a missing fixture fails the test that needs it. */
final class SpeculativeFixtures {
    private static Model target;
    private static Model draft;

    private SpeculativeFixtures() {}

    static synchronized Model target() {
        if (target == null) {
            try {
                target = Model.loadEmbedded();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load the embedded stories260K model", e);
            }
        }
        return target;
    }

    /** stories260K in f16: same vocabulary, slightly different weights, so drafts are sometimes rejected. */
    static synchronized Model draft() {
        if (draft == null) {
            String shared = System.getProperty("logitlab.shared");
            if (shared == null) {
                throw new IllegalStateException(
                        "system property logitlab.shared is not set (the pom's surefire config sets it)");
            }
            Path path = Path.of(shared, "models", "stories260K", "quantized", "stories260K-f16.gguf");
            if (!Files.isRegularFile(path)) {
                throw new IllegalStateException("missing fixture " + path);
            }
            try {
                draft = Model.load(path);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load " + path, e);
            }
        }
        return draft;
    }
}
