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
        // a 23-token prefill (attention runs of 16 and 7), then batches as verification passes make them: every
        // kernel ending (two, three, four and five tokens, one token alone) and a run below four queries
        int[] sizes = {23, 2, 9, 6, 1, 3, 4, 7};
        int[] tokens = new int[java.util.Arrays.stream(sizes).sum()];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = 1 + (i * 37) % 500;
        }
        try (Model model = Model.load(file)) {
            Session incremental = model.newSession(64);
            float[][] expected = new float[tokens.length][];
            for (int t = 0; t < tokens.length; t++) {
                expected[t] = incremental.append(tokens[t]).last();
            }
            Session batched = model.newSession(64);
            int position = 0;
            for (int n : sizes) {
                Logits logits = batched.append(java.util.Arrays.copyOfRange(tokens, position, position + n));
                for (int i = 0; i < n; i++) {
                    assertThat(logits.row(i))
                            .as("%s position %d in a batch of %d", type, position + i, n)
                            .containsExactly(expected[position + i]);
                }
                position += n;
            }
        }
    }
}
