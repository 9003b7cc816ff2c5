package org.logitlab.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.logitlab.server.scheduler.SpeculationSettings;
import org.logitlab.server.scheduler.SpeculativeMode;

/**
 * The logitlab extension {@code "speculative": {"mode", "draft_max", "draft_min", "draft_p_min", "lookup_ngram",
 * "draft_tree_nodes", "drafts"}}: a request's own speculative decoding, each field defaulting to the server's flags
 * ({@code --spec}, {@code --draft-max}, …, {@code --draft-tree-nodes}, {@code --drafts}). Speculation never changes the output, only how many tokens a forward pass
 * yields, so this is a performance knob (e.g. {@code "mode": "off"} for a request known not to repeat itself).
 */
final class SpeculationFields {
    static final String FIELD = "speculative";

    private SpeculationFields() {}

    static SpeculationSettings read(Fields fields, ServedModel served) {
        SpeculationSettings defaults = served.speculation();
        ObjectNode object = fields.object(FIELD).orElse(null);
        if (object == null) {
            return defaults;
        }
        Fields speculative = fields.nested(FIELD, object);
        SpeculativeMode mode = speculative
                .string("mode")
                .map(label -> mode(label, speculative.path("mode")))
                .orElse(defaults.mode());
        int draftMax = speculative.integer("draft_max", defaults.draftMax(), 1, SpeculationSettings.MAXIMUM_DRAFT);
        int draftMin = speculative.integer("draft_min", Math.min(defaults.draftMin(), draftMax), 0, draftMax);
        // absent: the server's --draft-p-min, or when it was not given the default of this request's mode
        Double draftPMin = speculative.number("draft_p_min", 0.0, 1.0).orElse(defaults.draftPMin());
        int lookupNgram = speculative.integer(
                "lookup_ngram", defaults.lookupNgram(), 1, SpeculationSettings.MAXIMUM_LOOKUP_NGRAM);
        int treeNodes = speculative.integer(
                "draft_tree_nodes", defaults.treeNodes(), 1, SpeculationSettings.MAXIMUM_TREE_NODES);
        int drafts = speculative.integer("drafts", defaults.drafts(), 1, SpeculationSettings.MAXIMUM_DRAFTS);
        speculative.rejectUnknown();
        if (mode.needsDraftModel() && !served.draftModelLoaded()) {
            throw ApiException.invalid(
                    speculative.path("mode"),
                    "'" + speculative.path("mode") + "' '" + mode.label() + "' needs a draft model: start the server"
                            + " with --draft-model FILE");
        }
        return new SpeculationSettings(mode, draftMax, draftMin, draftPMin, lookupNgram, treeNodes, drafts);
    }

    private static SpeculativeMode mode(String label, String path) {
        SpeculativeMode mode = SpeculativeMode.parse(label);
        if (mode == null) {
            throw ApiException.invalid(
                    path, "'" + path + "' must be one of " + SpeculativeMode.labels() + ", got '" + label + "'");
        }
        return mode;
    }
}
