package org.logitlab.server.scheduler;

import org.logitlab.session.Session;

/**
 * One sequence's share of an engine step.
 *
 * @param tokens the tokens to append to {@code session} (at least one)
 * @param parents null to append {@code tokens} to the sequence; otherwise they are a token tree evaluated with a tree
 *     attention mask, as {@link Session#appendTree} takes it, and only a path of it joins the sequence, by {@link
 *     Session#acceptTreePath} after the step (a speculative draft tree)
 * @param allPositions logits for every appended position (prompt scoring, drafts; always for a tree), else only for
 *     the last one
 */
public record StepInput(Session session, int[] tokens, int[] parents, boolean allPositions) {
    public StepInput {
        if (session == null) {
            throw new IllegalArgumentException("session must not be null");
        }
        if (tokens == null || tokens.length == 0) {
            throw new IllegalArgumentException("tokens must contain at least one token");
        }
        if (parents != null && (parents.length != tokens.length || !allPositions)) {
            throw new IllegalArgumentException("a tree needs one parent per token and every position's logits, got "
                    + parents.length + " parents for " + tokens.length + " tokens, allPositions " + allPositions);
        }
    }

    /** Appends {@code tokens} to the sequence. */
    public StepInput(Session session, int[] tokens, boolean allPositions) {
        this(session, tokens, null, allPositions);
    }
}
