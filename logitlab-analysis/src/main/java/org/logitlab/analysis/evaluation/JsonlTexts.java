package org.logitlab.analysis.evaluation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads texts from JSON Lines: one object per line with a string field {@code "text"}; blank lines are skipped. */
public final class JsonlTexts {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonlTexts() {}

    /** @throws IOException naming the file and line of a line that is not an object with a string "text" */
    public static List<String> read(Path file) throws IOException {
        List<String> texts = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode object;
                try {
                    object = MAPPER.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new IOException(file + ":" + number + ": not JSON: " + e.getOriginalMessage(), e);
                }
                JsonNode text = object == null ? null : object.get("text");
                if (text == null || !text.isTextual()) {
                    throw new IOException(file + ":" + number + ": expected an object with a string \"text\" field");
                }
                texts.add(text.asText());
            }
        }
        if (texts.isEmpty()) {
            throw new IOException(file + ": no texts (expected JSON Lines with a \"text\" field)");
        }
        return texts;
    }
}
