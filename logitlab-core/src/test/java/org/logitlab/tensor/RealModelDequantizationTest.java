package org.logitlab.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.logitlab.gguf.GgufFile;
import org.logitlab.gguf.GgufTensor;

/**
 * Dequantized tensors of files llama.cpp quantized against the F32 file they came from. Per-type error
 * bounds, relative to the tensor's largest |value|: F16 keeps 11 significant bits (2⁻¹¹), BF16 8 (2⁻⁸);
 * Q8_0 rounds to steps of amax/127 per block (half a step ≈ 0.4%, plus the F16 scale); Q6_K has 64 levels
 * (≈ 1/64 step), Q5_0 32 levels of amax/16 (top level clipped as Q4_0's: up to amax/16 off), Q4_0 16 levels of amax/8 whose top level is clipped (ggml's {@code MIN(15, …)}: up to
 * amax/8 off at the far end), Q4_K 16 levels between a block's min and
 * max with 6-bit scales.
 */
class RealModelDequantizationTest {

    private static double tolerance(TensorType type) {
        return switch (type) {
            case F32 -> 0;
            case F16 -> 1e-3;
            case BF16 -> 8e-3;
            case Q8_0 -> 6e-3;
            case Q6_K -> 0.03;
            case Q4_0 -> 0.13;
            case Q5_0 -> 0.07;
            case Q4_K -> 0.1;
            default -> throw new AssertionError(type);
        };
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "stories260K/quantized/stories260K-q6_k.gguf, stories260K/stories260K.gguf",
        "stories260K/quantized/stories260K-q4_k_m.gguf, stories260K/stories260K.gguf",
        "stories260K/quantized/stories260K-f16.gguf, stories260K/stories260K.gguf",
        "stories260K/quantized/stories260K-bf16.gguf, stories260K/stories260K.gguf",
        "stories260K/tinyllamas-stories-260k-q8_0.gguf, stories260K/stories260K.gguf",
        "synthetic/synth-llama-tiny-q8_0.gguf, synthetic/synth-llama-tiny-f32.gguf",
        "synthetic/synth-llama-tiny-q4_0.gguf, synthetic/synth-llama-tiny-f32.gguf",
        "synthetic/synth-llama-tiny-q4_k.gguf, synthetic/synth-llama-tiny-f32.gguf",
        "synthetic/synth-llama-tiny-q6_k.gguf, synthetic/synth-llama-tiny-f32.gguf",
        "synthetic/synth-llama-tiny-f16.gguf, synthetic/synth-llama-tiny-f32.gguf",
        "synthetic/synth-llama-tiny-bf16.gguf, synthetic/synth-llama-tiny-f32.gguf"
    })
    void dequantizedTensorsMatchTheFloat32SourceWithinQuantizationError(String quantizedFile, String sourceFile)
            throws IOException {
        try (GgufFile quantized = GgufFile.open(TestTensors.sharedModel(quantizedFile));
                GgufFile source = GgufFile.open(TestTensors.sharedModel(sourceFile))) {
            int compared = 0;
            java.util.List<String> skipped = new java.util.ArrayList<>();
            int quantizedCompared = 0;
            for (Map.Entry<String, GgufTensor> entry : quantized.tensors().entrySet()) {
                GgufTensor tensor = entry.getValue();
                if (!tensor.type().computable()) {
                    // llama-quantize's K-quant mixtures may fall back to types without kernels (Q5_K, ...).
                    skipped.add(tensor.toString());
                    continue;
                }
                GgufTensor original = source.requireTensor(entry.getKey());
                assertThat(original.shape()).as(entry.getKey()).containsExactly(tensor.shape());
                WeightMatrix matrix = WeightMatrix.of(tensor);
                WeightMatrix reference = WeightMatrix.of(original);
                float[] values = new float[matrix.columns()];
                float[] expected = new float[matrix.columns()];
                float max = 0;
                for (int r = 0; r < reference.rows(); r++) {
                    reference.dequantizeRow(r, expected, 0);
                    for (float value : expected) {
                        max = Math.max(max, Math.abs(value));
                    }
                }
                double bound = tolerance(tensor.type()) * max;
                for (int r = 0; r < matrix.rows(); r++) {
                    matrix.dequantizeRow(r, values, 0);
                    reference.dequantizeRow(r, expected, 0);
                    for (int i = 0; i < values.length; i++) {
                        if (!(Math.abs(values[i] - expected[i]) <= bound)) {
                            throw new AssertionError(String.format(
                                    "%s %s row %d element %d: %s vs F32 %s, more than %s apart",
                                    quantizedFile, tensor, r, i, values[i], expected[i], bound));
                        }
                    }
                }
                compared++;
                if (tensor.type() != TensorType.F32) {
                    quantizedCompared++;
                }
            }
            assertThat(compared)
                    .as("tensors compared in " + quantizedFile + " (skipped, not computable: " + skipped + ")")
                    .isGreaterThan(10);
            assertThat(quantizedCompared)
                    .as("non-F32 tensors in " + quantizedFile)
                    .isGreaterThan(0);
        }
    }

    /**
     * stories260K's Q8_0 {@code ffn_down} has rows of 172 in blocks of 32 (MANIFEST §2.3): a row-wise kernel
     * would read the wrong bytes. Flattened to F32, its products must match the F32 file's within the
     * quantization error of the weights.
     */
    @Test
    void rowsStraddlingBlocksAreDequantizedFlatAndMultiplyCorrectly() throws IOException {
        try (GgufFile quantized =
                        GgufFile.open(TestTensors.sharedModel("stories260K/tinyllamas-stories-260k-q8_0.gguf"));
                GgufFile source = GgufFile.open(TestTensors.sharedModel("stories260K/stories260K.gguf"))) {
            for (int layer = 0; layer < 5; layer++) {
                String name = "blk." + layer + ".ffn_down.weight";
                WeightMatrix matrix = WeightMatrix.of(quantized.requireTensor(name));
                WeightMatrix reference = WeightMatrix.of(source.requireTensor(name));
                assertThat(matrix.type()).isEqualTo(TensorType.Q8_0);
                assertThat(matrix.flattened()).isTrue();
                assertThat(matrix.columns()).isEqualTo(172);
                assertThat(matrix.rows()).isEqualTo(64);
                Random random = new Random(layer);
                float[] x = TestTensors.gaussian(3 * 172, random);
                float[] out = new float[3 * 64];
                float[] expected = new float[3 * 64];
                matrix.multiply(x, 3, out);
                reference.multiply(x, 3, expected);
                for (int i = 0; i < out.length; i++) {
                    assertThat(Float.isFinite(out[i]))
                            .as("%s output %d", name, i)
                            .isTrue();
                    // Per weight error ≤ ~0.5% of the block's max; over 172 gaussian inputs that stays well under 5%
                    // of the output scale.
                    assertThat((double) out[i])
                            .as("%s output %d", name, i)
                            .isCloseTo(
                                    expected[i],
                                    org.assertj.core.data.Offset.offset(0.05 * (1 + Math.abs(expected[i]))));
                }
            }
        }
    }
}
