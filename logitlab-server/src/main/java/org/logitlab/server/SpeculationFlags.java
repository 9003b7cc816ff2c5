package org.logitlab.server;

import java.nio.file.Files;
import java.nio.file.Path;
import org.logitlab.server.scheduler.SpeculationSettings;
import org.logitlab.server.scheduler.SpeculativeMode;

/**
 * Reads {@code logitlab serve}'s speculative-decoding flags into {@link SpeculationSettings}, with errors that
 * name the flag and the value. The modes are {@code generate}'s linear ones; its tree modes are refused because
 * the server's batched forward pass runs no tree attention.
 */
public final class SpeculationFlags {
    private SpeculationFlags() {}

    /**
     * @param spec {@code --spec}: lookup, recycle, draft, off, or null for off
     * @param draftModel {@code --draft-model}, or null
     * @param draftMax {@code --draft-max}
     * @param draftMin {@code --draft-min}
     * @param draftPMin {@code --draft-p-min}
     * @param lookupNgram {@code --lookup-ngram}
     */
    public static SpeculationSettings parse(
            String spec, Path draftModel, int draftMax, int draftMin, double draftPMin, int lookupNgram) {
        SpeculativeMode mode = spec == null ? SpeculativeMode.OFF : mode(spec);
        if (mode == SpeculativeMode.DRAFT && draftModel == null) {
            throw new IllegalArgumentException("--spec draft needs --draft-model FILE");
        }
        if (draftModel != null && !Files.isRegularFile(draftModel)) {
            throw new IllegalArgumentException("--draft-model " + draftModel + " is not a file");
        }
        if (draftMax < 1 || draftMax > SpeculationSettings.MAXIMUM_DRAFT) {
            throw new IllegalArgumentException(
                    "--draft-max must be in [1, " + SpeculationSettings.MAXIMUM_DRAFT + "], got " + draftMax);
        }
        if (draftMin < 0 || draftMin > draftMax) {
            throw new IllegalArgumentException(
                    "--draft-min must be in [0, --draft-max = " + draftMax + "], got " + draftMin);
        }
        if (!(draftPMin >= 0.0 && draftPMin <= 1.0)) {
            throw new IllegalArgumentException("--draft-p-min must be in [0, 1], got " + draftPMin);
        }
        if (lookupNgram < 1 || lookupNgram > SpeculationSettings.MAXIMUM_LOOKUP_NGRAM) {
            throw new IllegalArgumentException("--lookup-ngram must be in [1, "
                    + SpeculationSettings.MAXIMUM_LOOKUP_NGRAM + "], got " + lookupNgram);
        }
        return new SpeculationSettings(mode, draftMax, draftMin, draftPMin, lookupNgram);
    }

    private static SpeculativeMode mode(String spec) {
        if (spec.equals("tree") || spec.equals("multi")) {
            throw new IllegalArgumentException("--spec " + spec + " is not supported by the server: draft trees need"
                    + " tree attention, which its batched forward pass does not run; use draft, lookup or recycle"
                    + " (generate supports " + spec + ")");
        }
        SpeculativeMode mode = SpeculativeMode.parse(spec);
        if (mode == null) {
            throw new IllegalArgumentException(
                    "--spec must be one of " + SpeculativeMode.labels() + "; got '" + spec + "'");
        }
        return mode;
    }
}
