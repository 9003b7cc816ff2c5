package org.logitlab.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@code golden/tokenizer/*.json}: llama-tokenize output (parse_special = true) with the model's default BOS
 * handling ({@code ids}) and without BOS ({@code ids_no_bos}); the GGUF for each file comes from
 * {@code golden/manifest.json}'s "tokenizer" map.
 */
class GoldenTokenizerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    Stream<DynamicTest> matchesLlamaTokenizeForEveryGoldenFile() throws IOException {
        Path shared = TokenizerFixtures.shared();
        Path goldenDirectory = shared.resolve("golden/tokenizer");
        JsonNode ggufByName =
                JSON.readTree(shared.resolve("golden/manifest.json").toFile()).path("tokenizer");
        assertThat(ggufByName.isObject())
                .as("manifest.json has a 'tokenizer' map")
                .isTrue();
        List<Path> goldenFiles = new ArrayList<>();
        try (Stream<Path> files = Files.list(goldenDirectory)) {
            files.filter(path -> path.getFileName().toString().endsWith(".json"))
                    .sorted()
                    .forEach(goldenFiles::add);
        }
        assertThat(goldenFiles)
                .as("golden tokenizer files in " + goldenDirectory)
                .hasSizeGreaterThanOrEqualTo(15);
        return goldenFiles.stream().map(golden -> {
            String name = golden.getFileName().toString().replaceFirst("\\.json$", "");
            return DynamicTest.dynamicTest(name, () -> {
                JsonNode gguf = ggufByName.get(name);
                if (gguf == null) {
                    fail("manifest.json names no GGUF for golden file " + golden.getFileName());
                }
                check(TokenizerFixtures.load(shared.resolve(gguf.asText())), JSON.readTree(golden.toFile()), name);
            });
        });
    }

    private static void check(Tokenizer tokenizer, JsonNode golden, String name) {
        assertThat(golden.path("format").asText()).isEqualTo("logitlab-tokenizer-golden-v1");
        int total = 0;
        int passed = 0;
        String firstFailure = null;
        for (JsonNode testCase : golden.path("cases")) {
            String text = testCase.path("text").asText();
            for (boolean withBos : new boolean[] {true, false}) {
                int[] expected = ids(testCase.path(withBos ? "ids" : "ids_no_bos"));
                // llama-tokenize --no-bos tokenizes with add_special = false
                int[] actual = tokenizer.encode(text, withBos, true);
                total++;
                if (Arrays.equals(expected, actual)) {
                    passed++;
                } else if (firstFailure == null) {
                    firstFailure = "case '" + testCase.path("name").asText() + "' " + LlamaCppVocabularyTest.quote(text)
                            + (withBos ? " (ids)" : " (ids_no_bos)") + "\n  expected " + Arrays.toString(expected)
                            + "\n  actual   " + Arrays.toString(actual);
                }
            }
        }
        assertThat(total).as(name + " has cases").isPositive();
        if (firstFailure != null) {
            fail(name + ": " + passed + "/" + total + " match; first mismatch: " + firstFailure);
        }
    }

    private static int[] ids(JsonNode array) {
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = array.get(i).asInt();
        }
        return ids;
    }
}
