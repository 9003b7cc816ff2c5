package org.logitlab.cli;

import java.nio.file.Path;
import org.logitlab.speculative.DraftLength;
import org.logitlab.speculative.DraftModelDrafter;
import org.logitlab.speculative.DrafterKind;
import org.logitlab.speculative.PromptLookupDrafter;
import picocli.CommandLine.Option;

/**
 * The speculative-decoding flags {@code generate} and {@code serve} share (one declaration, one set of defaults, the
 * library's: {@link DraftLength}, {@link PromptLookupDrafter}, {@link DraftModelDrafter}). Each command validates the
 * values where it uses them.
 */
final class SpeculativeDecodingOptions {
    @Option(
            names = "--spec",
            paramLabel = "MODE",
            description = "Speculative decoding: lookup (prompt n-gram lookup), recycle (Token Recycling), draft"
                    + " (--draft-model, one draft), tree (--draft-model, dynamic tree), multi (--draft-model, --drafts"
                    + " drafts). The output is unchanged (token for token at temperature 0, in distribution otherwise),"
                    + " also under a grammar, JSON schema or regex. serve: the default of every request (or off), which"
                    + " a request may override with its 'speculative' field.")
    String mode;

    @Option(
            names = "--draft-model",
            paramLabel = "FILE",
            description = "GGUF draft model sharing the target's vocabulary, for --spec draft, tree and multi (serve:"
                    + " also for requests asking for them).")
    Path draftModel;

    @Option(
            names = "--draft-layers",
            paramLabel = "N",
            description = "Self-speculation for --spec draft, tree and multi: draft with the target's own first N"
                    + " layers and its output head (an early exit that shares the target's weights) instead of"
                    + " --draft-model.")
    Integer draftLayers;

    @Option(
            names = "--draft-max",
            defaultValue = "" + DraftLength.DEFAULT_DRAFT_MAX,
            paramLabel = "N",
            description = "Longest draft per round (default: ${DEFAULT-VALUE}).")
    int draftMax;

    @Option(
            names = "--draft-min",
            defaultValue = "" + DraftLength.DEFAULT_DRAFT_MIN,
            paramLabel = "N",
            description = "Shortest draft before --draft-p-min may stop it (default: ${DEFAULT-VALUE}).")
    int draftMin;

    /** Null when not given: the default of the mode's drafter, {@link DraftLength#defaultPMin(DrafterKind)}. */
    @Option(
            names = "--draft-p-min",
            paramLabel = "P",
            description = "Stop drafting when the draft's estimated acceptance falls below P, and cut drafts whose"
                    + " measured pass cost exceeds their expected gain; 0 = never: draft whenever the drafter can"
                    + " (for lookup: whenever the text has a match, as llama-lookup does) (default: "
                    + DraftLength.DEFAULT_P_MIN
                    + ").")
    Double draftPMin;

    @Option(
            names = "--draft-tree-nodes",
            defaultValue = "" + DraftLength.DEFAULT_TREE_NODES,
            paramLabel = "N",
            description = "Most nodes per draft tree (default: ${DEFAULT-VALUE}).")
    int treeNodes;

    @Option(
            names = "--drafts",
            defaultValue = "" + DraftModelDrafter.DEFAULT_DRAFTS,
            paramLabel = "K",
            description = "Drafts for --spec multi (default: ${DEFAULT-VALUE}).")
    int drafts;

    @Option(
            names = "--lookup-ngram",
            defaultValue = "" + PromptLookupDrafter.DEFAULT_MAXIMUM_NGRAM,
            paramLabel = "N",
            description = "Longest n-gram for --spec lookup (default: ${DEFAULT-VALUE}).")
    int lookupNgram;
}
