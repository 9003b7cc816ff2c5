package org.logitlab.server.scheduler;

import org.logitlab.speculative.DraftLength;

/**
 * A sequence's speculative decoding: the mode and how long drafts may be. Entry points (the serve flags, the
 * request field {@code speculative}) validate with messages naming their own parameter; the checks here guard
 * everything else.
 *
 * @param draftMax longest draft per round
 * @param draftMin shortest draft before {@code draftPMin} may stop it
 * @param draftPMin stop drafting where the estimated acceptance of the whole draft falls below this (SpecDec++,
 *     {@link DraftLength}); 0 never stops early
 * @param lookupNgram longest n-gram prompt lookup matches
 */
public record SpeculationSettings(SpeculativeMode mode, int draftMax, int draftMin, double draftPMin, int lookupNgram) {
    /** Longest draft a sequence may ask for: every drafted token is a row of the shared forward pass. */
    public static final int MAXIMUM_DRAFT = 64;

    public static final int MAXIMUM_LOOKUP_NGRAM = 64;

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
        if (!(draftPMin >= 0.0 && draftPMin <= 1.0)) {
            throw new IllegalArgumentException("draft p-min must be in [0, 1], got " + draftPMin);
        }
        if (lookupNgram < 1 || lookupNgram > MAXIMUM_LOOKUP_NGRAM) {
            throw new IllegalArgumentException(
                    "lookup n-gram must be in [1, " + MAXIMUM_LOOKUP_NGRAM + "], got " + lookupNgram);
        }
    }

    /** Speculation off, with {@code generate}'s defaults for when a request turns it on. */
    public static SpeculationSettings off() {
        return new SpeculationSettings(SpeculativeMode.OFF, 8, 0, 0.1, 3);
    }

    public boolean enabled() {
        return mode != SpeculativeMode.OFF;
    }

    public SpeculationSettings withMode(SpeculativeMode newMode) {
        return new SpeculationSettings(newMode, draftMax, draftMin, draftPMin, lookupNgram);
    }

    /** The library's draft length (a chain, so the tree budget is the depth). */
    DraftLength draftLength() {
        return new DraftLength(draftMax, draftMin, draftPMin, draftMax);
    }
}
