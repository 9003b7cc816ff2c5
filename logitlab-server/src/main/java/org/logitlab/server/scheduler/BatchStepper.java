package org.logitlab.server.scheduler;

import java.util.List;
import org.logitlab.session.Logits;

/**
 * Runs one engine step: the next forward pass of every active sequence. The {@link Scheduler} collects, per
 * step, each active session with the tokens it must evaluate (a whole prompt for a sequence that just joined,
 * one sampled token otherwise, with a speculative draft or draft tree after it) and hands them over together, so an implementation may pack them into one
 * multi-sequence batched forward pass ({@link MultiSequenceBatchStepper}, the default); {@link SequentialBatchStepper} runs them in
 * turn.
 *
 * <p>Called only from the scheduler's engine thread; each session belongs to exactly one input.
 */
public interface BatchStepper {

    /**
     * @return the logits of every input, in input order: all new positions when {@link StepInput#allPositions()},
     *     else only the last one
     */
    List<Logits> step(List<StepInput> inputs);
}
