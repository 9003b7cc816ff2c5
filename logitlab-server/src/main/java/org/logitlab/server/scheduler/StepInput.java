package org.logitlab.server.scheduler;

import org.logitlab.session.Session;

/**
 * One sequence's share of an engine step.
 *
 * @param tokens the tokens to append to {@code session} (at least one)
 * @param allPositions logits for every appended position (prompt scoring), else only for the last one
 */
public record StepInput(Session session, int[] tokens, boolean allPositions) {
    public StepInput {
        if (session == null) {
            throw new IllegalArgumentException("session must not be null");
        }
        if (tokens == null || tokens.length == 0) {
            throw new IllegalArgumentException("tokens must contain at least one token");
        }
    }
}
