package org.logitlab.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.logitlab.server.scheduler.SpeculationSettings;
import org.logitlab.server.scheduler.SpeculativeMode;

/**
 * The request field {@code speculative}: missing fields take the server's settings, and a p-min the server was not
 * given follows the request's own mode (the library's default for that mode's drafter).
 */
class SpeculationFieldsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static SpeculationSettings read(String body, SpeculationSettings server, boolean draftModel)
            throws Exception {
        Fields fields = new Fields((ObjectNode) JSON.readTree(body));
        ServedModel served = new ServedModel(null, "test", 512, null, 0, null, server, draftModel);
        SpeculationSettings settings = SpeculationFields.read(fields, served);
        fields.rejectUnknown();
        return settings;
    }

    private static SpeculationSettings server(SpeculativeMode mode, Double draftPMin) {
        return new SpeculationSettings(mode, 6, 1, draftPMin, 4, 20, 2);
    }

    @Test
    void missingFieldsTakeTheServersSettings() throws Exception {
        SpeculationSettings server = server(SpeculativeMode.TREE, 0.2);
        assertThat(read("{}", server, true)).isEqualTo(server);
        assertThat(read("{\"speculative\": {}}", server, true)).isEqualTo(server);
        assertThat(read("{\"speculative\": {\"mode\": \"multi\", \"drafts\": 4}}", server, true))
                .isEqualTo(new SpeculationSettings(SpeculativeMode.MULTI, 6, 1, 0.2, 4, 20, 4));
        assertThat(read("{\"speculative\": {\"draft_tree_nodes\": 9, \"draft_max\": 3}}", server, true))
                .isEqualTo(new SpeculationSettings(SpeculativeMode.TREE, 3, 1, 0.2, 4, 9, 2));
    }

    @Test
    void draftPMinNotGivenToTheServerFollowsTheRequestsMode() throws Exception {
        SpeculationSettings lookupServer = server(SpeculativeMode.LOOKUP, null);
        assertThat(read("{}", lookupServer, false).effectiveDraftPMin()).isEqualTo(0.1);
        assertThat(read("{\"speculative\": {\"mode\": \"recycle\"}}", lookupServer, false)
                        .effectiveDraftPMin())
                .isEqualTo(0.1);
        SpeculationSettings plainServer = SpeculationSettings.off();
        assertThat(read("{\"speculative\": {\"mode\": \"lookup\"}}", plainServer, false)
                        .effectiveDraftPMin())
                .isEqualTo(0.1);
        assertThat(read("{\"speculative\": {\"mode\": \"tree\"}}", plainServer, true)
                        .effectiveDraftPMin())
                .isEqualTo(0.1);
        assertThat(read("{\"speculative\": {\"mode\": \"lookup\", \"draft_p_min\": 0.4}}", plainServer, false)
                        .effectiveDraftPMin())
                .isEqualTo(0.4);
        // a p-min the server was given holds for every mode a request picks
        assertThat(read("{\"speculative\": {\"mode\": \"lookup\"}}", server(SpeculativeMode.DRAFT, 0.25), false)
                        .effectiveDraftPMin())
                .isEqualTo(0.25);
    }

    @Test
    void treeModesNeedTheDraftModel() {
        assertThatThrownBy(() -> read("{\"speculative\": {\"mode\": \"multi\"}}", SpeculationSettings.off(), false))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("'speculative.mode' 'multi' needs a draft model");
    }
}
