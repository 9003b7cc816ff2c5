package org.logitlab.server.scheduler;

import java.util.ArrayList;
import java.util.List;
import org.logitlab.model.Model;
import org.logitlab.session.BatchedForward;
import org.logitlab.session.Logits;

/**
 * The server's default {@link BatchStepper}: every active sequence's tokens (prompts being prefilled and
 * single decode tokens, speculative drafts and draft trees alike) go through ONE forward pass of the engine ({@link
 * BatchedForward}), so each weight matrix is read once per step for all of them. Results equal running each sequence
 * alone.
 */
public final class MultiSequenceBatchStepper implements BatchStepper {
    private final BatchedForward batch;

    public MultiSequenceBatchStepper(Model model) {
        this.batch = new BatchedForward(model);
    }

    @Override
    public List<Logits> step(List<StepInput> inputs) {
        List<BatchedForward.Request> requests = new ArrayList<>(inputs.size());
        for (StepInput input : inputs) {
            requests.add(
                    new BatchedForward.Request(input.session(), input.tokens(), input.parents(), input.allPositions()));
        }
        return batch.step(requests);
    }
}
