package org.logitlab.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * llama.cpp's own tokenizer test vectors ({@code tests/test-tokenizer-0}): every {@code .inp}/{@code .out} pair
 * whose vocabulary GGUF is present, tokenized with add_special = false and parse_special = false.
 */
class LlamaCppVocabularyTest {
    private static final String SEPARATOR = "\n__ggml_vocab_test__\n";
    private static final List<String> EXPECTED_VOCABULARIES = List.of(
            "bert-bge",
            "deepseek-coder",
            "deepseek-llm",
            "falcon",
            "gpt-2",
            "llama-spm",
            "mpt",
            "phi-3",
            "refact",
            "starcoder");

    @TestFactory
    Stream<DynamicTest> matchesLlamaCppTestVectorsForEveryVocabulary() throws IOException {
        Path directory = TokenizerFixtures.vocabularyDirectory();
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            files.map(path -> path.getFileName().toString())
                    .filter(name -> name.endsWith(".gguf.inp"))
                    .map(name -> name.substring("ggml-vocab-".length(), name.length() - ".gguf.inp".length()))
                    .filter(name -> Files.isRegularFile(directory.resolve("ggml-vocab-" + name + ".gguf")))
                    .sorted()
                    .forEach(found::add);
        }
        assertThat(found).as("vocabularies with test vectors in " + directory).containsAll(EXPECTED_VOCABULARIES);
        return found.stream().map(name -> DynamicTest.dynamicTest(name, () -> checkVocabulary(directory, name)));
    }

    private static void checkVocabulary(Path directory, String name) throws IOException {
        String prefix = "ggml-vocab-" + name + ".gguf";
        List<String> inputs = splitInputs(Files.readString(directory.resolve(prefix + ".inp"), StandardCharsets.UTF_8));
        List<String> outputs = Files.readAllLines(directory.resolve(prefix + ".out"), StandardCharsets.UTF_8);
        assertThat(outputs).as(prefix + ".out lines").hasSizeGreaterThanOrEqualTo(inputs.size());
        Tokenizer tokenizer = TokenizerFixtures.load(directory.resolve(prefix));
        int passed = 0;
        String firstFailure = null;
        for (int i = 0; i < inputs.size(); i++) {
            int[] expected = parseIds(outputs.get(i));
            int[] actual = tokenizer.encode(inputs.get(i), false, false);
            if (Arrays.equals(expected, actual)) {
                passed++;
            } else if (firstFailure == null) {
                firstFailure = "case " + i + " " + quote(inputs.get(i)) + "\n  expected " + Arrays.toString(expected)
                        + "\n  actual   " + Arrays.toString(actual);
            }
        }
        if (firstFailure != null) {
            fail(name + ": " + passed + "/" + inputs.size() + " cases match; first mismatch: " + firstFailure);
        }
    }

    static List<String> splitInputs(String content) {
        List<String> inputs = new ArrayList<>(Arrays.asList(content.split(SEPARATOR, -1)));
        if (!inputs.isEmpty() && inputs.getLast().isEmpty()) {
            inputs.removeLast();
        }
        return inputs;
    }

    private static int[] parseIds(String line) {
        String trimmed = line.strip();
        if (trimmed.isEmpty()) {
            return new int[0];
        }
        return Arrays.stream(trimmed.split(" ")).mapToInt(Integer::parseInt).toArray();
    }

    static String quote(String text) {
        return "\"" + text.replace("\n", "\\n").replace("\t", "\\t") + "\"";
    }
}
