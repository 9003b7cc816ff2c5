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
 * Every architecture against an independent double-precision reference, on synthesized F32 models (qwen3
 * has no llama.cpp golden file in ../shared, so this is its parity check). Tolerance: 2e-4 absolute on
 * logits of magnitude ~1-10, i.e. float32 rounding of a 2-layer model.
 */
class ArchitectureReferenceTest {
    @TempDir
    Path directory;

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void batchedAndIncrementalLogitsMatchTheReference(Architecture architecture) throws IOException {
        Path file = directory.resolve(architecture.ggufName() + ".gguf");
        SyntheticModel synthetic = new SyntheticModel(architecture, 64, 2, 4, 2, 96, 0, 64, TensorType.F32, 11, 0.08f);
        try (GgufFile vocabulary = GgufFile.open(SharedFixtures.file("models/stories260K/stories260K.gguf"))) {
            synthetic.write(vocabulary.metadata(), file, written -> {});
        }
        int[] tokens = {1, 403, 407, 261, 378, 432, 383, 286, 261, 376};
        try (Model model = Model.load(file)) {
            assertThat(model.config().architecture()).isEqualTo(architecture);
            double[][] expected = new ReferenceForward(model).logits(tokens);
            Session batched = model.newSession(32);
            Logits all = batched.append(tokens);
            Session incremental = model.newSession(32);
            for (int t = 0; t < tokens.length; t++) {
                float[] stepLogits = incremental.append(tokens[t]).last();
                float[] batchLogits = all.row(t);
                for (int id = 0; id < expected[t].length; id++) {
                    assertThat((double) batchLogits[id])
                            .as("batched position %d token %d", t, id)
                            .isCloseTo(expected[t][id], org.assertj.core.data.Offset.offset(2e-4));
                    assertThat((double) stepLogits[id])
                            .as("incremental position %d token %d", t, id)
                            .isCloseTo(expected[t][id], org.assertj.core.data.Offset.offset(2e-4));
                }
            }
        }
    }
}
