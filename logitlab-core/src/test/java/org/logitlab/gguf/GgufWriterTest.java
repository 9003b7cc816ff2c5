package org.logitlab.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.logitlab.testing.SharedFixtures;

class GgufWriterTest {
    @Test
    void rewritingAModelReproducesMetadataAndTensors(@TempDir Path directory) throws IOException {
        Path copy = directory.resolve("copy.gguf");
        try (GgufFile original = GgufFile.open(SharedFixtures.file("models/synthetic/synth-qwen2-tiny-q4_k.gguf"))) {
            GgufWriter writer = new GgufWriter().copyMetadata(original.metadata(), "");
            for (GgufTensor tensor : original.tensors().values()) {
                writer.addTensor(
                        tensor.name(),
                        tensor.type(),
                        tensor.shape(),
                        tensor.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
            }
            writer.write(copy);
            try (GgufFile reread = GgufFile.open(copy)) {
                assertThat(reread.metadata().asMap().keySet())
                        .containsExactlyElementsOf(original.metadata().asMap().keySet());
                assertThat(reread.metadata()
                                .stringArray("tokenizer.ggml.tokens")
                                .orElseThrow())
                        .containsExactly(original.metadata()
                                .stringArray("tokenizer.ggml.tokens")
                                .orElseThrow());
                assertThat(reread.metadata().number("qwen2.rope.freq_base"))
                        .isEqualTo(original.metadata().number("qwen2.rope.freq_base"));
                for (GgufTensor tensor : original.tensors().values()) {
                    GgufTensor other = reread.requireTensor(tensor.name());
                    assertThat(other.shape()).containsExactly(tensor.shape());
                    assertThat(other.type()).isEqualTo(tensor.type());
                    assertThat(other.data().mismatch(tensor.data()))
                            .as(tensor.name())
                            .isEqualTo(-1);
                }
            }
        }
    }
}
