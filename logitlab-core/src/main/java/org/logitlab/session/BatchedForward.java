package org.logitlab.session;

import java.util.ArrayList;
import java.util.List;
import org.logitlab.model.Model;
import org.logitlab.model.SequenceInput;
import org.logitlab.model.Transformer;

/**
 * Continuous batching: appends tokens to several sessions of the same model in ONE forward pass — every
 * weight matrix multiplies all their tokens together (a prompt being prefilled and other sequences' single
 * decode tokens alike), while attention stays within each session's own cache. The result for each session
 * equals its own {@link Session#append(int[], boolean)}, or for a tree request ({@link Request#tree}) its own
 * {@link Session#appendTree}: each tree gets its tree attention mask, and afterwards {@link
 * Session#acceptTreePath} commits a path of it. Single owner (e.g. a server's engine thread).
 */
public final class BatchedForward {
    private final Model model;
    private final Transformer transformer;
    private final Transformer.Scratch scratch = new Transformer.Scratch();

    public BatchedForward(Model model) {
        this.model = model;
        this.transformer = new Transformer(model);
    }

    /**
     * One step's work for one session.
     *
     * @param parents null to append {@code tokens} to the sequence; otherwise a token tree as {@link
     *     Session#appendTree} takes it (then every node gets its logits, so {@code allPositions} must be true)
     */
    public record Request(Session session, int[] tokens, int[] parents, boolean allPositions) {
        public Request {
            if (parents != null && !allPositions) {
                throw new IllegalArgumentException(
                        "a tree request returns every node's logits; allPositions must be true");
            }
        }

        /** Appends {@code tokens} to the sequence. */
        public Request(Session session, int[] tokens, boolean allPositions) {
            this(session, tokens, null, allPositions);
        }

        /** Evaluates a token tree below the sequence, as {@link Session#appendTree} does. */
        public static Request tree(Session session, int[] tokens, int[] parents) {
            if (parents == null) {
                throw new IllegalArgumentException("a tree request needs parents");
            }
            return new Request(session, tokens, parents, true);
        }
    }

    /** Runs every request in one pass; returns each session's logits, in request order. */
    public List<Logits> step(List<Request> requests) {
        List<SequenceInput> inputs = new ArrayList<>(requests.size());
        float[][] logits = new float[requests.size()][];
        java.util.Set<Session> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        int vocabulary = model.config().vocabularySize();
        for (int i = 0; i < requests.size(); i++) {
            Request request = requests.get(i);
            if (request.session().model() != model) {
                throw new IllegalArgumentException("request " + i + " belongs to another model than this batch's");
            }
            if (!seen.add(request.session())) {
                throw new IllegalArgumentException("request " + i + " repeats a session already in this batch");
            }
            SequenceInput input = request.parents() == null
                    ? request.session().prepareAppend(request.tokens(), request.allPositions())
                    : request.session().prepareAppendTree(request.tokens(), request.parents());
            inputs.add(input);
            logits[i] = new float[input.logitRows() * vocabulary];
        }
        transformer.forward(scratch, inputs, logits);
        List<Logits> results = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            Session session = requests.get(i).session();
            results.add(
                    requests.get(i).parents() == null
                            ? session.commitAppend(inputs.get(i), logits[i])
                            : session.commitAppendTree(inputs.get(i), logits[i]));
        }
        return results;
    }
}
