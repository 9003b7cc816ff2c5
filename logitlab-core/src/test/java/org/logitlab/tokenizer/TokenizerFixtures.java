package org.logitlab.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.logitlab.gguf.GgufFile;
import org.logitlab.gguf.GgufMetadata;

/** Locates the shared fixtures and loads (once per test run) the tokenizer of a GGUF file. */
final class TokenizerFixtures {
    private static final Map<Path, Tokenizer> LOADED = new ConcurrentHashMap<>();

    private TokenizerFixtures() {}

    static Path shared() {
        String property = System.getProperty("logitlab.shared");
        if (property == null) {
            throw new IllegalStateException(
                    "system property logitlab.shared is not set (the pom's surefire config sets it)");
        }
        Path shared = Path.of(property);
        if (!Files.isDirectory(shared)) {
            throw new IllegalStateException("shared fixture directory " + shared + " does not exist");
        }
        return shared;
    }

    static Path vocabularyDirectory() {
        return shared().resolve("models/vocab");
    }

    static Tokenizer load(Path gguf) {
        return LOADED.computeIfAbsent(gguf, path -> {
            if (!Files.isRegularFile(path)) {
                throw new IllegalStateException("fixture " + path + " is missing");
            }
            try (GgufFile file = GgufFile.open(path)) {
                return Tokenizer.fromGguf(file.metadata());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + path, e);
            }
        });
    }

    static GgufMetadata metadata(Path gguf) {
        try (GgufFile file = GgufFile.open(gguf)) {
            return file.metadata();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + gguf, e);
        }
    }

    static Tokenizer vocabulary(String name) {
        return load(vocabularyDirectory().resolve("ggml-vocab-" + name + ".gguf"));
    }
}
