package org.logitlab.speculative;

/**
 * The kinds of {@link Drafter}, for what must be decided before a drafter exists (a draft model's drafter takes its
 * {@link DraftLength}): the defaults of {@link DraftLength#defaults(DrafterKind)}.
 */
public enum DrafterKind {
    /** {@link PromptLookupDrafter}: deterministic copies of earlier text, only where the text has a match. */
    PROMPT_LOOKUP,
    /** {@link TokenRecyclingDrafter}: the target's own most likely successors seen so far. */
    TOKEN_RECYCLING,
    /** {@link DraftModelDrafter}: a smaller model's drafts (chain, tree or multiple drafts). */
    DRAFT_MODEL;

    public static DrafterKind of(Drafter drafter) {
        return switch (drafter) {
            case PromptLookupDrafter lookup -> PROMPT_LOOKUP;
            case TokenRecyclingDrafter recycling -> TOKEN_RECYCLING;
            case DraftModelDrafter model -> DRAFT_MODEL;
        };
    }
}
