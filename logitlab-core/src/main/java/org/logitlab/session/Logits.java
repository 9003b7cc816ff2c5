package org.logitlab.session;

/**
 * Raw logits for consecutive positions of a sequence: row {@code i} is the model's (pre-softmax) score of
 * every vocabulary entry for the token that follows position {@code firstPosition + i}. Rows are views of
 * one row-major array; {@link #row(int)} copies.
 */
public record Logits(int firstPosition, int positions, int vocabularySize, float[] data) {

    public Logits {
        if ((long) positions * vocabularySize > data.length) {
            throw new IllegalArgumentException(
                    "logits array of " + data.length + " floats cannot hold " + positions + " × " + vocabularySize);
        }
    }

    /** Offset into {@link #data()} of row {@code index} (0-based, relative to {@code firstPosition}). */
    public int offset(int index) {
        if (index < 0 || index >= positions) {
            throw new IndexOutOfBoundsException("logits row " + index + " of " + positions);
        }
        return index * vocabularySize;
    }

    public float[] row(int index) {
        int offset = offset(index);
        return java.util.Arrays.copyOfRange(data, offset, offset + vocabularySize);
    }

    /** The last row: the distribution of the next token after everything appended so far. */
    public float[] last() {
        return row(positions - 1);
    }

    public int lastOffset() {
        return offset(positions - 1);
    }
}
