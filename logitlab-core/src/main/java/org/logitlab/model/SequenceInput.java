package org.logitlab.model;

/**
 * One sequence's share of a batched forward pass: its tokens go into {@code cache} from slot {@code start}
 * on. Several sequences (each with its own cache) can share one pass — continuous batching.
 *
 * @param parents null for a plain continuation; otherwise a token tree ({@code parents[i]} is the index of
 *     token i's parent in {@code tokens}, {@code < i}, or −1 for a child of the last cached token)
 * @param allPositions logits for every token of this sequence; otherwise only for its last token
 */
public record SequenceInput(KeyValueCache cache, int start, int[] tokens, int[] parents, boolean allPositions) {

    public SequenceInput {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("a sequence in a batch needs at least one token");
        }
        if (parents != null && parents.length != tokens.length) {
            throw new IllegalArgumentException(
                    "parents has " + parents.length + " entries for " + tokens.length + " tokens");
        }
    }

    /** Rows of logits this sequence receives. */
    public int logitRows() {
        return allPositions ? tokens.length : 1;
    }
}
