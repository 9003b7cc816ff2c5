package org.logitlab.analysis.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;

/** Test data in ../shared (system property logitlab.shared); a missing file fails the test. */
public final class SharedFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SharedFiles() {}

    public static Path file(String relative) {
        String configured = System.getProperty("logitlab.shared");
        assertThat(configured)
                .as("system property logitlab.shared (set by the build)")
                .isNotNull();
        Path path = Path.of(configured).resolve(relative);
        assertThat(path).as("test fixture %s", path).isRegularFile();
        return path;
    }

    public static JsonNode json(String relative) throws IOException {
        return JSON.readTree(file(relative).toFile());
    }
}
