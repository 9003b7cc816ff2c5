package org.logitlab.server.scheduler;

import org.logitlab.speculative.DraftLength;
import org.logitlab.speculative.DraftModelDrafter;
import org.logitlab.speculative.DrafterKind;
import org.logitlab.speculative.PromptLookupDrafter;

/**
 * A sequence's speculative decoding: the mode and how long drafts may be. Entry points (the serve flags, the
 * request field {@code speculative}) validate with messages naming their own parameter; the checks here guard
 * everything else.
 *
 * @param draftMax longest draft per round
 * @param draftMin shortest draft before {@code draftPMin} may stop it
 * @param draftPMin stop drafting where the estimated acceptance of the whole draft falls below this (SpecDec++,
 *     {@link DraftLength}); 0 never stops early; null for the mode's default ({@link #effectiveDraftPMin()}), so a
 *     request choosing another mode gets that mode's default unless a p-min was given
 * @param lookupNgram longest n-gram prompt lookup matches
 * @param treeNodes most nodes of a draft tree ({@link SpeculativeMode#TREE}, {@link SpeculativeMode#MULTI})
 * @param drafts drafts of {@link SpeculativeMode#MULTI}
 */
public record SpeculationSettings(
        SpeculativeMode mode,
        int draftMax,
        int draftMin,
        Double draftPMin,
        int lookupNgram,
        int treeNodes,
        int drafts) {
    /** Longest draft a sequence may ask for: every drafted token is a row of the shared forward pass. */
    public static final int MAXIMUM_DRAFT = 64;

    public static final int MAXIMUM_LOOKUP_NGRAM = 64;

    /** Most tree nodes a sequence may ask for, for the same reason as {@link #MAXIMUM_DRAFT}. */
    public static final int MAXIMUM_TREE_NODES = 64;

    /** Most drafts of multi-draft mode: each is at least one node of the tree. */
    public static final int MAXIMUM_DRAFTS = MAXIMUM_TREE_NODES;

    public SpeculationSettings {
        if (mode == null) {
            throw new IllegalArgumentException("mode must not be null (use OFF)");
        }
        if (draftMax < 1 || draftMax > MAXIMUM_DRAFT) {
            throw new IllegalArgumentException("draft max must be in [1, " + MAXIMUM_DRAFT + "], got " + draftMax);
        }
        if (draftMin < 0 || draftMin > draftMax) {
            throw new IllegalArgumentException(
                    "draft min must be in [0, draft max = " + draftMax + "], got " + draftMin);
        }
        if (draftPMin != null && !(draftPMin >= 0.0 && draftPMin <= 1.0)) {
            throw new IllegalArgumentException("draft p-min must be in [0, 1], got " + draftPMin);
        }
        if (lookupNgram < 1 || lookupNgram > MAXIMUM_LOOKUP_NGRAM) {
            throw new IllegalArgumentException(
                    "lookup n-gram must be in [1, " + MAXIMUM_LOOKUP_NGRAM + "], got " + lookupNgram);
        }
        if (treeNodes < 1 || treeNodes > MAXIMUM_TREE_NODES) {
            throw new IllegalArgumentException(
                    "draft tree nodes must be in [1, " + MAXIMUM_TREE_NODES + "], got " + treeNodes);
        }
        if (drafts < 1 || drafts > MAXIMUM_DRAFTS) {
            throw new IllegalArgumentException("drafts must be in [1, " + MAXIMUM_DRAFTS + "], got " + drafts);
        }
    }

    /** Speculation off, with {@code generate}'s defaults for when a request turns it on. */
    public static SpeculationSettings off() {
        return new SpeculationSettings(
                SpeculativeMode.OFF,
                DraftLength.DEFAULT_DRAFT_MAX,
                DraftLength.DEFAULT_DRAFT_MIN,
                null,
                PromptLookupDrafter.DEFAULT_MAXIMUM_NGRAM,
                DraftLength.DEFAULT_TREE_NODES,
                DraftModelDrafter.DEFAULT_DRAFTS);
    }

    /** The p-min in force: the one given, else the library's default for the mode's kind of drafter. */
    public double effectiveDraftPMin() {
        return draftPMin != null ? draftPMin : DraftLength.defaultPMin(drafterKind(mode));
    }

    /** The kind of drafter {@code mode} uses (off drafts nothing; it is mapped only so that every mode has one). */
    static DrafterKind drafterKind(SpeculativeMode mode) {
        return switch (mode) {
            case LOOKUP -> DrafterKind.PROMPT_LOOKUP;
            case RECYCLE -> DrafterKind.TOKEN_RECYCLING;
            case DRAFT, TREE, MULTI, OFF -> DrafterKind.DRAFT_MODEL;
        };
    }

    public boolean enabled() {
        return mode != SpeculativeMode.OFF;
    }

    public SpeculationSettings withMode(SpeculativeMode newMode) {
        return new SpeculationSettings(newMode, draftMax, draftMin, draftPMin, lookupNgram, treeNodes, drafts);
    }

    /** The library's draft length. */
    DraftLength draftLength() {
        return new DraftLength(draftMax, draftMin, effectiveDraftPMin(), treeNodes);
    }
}
