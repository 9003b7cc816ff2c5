package org.logitlab.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.logitlab.session.Logits;
import org.logitlab.tensor.ActivationPrecision;
import org.logitlab.testing.SharedFixtures;

/** {@link Model#firstLayers}: the target cut short for self-speculative drafting, sharing its weights. */
class EarlyExitViewTest {
    private static final int[] PROMPT = {1, 400, 300, 200, 100, 50};

    @Test
    void allLayersGiveTheFullModelsLogitsBitForBit() throws Exception {
        try (Model model = Model.loadEmbedded()) {
            Model view = model.firstLayers(model.config().layerCount());
            assertThat(view.newSession(64).append(PROMPT, true).data())
                    .containsExactly(model.newSession(64).append(PROMPT, true).data());
        }
    }

    /**
     * With k layers the view is the forward pass stopped after layer k: the same residual stream, then the final norm
     * and head. The naive double-precision reference forward pass, which reads the model's layer count from its
     * config, gives the same logits for the view (float32 activations, the reference test's 2e-4 bar).
     */
    @Test
    void fewerLayersStopTheResidualStreamEarly() throws Exception {
        try (Model model =
                Model.load(SharedFixtures.file("models/stories260K/stories260K.gguf"), ActivationPrecision.FLOAT32)) {
            int layers = model.config().layerCount();
            Model view = model.firstLayers(layers - 2);
            assertThat(view.config().layerCount()).isEqualTo(layers - 2);
            assertThat(view.config().withLayerCount(layers)).isEqualTo(model.config());
            assertThat(view.output()).isSameAs(model.output());
            assertThat(view.source()).contains("first " + (layers - 2) + " layers");
            Logits early = view.newSession(64).append(PROMPT, true);
            double[][] expected = new ReferenceForward(view).logits(PROMPT);
            for (int t = 0; t < PROMPT.length; t++) {
                float[] row = early.row(t);
                for (int id = 0; id < row.length; id++) {
                    assertThat((double) row[id])
                            .as("position %d token %d", t, id)
                            .isCloseTo(expected[t][id], Offset.offset(2e-4));
                }
            }
            assertThat(early.last())
                    .isNotEqualTo(model.newSession(64).append(PROMPT, false).last());
        }
    }

    @Test
    void closingTheViewLeavesTheModelOpen() throws Exception {
        try (Model model = Model.loadEmbedded()) {
            model.firstLayers(1).close();
            assertThat(model.newSession(16).append(PROMPT, false).last())
                    .hasSize(model.config().vocabularySize());
        }
    }

    @Test
    void refusesLayerCountsOutsideTheModel() throws Exception {
        try (Model model = Model.loadEmbedded()) {
            int layers = model.config().layerCount();
            assertThatThrownBy(() -> model.firstLayers(0))
                    .hasMessageContaining("1 to " + layers)
                    .hasMessageContaining("got 0");
            assertThatThrownBy(() -> model.firstLayers(layers + 1)).hasMessageContaining("got " + (layers + 1));
        }
    }
}
