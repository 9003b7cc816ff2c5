package org.logitlab.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.logitlab.server.scheduler.SequenceEvent;
import org.logitlab.speculative.SpeculativeStatistics;

/**
 * A response's {@code usage}, summed over its choices' {@link SequenceEvent.Finished} events. When any choice
 * decoded speculatively it carries the logitlab extension {@code usage.speculative}: drafted and accepted tokens,
 * acceptance rate, verification rounds that had a draft, mean accepted length per such round, the target forward
 * passes those choices took part in (prompt passes included; choices batched together share a pass but each
 * counts it) and the tokens they generated, summed over the speculative choices.
 */
final class Usage {
    private final int promptTokens;
    private int completionTokens;
    private int speculativeChoices;
    private long drafted, accepted, rounds, targetPasses, speculativeTokens;

    Usage(int promptTokens) {
        this.promptTokens = promptTokens;
    }

    void add(SequenceEvent.Finished finished) {
        completionTokens += finished.completionTokens();
        SpeculativeStatistics speculation = finished.speculation();
        if (speculation != null) {
            speculativeChoices++;
            drafted += speculation.draftedTokens();
            accepted += speculation.acceptedTokens();
            rounds += speculation.verificationSteps();
            targetPasses += speculation.targetForwardPasses();
            speculativeTokens += speculation.generatedTokens();
        }
    }

    ObjectNode json() {
        ObjectNode usage = Json.object();
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", completionTokens);
        usage.put("total_tokens", promptTokens + completionTokens);
        if (speculativeChoices > 0) {
            ObjectNode speculative = usage.putObject("speculative");
            speculative.put("drafted_tokens", drafted);
            speculative.put("accepted_tokens", accepted);
            speculative.put("acceptance_rate", drafted == 0 ? 0.0 : (double) accepted / drafted);
            speculative.put("rounds", rounds);
            speculative.put("mean_accepted_length", rounds == 0 ? 0.0 : (double) accepted / rounds);
            speculative.put("target_passes", targetPasses);
            speculative.put("completion_tokens", speculativeTokens);
        }
        return usage;
    }
}
