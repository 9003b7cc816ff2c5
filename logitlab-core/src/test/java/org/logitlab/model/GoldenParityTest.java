package org.logitlab.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.logitlab.session.Logits;
import org.logitlab.session.Session;
import org.logitlab.testing.SharedFixtures;

/**
 * Parity with llama.cpp (golden logits in ../shared/golden, f32 KV cache): the prompt evaluated as one
 * batch, then 32 greedy steps one token at a time. Bars, on the log-probabilities of llama.cpp's top-N tokens
 * at every position:
 *
 * <ul>
 *   <li>F32 weights: 1e-3 over the top-20 (measured max 9.4e-5); greedy continuations identical.
 *   <li>F16 weights: 0.05 over the top-10 (measured max 0.009); greedy identical where the top-2 gap > 0.1.
 *   <li>BF16 and quantized weights: 0.3 over the top-10 (measured max 0.253; ≤ 0.115 except on the 300-token
 *       prompts of the 64-wide stories260K variants). llama.cpp rounds activations to BF16 or 8-bit blocks
 *       before these dot products and so do we, which puts many positions within 1e-5 of llama.cpp; but that
 *       rounding is discontinuous: {@link ActivationRoundingSensitivityTest} shows a relative 1e-6 change of
 *       one norm weight moving our own log-probs by up to ~0.1 in this mode (1e-6 with float32 activations).
 *       Any pipeline not bit-identical to llama.cpp's (SIMD summation order, exp/silu approximations) therefore
 *       shows such jumps, and they accumulate through the KV cache on long prompts. Greedy tokens must be
 *       identical where llama.cpp's top-2 gap exceeds twice the bar; closer near-ties are counted and printed.
 * </ul>
 */
class GoldenParityTest {
    static final double F32_TOLERANCE = 1e-3;
    static final double F16_TOLERANCE = 0.05;
    static final double ROUNDED_ACTIVATION_TOLERANCE = 0.3;

    @TestFactory
    Stream<DynamicNode> matchesLlamaCppLogitsAndGreedyContinuations() throws Exception {
        JsonNode manifest = SharedFixtures.json(SharedFixtures.file("golden/manifest.json"));
        List<DynamicNode> models = new ArrayList<>();
        manifest.get("models").fields().forEachRemaining(entry -> {
            String name = entry.getKey();
            Path gguf =
                    SharedFixtures.shared().resolve(entry.getValue().get("gguf").asText());
            List<DynamicTest> cases = new ArrayList<>();
            for (JsonNode caseFile : entry.getValue().get("cases")) {
                Path golden =
                        SharedFixtures.shared().resolve("golden").resolve(name).resolve(caseFile.asText());
                cases.add(DynamicTest.dynamicTest(caseFile.asText(), () -> checkCase(name, gguf, golden)));
            }
            models.add(DynamicContainer.dynamicContainer(name, cases));
        });
        assertThat(models).as("models listed in golden/manifest.json").isNotEmpty();
        return models.stream();
    }

    static boolean isF32(String modelName) {
        return modelName.equals("stories260K") || modelName.endsWith("-f32");
    }

    private static void checkCase(String modelName, Path gguf, Path goldenFile) throws Exception {
        JsonNode golden = SharedFixtures.json(goldenFile);
        boolean f32 = isF32(modelName);
        double tolerance =
                f32 ? F32_TOLERANCE : modelName.endsWith("-f16") ? F16_TOLERANCE : ROUNDED_ACTIVATION_TOLERANCE;
        int nearTieDisagreements = 0;
        int positions = 0;
        int closePositions = 0;
        int topN = f32 ? 20 : 10;
        int[] prompt = SharedFixtures.ints(golden.get("tokens"));
        try (Model model = Model.load(gguf)) {
            Session session =
                    model.newSession(golden.get("settings").get("n_ctx").asInt());
            Logits logits = session.append(prompt);
            double maxError = 0;
            JsonNode expectedRows = golden.get("logits");
            assertThat(logits.positions()).isEqualTo(expectedRows.size());
            for (int position = 0; position < prompt.length; position++) {
                float[] expected = SharedFixtures.floats(expectedRows.get(position));
                double error = maxTopLogProbError(expected, logits.row(position), topN);
                assertThat(error)
                        .as(
                                "%s %s: prompt position %d, max |Δ log-prob| over llama.cpp's top-%d",
                                modelName, goldenFile.getFileName(), position, topN)
                        .isLessThanOrEqualTo(tolerance);
                maxError = Math.max(maxError, error);
                positions++;
                closePositions += error <= 1e-3 ? 1 : 0;
            }
            float[] next = logits.last();
            for (JsonNode step : golden.get("greedy")) {
                int expectedToken = step.get("token").asInt();
                float[] expected = SharedFixtures.floats(step.get("logits"));
                double error = maxTopLogProbError(expected, next, topN);
                maxError = Math.max(maxError, error);
                double gap = step.get("top2_gap").asDouble();
                if (f32 || gap > 2 * tolerance) {
                    assertThat(argmax(next))
                            .as(
                                    "%s %s: greedy step %d (llama.cpp top-2 gap %s)",
                                    modelName,
                                    goldenFile.getFileName(),
                                    step.get("step").asInt(),
                                    gap)
                            .isEqualTo(expectedToken);
                } else if (argmax(next) != expectedToken) {
                    nearTieDisagreements++;
                }
                assertThat(error)
                        .as(
                                "%s %s: greedy step %d, max |Δ log-prob| over top-%d",
                                modelName,
                                goldenFile.getFileName(),
                                step.get("step").asInt(),
                                topN)
                        .isLessThanOrEqualTo(tolerance);
                positions++;
                closePositions += error <= 1e-3 ? 1 : 0;
                next = session.append(expectedToken).last();
            }
            System.out.printf(
                    "golden %-24s %-26s max |Δ log-prob| top-%d = %.3g, positions within 1e-3: %d/%d,"
                            + " near-tie greedy disagreements: %d%n",
                    modelName,
                    goldenFile.getFileName(),
                    topN,
                    maxError,
                    closePositions,
                    positions,
                    nearTieDisagreements);
        }
    }

    /** Max absolute difference of log-softmax values over the reference's top-N tokens. */
    static double maxTopLogProbError(float[] expectedLogits, float[] actualLogits, int topN) {
        assertThat(actualLogits).hasSameSizeAs(expectedLogits);
        double expectedLse = logSumExp(expectedLogits);
        double actualLse = logSumExp(actualLogits);
        return IntStream.range(0, expectedLogits.length)
                .boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -expectedLogits[i])
                        .thenComparingInt(i -> i))
                .limit(topN)
                .mapToDouble(i -> Math.abs((expectedLogits[i] - expectedLse) - (actualLogits[i] - actualLse)))
                .max()
                .orElse(0);
    }

    static double logSumExp(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : logits) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum);
    }

    static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
