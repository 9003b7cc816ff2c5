package org.logitlab.speculative;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.logitlab.model.Model;

/** The one place draft-length defaults are decided: by the kind of drafter, for generate and the server alike. */
class DraftLengthTest {

    @Test
    void everyDrafterStopsAtTheDefaultPMin() {
        assertThat(DraftLength.defaultPMin(DrafterKind.PROMPT_LOOKUP)).isEqualTo(0.1);
        assertThat(DraftLength.defaultPMin(DrafterKind.TOKEN_RECYCLING)).isEqualTo(0.1);
        assertThat(DraftLength.defaultPMin(DrafterKind.DRAFT_MODEL)).isEqualTo(0.1);
        assertThat(DraftLength.defaults(DrafterKind.PROMPT_LOOKUP)).isEqualTo(new DraftLength(8, 0, 0.1, 24));
        assertThat(DraftLength.defaults(DrafterKind.DRAFT_MODEL)).isEqualTo(new DraftLength(8, 0, 0.1, 24));
        assertThatThrownBy(() -> DraftLength.defaultPMin(null)).hasMessageContaining("kind");
    }

    @Test
    void everyDrafterHasItsKind() {
        Model target = SpeculativeFixtures.target();
        assertThat(DrafterKind.of(new PromptLookupDrafter(3, 1))).isEqualTo(DrafterKind.PROMPT_LOOKUP);
        assertThat(DrafterKind.of(
                        TokenRecyclingDrafter.withDefaults(target.config().vocabularySize())))
                .isEqualTo(DrafterKind.TOKEN_RECYCLING);
        DraftModelDrafter model = new DraftModelDrafter(
                target,
                SpeculativeFixtures.draft(),
                64,
                DraftModelDrafter.Shape.TREE,
                DraftLength.defaults(DrafterKind.DRAFT_MODEL),
                DraftModelDrafter.DEFAULT_DRAFTS);
        assertThat(DrafterKind.of(model)).isEqualTo(DrafterKind.DRAFT_MODEL);
    }
}
