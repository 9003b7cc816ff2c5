package org.logitlab.server;

import java.nio.file.Files;
import java.nio.file.Path;
import org.logitlab.server.scheduler.SpeculationSettings;
import org.logitlab.server.scheduler.SpeculativeMode;

/**
 * Reads {@code logitlab serve}'s speculative-decoding flags into {@link SpeculationSettings}, with errors that
 * name the flag and the value. The modes are {@code generate}'s, plus {@code off}.
 */
public final class SpeculationFlags {
    private SpeculationFlags() {}

    /**
     * @param spec {@code --spec}: lookup, recycle, draft, tree, multi, off, or null for off
     * @param draftModel {@code --draft-model}, or null
     * @param draftLayers {@code --draft-layers}: the target's own first layers as the draft model instead, or null
     * @param draftMax {@code --draft-max}
     * @param draftMin {@code --draft-min}
     * @param draftPMin {@code --draft-p-min}, or null for the default of the mode's drafter ({@link
     *     org.logitlab.speculative.DraftLength#defaultPMin}), also for requests choosing another mode
     * @param lookupNgram {@code --lookup-ngram}
     * @param treeNodes {@code --draft-tree-nodes}
     * @param drafts {@code --drafts}
     */
    public static SpeculationSettings parse(
            String spec,
            Path draftModel,
            Integer draftLayers,
            int draftMax,
            int draftMin,
            Double draftPMin,
            int lookupNgram,
            int treeNodes,
            int drafts) {
        SpeculativeMode mode = spec == null ? SpeculativeMode.OFF : mode(spec);
        DraftSource draft = DraftSource.of(draftModel, draftLayers); // refuses both, or layers < 1
        if (mode.needsDraftModel() && draft == null) {
            throw new IllegalArgumentException("--spec " + spec + " needs --draft-model FILE or --draft-layers N");
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
        if (draftPMin != null && !(draftPMin >= 0.0 && draftPMin <= 1.0)) {
            throw new IllegalArgumentException("--draft-p-min must be in [0, 1], got " + draftPMin);
        }
        if (lookupNgram < 1 || lookupNgram > SpeculationSettings.MAXIMUM_LOOKUP_NGRAM) {
            throw new IllegalArgumentException("--lookup-ngram must be in [1, "
                    + SpeculationSettings.MAXIMUM_LOOKUP_NGRAM + "], got " + lookupNgram);
        }
        if (treeNodes < 1 || treeNodes > SpeculationSettings.MAXIMUM_TREE_NODES) {
            throw new IllegalArgumentException("--draft-tree-nodes must be in [1, "
                    + SpeculationSettings.MAXIMUM_TREE_NODES + "], got " + treeNodes);
        }
        if (drafts < 1 || drafts > SpeculationSettings.MAXIMUM_DRAFTS) {
            throw new IllegalArgumentException(
                    "--drafts must be in [1, " + SpeculationSettings.MAXIMUM_DRAFTS + "], got " + drafts);
        }
        return new SpeculationSettings(mode, draftMax, draftMin, draftPMin, lookupNgram, treeNodes, drafts);
    }

    private static SpeculativeMode mode(String spec) {
        SpeculativeMode mode = SpeculativeMode.parse(spec);
        if (mode == null) {
            throw new IllegalArgumentException(
                    "--spec must be one of " + SpeculativeMode.labels() + "; got '" + spec + "'");
        }
        return mode;
    }
}
