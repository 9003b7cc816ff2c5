package org.logitlab.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.logitlab.model.Model;
import org.logitlab.server.scheduler.SpeculationSettings;
import org.logitlab.server.scheduler.SpeculativeMode;

/** The serve flags for speculative decoding: bad values are refused with the flag and the value named. */
class SpeculationFlagsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            nullValues = "null",
            value = {
                "unknown mode|fast|8|0|0.1|3|24|3|--spec must be one of off, lookup, recycle, draft, tree, multi; got 'fast'",
                "draft without a draft model|draft|8|0|0.1|3|24|3|--spec draft needs --draft-model FILE",
                "tree without a draft model|tree|8|0|0.1|3|24|3|--spec tree needs --draft-model FILE",
                "multi without a draft model|multi|8|0|0.1|3|24|3|--spec multi needs --draft-model FILE",
                "draft-max zero|lookup|0|0|0.1|3|24|3|--draft-max must be in [1, 64], got 0",
                "draft-max too large|lookup|65|0|0.1|3|24|3|--draft-max must be in [1, 64], got 65",
                "draft-min negative|lookup|8|-1|0.1|3|24|3|--draft-min must be in [0, --draft-max = 8], got -1",
                "draft-min above draft-max|recycle|4|5|0.1|3|24|3|--draft-min must be in [0, --draft-max = 4], got 5",
                "draft-p-min above 1|lookup|8|0|1.5|3|24|3|--draft-p-min must be in [0, 1], got 1.5",
                "draft-p-min NaN|lookup|8|0|NaN|3|24|3|--draft-p-min must be in [0, 1], got NaN",
                "lookup-ngram zero|lookup|8|0|0.1|0|24|3|--lookup-ngram must be in [1, 64], got 0",
                "draft-tree-nodes zero|lookup|8|0|0.1|3|0|3|--draft-tree-nodes must be in [1, 64], got 0",
                "draft-tree-nodes too large|lookup|8|0|0.1|3|65|3|--draft-tree-nodes must be in [1, 64], got 65",
                "drafts zero|lookup|8|0|0.1|3|24|0|--drafts must be in [1, 64], got 0",
                "drafts too large|lookup|8|0|0.1|3|24|65|--drafts must be in [1, 64], got 65",
            })
    void badFlagValuesAreRefusedNamingFlagAndValue(
            String name,
            String spec,
            int draftMax,
            int draftMin,
            double draftPMin,
            int lookupNgram,
            int treeNodes,
            int drafts,
            String message) {
        assertThatThrownBy(() -> SpeculationFlags.parse(
                        spec, null, null, draftMax, draftMin, draftPMin, lookupNgram, treeNodes, drafts))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    /** --draft-layers: the target's own first layers as the draft, instead of a draft model file. */
    @Test
    void draftLayersStandInForADraftModelFile() throws Exception {
        assertThat(SpeculationFlags.parse("draft", null, 2, 8, 0, 0.1, 3, 24, 3).mode())
                .isEqualTo(SpeculativeMode.DRAFT);
        assertThatThrownBy(() -> SpeculationFlags.parse(
                        "tree", SpeculativeServerGreedyTest.draftModel(), 2, 8, 0, 0.1, 3, 24, 3))
                .hasMessageContaining("--draft-model or --draft-layers, not both");
        assertThatThrownBy(() -> SpeculationFlags.parse("draft", null, 0, 8, 0, 0.1, 3, 24, 3))
                .hasMessageContaining("--draft-layers must be >= 1, got 0");
        SpeculationSettings settings = SpeculationFlags.parse("draft", null, 99, 8, 0, 0.1, 3, 24, 3);
        try (Model model = Model.loadEmbedded()) {
            ServerConfig config = TestServer.config().withPort(0).withSpeculation(settings, DraftSource.of(null, 99));
            assertThatThrownBy(() -> new LogitlabServer(model, config))
                    .hasMessageContaining("--draft-layers 99")
                    .hasMessageContaining("got 99");
        }
    }

    @Test
    void aMissingDraftModelFileIsNamed() {
        assertThatThrownBy(() ->
                        SpeculationFlags.parse("draft", Path.of("/no/such/draft.gguf"), null, 8, 0, 0.1, 3, 24, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--draft-model /no/such/draft.gguf");
    }

    @Test
    void goodFlagsGiveTheirSettingsAndNoFlagMeansOff() {
        assertThat(SpeculationFlags.parse("recycle", null, null, 6, 2, 0.25, 4, 24, 3))
                .isEqualTo(new SpeculationSettings(SpeculativeMode.RECYCLE, 6, 2, 0.25, 4, 24, 3));
        Path draftModel = SpeculativeServerGreedyTest.draftModel();
        assertThat(SpeculationFlags.parse("tree", draftModel, null, 5, 1, 0.05, 3, 16, 2))
                .isEqualTo(new SpeculationSettings(SpeculativeMode.TREE, 5, 1, 0.05, 3, 16, 2));
        assertThat(SpeculationFlags.parse("multi", draftModel, null, 4, 0, 0.1, 3, 24, 5))
                .isEqualTo(new SpeculationSettings(SpeculativeMode.MULTI, 4, 0, 0.1, 3, 24, 5));
        assertThat(SpeculationFlags.parse(null, null, null, 8, 0, 0.1, 3, 24, 3).enabled())
                .isFalse();
        assertThat(SpeculationFlags.parse("off", null, null, 8, 0, 0.1, 3, 24, 3)
                        .enabled())
                .isFalse();
    }

    /**
     * Without --draft-p-min each mode gets the library's default for its drafter (DraftLength.defaultPMin), 0.1 for
     * every mode today; a given value holds for every mode.
     */
    @Test
    void draftPMinDefaultsToTheLibrarysDefaultOfTheModesDrafter() {
        Path draftModel = SpeculativeServerGreedyTest.draftModel();
        assertThat(SpeculationFlags.parse("lookup", null, null, 8, 0, null, 3, 24, 3)
                        .effectiveDraftPMin())
                .isEqualTo(0.1);
        assertThat(SpeculationFlags.parse("recycle", null, null, 8, 0, null, 3, 24, 3)
                        .effectiveDraftPMin())
                .isEqualTo(0.1);
        for (String mode : new String[] {"draft", "tree", "multi"}) {
            assertThat(SpeculationFlags.parse(mode, draftModel, null, 8, 0, null, 3, 24, 3)
                            .effectiveDraftPMin())
                    .as(mode)
                    .isEqualTo(0.1);
        }
        assertThat(SpeculationFlags.parse("lookup", null, null, 8, 0, 0.3, 3, 24, 3)
                        .effectiveDraftPMin())
                .isEqualTo(0.3);
        SpeculationSettings off = SpeculationFlags.parse(null, null, null, 8, 0, null, 3, 24, 3);
        assertThat(off.withMode(SpeculativeMode.LOOKUP).effectiveDraftPMin()).isEqualTo(0.1);
        assertThat(off.withMode(SpeculativeMode.RECYCLE).effectiveDraftPMin()).isEqualTo(0.1);
        assertThat(SpeculationSettings.off()).isEqualTo(off);
    }

    @Test
    void aDraftModelWithAnotherVocabularyFailsAtStartup() throws Exception {
        Path other = Path.of(
                System.getProperty("logitlab.shared", "../../shared"),
                "models",
                "TinyLLama-v0",
                "TinyLLama-v0.q4_0.gguf");
        assertThat(other).as("fixture").isRegularFile();
        ServerConfig config = TestServer.config()
                .withPort(0)
                .withSpeculation(SpeculationFlags.parse("draft", other, null, 8, 0, 0.1, 3, 24, 3), other);
        try (Model model = Model.loadEmbedded()) {
            assertThatThrownBy(() -> new LogitlabServer(model, config))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--draft-model " + other)
                    .hasMessageContaining("vocabulary");
        }
    }
}
