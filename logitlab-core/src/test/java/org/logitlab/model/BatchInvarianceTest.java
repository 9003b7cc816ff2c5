package org.logitlab.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.logitlab.gguf.GgufFile;
import org.logitlab.session.Logits;
import org.logitlab.session.Session;
import org.logitlab.synth.SyntheticModel;
import org.logitlab.tensor.TensorType;
import org.logitlab.testing.SharedFixtures;

/**
 * A token's logits must not depend on the batch it is computed in — speculative verification relies on it — on a
 * model whose shapes take the fast paths: 64-wide heads (attention sums value rows for four queries per read, in
 * runs of at most 16 tokens) and Q8_0/Q4_0 matrices (repacked, two row groups and up to five tokens per kernel).
 */
class BatchInvarianceTest {
    @TempDir
    Path directory;

    @ParameterizedTest
    @EnumSource(
            value = TensorType.class,
            names = {"Q8_0", "Q4_0"})
    void batchesOfEverySizeEqualOneTokenAtATime(TensorType type) throws IOException {
        Path file = directory.resolve("llama-" + type + ".gguf");
        SyntheticModel synthetic = new SyntheticModel(Architecture.LLAMA, 256, 2, 4, 2, 128, 0, 64, type, 5, 0.08f);
        try (GgufFile vocabulary = GgufFile.open(SharedFixtures.file("models/stories260K/stories260K.gguf"))) {
            synthetic.write(vocabulary.metadata(), file, written -> {});
        }
        int[] tokens = new int[40];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = 1 + (i * 37) % 500;
        }
        try (Model model = Model.load(file)) {
            Session incremental = model.newSession(64);
            float[][] expected = new float[tokens.length][];
            for (int t = 0; t < tokens.length; t++) {
                expected[t] = incremental.append(tokens[t]).last();
            }
            // a 23-token prefill (runs of 16 and 7), then batches of 1 to 9 tokens as verification passes make
            Session batched = model.newSession(64);
            int position = 0;
            int size = 23;
            while (position < tokens.length) {
                int n = Math.min(size, tokens.length - position);
                int[] batch = java.util.Arrays.copyOfRange(tokens, position, position + n);
                Logits logits = batched.append(batch);
                for (int i = 0; i < n; i++) {
                    assertThat(logits.row(i))
                            .as("%s position %d in a batch of %d", type, position + i, n)
                            .containsExactly(expected[position + i]);
                }
                position += n;
                size = size == 23 ? 9 : size - 1;
                if (size == 0) {
                    size = 9;
                }
            }
        }
    }
}
