package org.logitlab.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Locates test data in ../shared (models, llama.cpp golden outputs); a missing file fails the test. */
public final class SharedFixtures {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SharedFixtures() {}

    public static Path shared() {
        String configured = System.getProperty("logitlab.shared");
        Path root = configured != null ? Path.of(configured) : Path.of("..", "..", "shared");
        assertThat(root.resolve("models"))
                .as(
                        "test fixtures: ../shared/models must exist next to the repository (system property logitlab.shared=%s)",
                        configured)
                .isDirectory();
        return root.normalize();
    }

    /** A file under ../shared, which must exist. */
    public static Path file(String relative) {
        Path path = shared().resolve(relative);
        assertThat(path).as("test fixture %s", path).isRegularFile();
        return path;
    }

    /** Reads a JSON file, transparently gunzipping *.gz. */
    public static JsonNode json(Path path) throws IOException {
        assertThat(path).as("test fixture %s", path).isRegularFile();
        try (InputStream raw = Files.newInputStream(path);
                InputStream input = path.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw) {
            return JSON.readTree(input);
        }
    }

    public static int[] ints(JsonNode array) {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asInt();
        }
        return values;
    }

    public static float[] floats(JsonNode array) {
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) array.get(i).asDouble();
        }
        return values;
    }
}
