package org.logitlab.server.scheduler;

import java.util.ArrayList;
import java.util.List;
import org.logitlab.session.Logits;

/**
 * The simplest {@link BatchStepper}: each session's forward pass in turn. Sequences still share the engine
 * thread and join or leave between steps; only the packing of several sequences into one matrix product is
 * left to a future multi-sequence forward pass.
 */
public final class SequentialBatchStepper implements BatchStepper {
    @Override
    public List<Logits> step(List<StepInput> inputs) {
        List<Logits> outputs = new ArrayList<>(inputs.size());
        for (StepInput input : inputs) {
            outputs.add(
                    input.parents() == null
                            ? input.session().append(input.tokens(), input.allPositions())
                            : input.session().appendTree(input.tokens(), input.parents()));
        }
        return outputs;
    }
}
