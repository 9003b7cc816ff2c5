package org.logitlab.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.logitlab.session.Session;
import org.logitlab.tensor.ActivationPrecision;
import org.logitlab.testing.SharedFixtures;

/**
 * Greedy continuations against the independent float64 numpy references in
 * ../shared/models/reference_outputs.json. This covers the files llama.cpp itself cannot load (GGUF v1, and
 * the v2 Q8_0 file whose 172-wide rows straddle blocks), so no golden logits exist for them. The numpy
 * reference multiplies dequantized weights with float activations, so the top-5 logits are compared with
 * {@link ActivationPrecision#FLOAT32} within 2e-3 (float32 vs float64); greedy ids must be identical in both
 * precisions (with llama.cpp's 8-bit activations the Q8_0 logits move by up to ~0.05, measured).
 */
class ReferenceOutputsTest {
    private static final JsonNode EMPTY = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();

    @TestFactory
    Stream<DynamicTest> greedyContinuationsMatchTheNumpyReference() throws Exception {
        JsonNode references = SharedFixtures.json(SharedFixtures.file("models/reference_outputs.json"));
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode reference : references) {
            String model = reference.get("model").asText();
            if (!model.endsWith(".gguf")) {
                continue; // safetensors and legacy ggjt files are refused by design (GgufFileTest checks the refusal)
            }
            int[] prompt = SharedFixtures.ints(reference.get("prompt_ids"));
            tests.add(DynamicTest.dynamicTest(
                    model + " after " + prompt.length + " prompt tokens",
                    () -> check(SharedFixtures.file("models/" + model), prompt, reference)));
        }
        assertThat(tests).hasSizeGreaterThanOrEqualTo(6);
        return tests.stream();
    }

    private static void check(Path file, int[] prompt, JsonNode reference) throws Exception {
        for (ActivationPrecision precision : ActivationPrecision.values()) {
            check(file, prompt, reference, precision);
        }
    }

    private static void check(Path file, int[] prompt, JsonNode reference, ActivationPrecision precision)
            throws Exception {
        int[] expected = SharedFixtures.ints(reference.get("greedy_ids"));
        try (Model model = Model.load(file, precision)) {
            Session session = model.newSession(prompt.length + expected.length);
            float[] logits = session.append(prompt).last();
            for (JsonNode top : precision == ActivationPrecision.FLOAT32 ? reference.get("top5_after_prompt") : EMPTY) {
                int id = top.get(0).asInt();
                assertThat((double) logits[id])
                        .as("logit of %s after the prompt", top.get(1).asText())
                        .isCloseTo(top.get(2).asDouble(), org.assertj.core.data.Offset.offset(2e-3));
            }
            int[] actual = new int[expected.length];
            for (int step = 0; step < expected.length; step++) {
                actual[step] = GoldenParityTest.argmax(logits);
                logits = session.append(actual[step]).last();
            }
            assertThat(actual)
                    .as("greedy continuation of %s with %s activations", file.getFileName(), precision)
                    .containsExactly(expected);
        }
    }
}
