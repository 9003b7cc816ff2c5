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
 * equals its own {@link Session#append(int[], boolean)}. Single owner (e.g. a server's engine thread).
 */
public final class BatchedForward {
    private final Model model;
    private final Transformer transformer;
    private final Transformer.Scratch scratch = new Transformer.Scratch();

    public BatchedForward(Model model) {
        this.model = model;
        this.transformer = new Transformer(model);
    }

    /** One step's work for one session. */
    public record Request(Session session, int[] tokens, boolean allPositions) {}

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
            SequenceInput input = request.session().prepareAppend(request.tokens(), request.allPositions());
            inputs.add(input);
            logits[i] = new float[input.logitRows() * vocabulary];
        }
        transformer.forward(scratch, inputs, logits);
        List<Logits> results = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            results.add(requests.get(i).session().commitAppend(inputs.get(i), logits[i]));
        }
        return results;
    }
}
