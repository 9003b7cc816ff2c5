package org.logitlab.sampling;

import java.util.Arrays;
import java.util.function.IntPredicate;
import org.logitlab.distribution.LogSpace;
import org.logitlab.distribution.TopK;

/**
 * The candidate tokens a sampler chain works on: a reusable struct-of-arrays buffer (token ids, logits,
 * probabilities) like llama.cpp's {@code llama_token_data_array}. After the first {@link #fill} of a
 * given vocabulary size, refilling and every operation here is allocation-free.
 *
 * <p>Invariant: the probabilities are always the softmax of the current logits over the current
 * candidates. Rather than every sampler re-normalising eagerly, any change to logits or to the set of
 * candidates marks them stale and the next read ({@link #probability}, {@link #softmax}) recomputes
 * them through {@link LogSpace#softmax}, so "after every sampler they sum to 1" holds by construction.
 */
public final class Candidates {
    private int[] ids = new int[0];
    private float[] logits = new float[0];
    private float[] probabilities = new float[0];
    private int[] scratchIds = new int[0];
    private float[] scratchLogits = new float[0];
    private float[] scratchProbabilities = new float[0];
    private int size;
    /** The first sortedPrefix candidates are in descending-logit order; all of them when ≥ size. */
    private int sortedPrefix;

    private boolean probabilitiesValid;
    private int selected = -1;

    /** Candidates for every token of a logits row; a convenience for tests and one-off use. */
    public static Candidates of(float... logits) {
        Candidates candidates = new Candidates();
        candidates.fill(logits, 0, logits == null ? 0 : logits.length);
        return candidates;
    }

    /** Resets to one candidate per token of {@code logits[offset, offset + vocabularySize)}, ids 0…n−1. */
    public void fill(float[] logits, int offset, int vocabularySize) {
        LogSpace.validateLogits(logits, offset, vocabularySize);
        ensureCapacity(vocabularySize);
        for (int id = 0; id < vocabularySize; id++) {
            this.ids[id] = id;
        }
        System.arraycopy(logits, offset, this.logits, 0, vocabularySize);
        size = vocabularySize;
        sortedPrefix = 0;
        probabilitiesValid = false;
        selected = -1;
    }

    private void ensureCapacity(int capacity) {
        if (ids.length < capacity) {
            ids = new int[capacity];
            logits = new float[capacity];
            probabilities = new float[capacity];
            scratchIds = new int[capacity];
            scratchLogits = new float[capacity];
            scratchProbabilities = new float[capacity];
        }
    }

    public int size() {
        return size;
    }

    /** True when candidates are in descending-logit order (ties by lower id). */
    public boolean isSorted() {
        return sortedPrefix >= size;
    }

    public int id(int index) {
        checkIndex(index);
        return ids[index];
    }

    public float logit(int index) {
        checkIndex(index);
        return logits[index];
    }

    /** Changes one logit; the order and the probabilities are no longer known to be valid. */
    public void setLogit(int index, float logit) {
        checkIndex(index);
        if (Float.isNaN(logit)) {
            throw new IllegalArgumentException("logit for candidate " + index + " (token " + ids[index] + ") is NaN");
        }
        logits[index] = logit;
        sortedPrefix = 0;
        probabilitiesValid = false;
    }

    /**
     * Divides every logit by {@code temperature} > 0. The order is unchanged, so sortedness is kept.
     * Results beyond the float range are clamped to ±Float.MAX_VALUE so that a tiny temperature
     * sharpens to one-hot instead of producing ∞ − ∞ = NaN; masked (−∞) logits stay masked.
     */
    public void divideLogits(double temperature) {
        if (!(temperature > 0.0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and > 0, got " + temperature);
        }
        for (int i = 0; i < size; i++) {
            float logit = logits[i];
            if (logit != Float.NEGATIVE_INFINITY) {
                double scaled = logit / temperature;
                logits[i] = (float) Math.max(-Float.MAX_VALUE, Math.min(Float.MAX_VALUE, scaled));
            }
        }
        probabilitiesValid = false;
    }

    /** Softmax probability of candidate {@code index} among the current candidates. */
    public float probability(int index) {
        checkIndex(index);
        softmax();
        return probabilities[index];
    }

    /** Computes the probabilities now if they are stale (they are otherwise computed on first read). */
    public void softmax() {
        if (!probabilitiesValid) {
            LogSpace.softmax(logits, probabilities, size);
            probabilitiesValid = true;
        }
    }

    /** Index of the picked candidate, or −1 before a picking sampler ran. */
    public int selected() {
        return selected;
    }

    /** Token id of the picked candidate. */
    public int selectedId() {
        if (selected < 0) {
            throw new IllegalStateException("no candidate selected: the chain must end in a picking sampler");
        }
        return ids[selected];
    }

    public void select(int index) {
        checkIndex(index);
        selected = index;
    }

    /** Sorts all candidates by descending logit, ties by lower id. */
    public void sortByLogitDescending() {
        partialSortByLogitDescending(size);
    }

    /**
     * Brings the k best candidates (by logit) to the front in sorted order, leaving the rest unordered;
     * {@link #isSorted()} becomes true only once the candidates are truncated to that prefix.
     */
    public void partialSortByLogitDescending(int k) {
        if (k < 0 || k > size) {
            throw new IllegalArgumentException("k must be in [0, " + size + "], got " + k);
        }
        if (sortedPrefix >= k) {
            return;
        }
        TopK.partialSortDescending(ids, logits, probabilities, size, k);
        sortedPrefix = k;
    }

    /** Keeps the first {@code newSize} candidates in their current order. */
    public void truncate(int newSize) {
        if (newSize < 1 || newSize > size) {
            throw new IllegalArgumentException("newSize must be in [1, " + size + "], got " + newSize);
        }
        if (newSize != size) {
            size = newSize;
            sortedPrefix = Math.min(sortedPrefix, newSize);
            probabilitiesValid = false;
        }
    }

    /** Keeps the k highest-logit candidates, sorted (llama.cpp top-k). */
    public void keepTop(int k) {
        if (k < 1 || k > size) {
            throw new IllegalArgumentException("k must be in [1, " + size + "], got " + k);
        }
        partialSortByLogitDescending(k);
        truncate(k);
    }

    /** Keeps the candidates whose index satisfies {@code keep}, preserving their relative order. */
    public void retainIndices(IntPredicate keep) {
        int kept = 0;
        for (int index = 0; index < size; index++) {
            if (keep.test(index)) {
                ids[kept] = ids[index];
                logits[kept] = logits[index];
                probabilities[kept] = probabilities[index];
                kept++;
            }
        }
        if (kept == 0) {
            throw new IllegalStateException("a sampler removed every candidate");
        }
        if (kept != size) {
            // A subsequence of a sorted sequence is sorted; a partially sorted one loses its guarantee.
            sortedPrefix = sortedPrefix >= size ? kept : 0;
            size = kept;
            probabilitiesValid = false;
        }
    }

    /** Drops the first {@code count} candidates, keeping the rest in order (llama.cpp XTC's pointer shift). */
    public void dropFirst(int count) {
        if (count < 0 || count >= size) {
            throw new IllegalArgumentException("count must be in [0, " + size + "), got " + count);
        }
        if (count == 0) {
            return;
        }
        int remaining = size - count;
        System.arraycopy(ids, count, ids, 0, remaining);
        System.arraycopy(logits, count, logits, 0, remaining);
        System.arraycopy(probabilities, count, probabilities, 0, remaining);
        size = remaining;
        sortedPrefix = Math.max(0, sortedPrefix - count);
        probabilitiesValid = false;
    }

    /**
     * Rearranges candidates so that position i holds the candidate formerly at {@code order[i]}, keeping
     * only the first {@code count}; the result is treated as unsorted (llama.cpp typical sampling).
     */
    public void reorder(int[] order, int count) {
        if (count < 1 || count > size) {
            throw new IllegalArgumentException("count must be in [1, " + size + "], got " + count);
        }
        for (int i = 0; i < count; i++) {
            int from = order[i];
            checkIndex(from);
            scratchIds[i] = ids[from];
            scratchLogits[i] = logits[from];
            scratchProbabilities[i] = probabilities[from];
        }
        System.arraycopy(scratchIds, 0, ids, 0, count);
        System.arraycopy(scratchLogits, 0, logits, 0, count);
        System.arraycopy(scratchProbabilities, 0, probabilities, 0, count);
        if (count != size) {
            size = count;
            probabilitiesValid = false;
        }
        sortedPrefix = 0;
    }

    /** Largest logit among the candidates. */
    public float maxLogit() {
        return isSorted() ? logits[0] : LogSpace.max(logits, 0, size);
    }

    /** A copy of the current token ids. */
    public int[] ids() {
        return Arrays.copyOf(ids, size);
    }

    /** A copy of the current logits. */
    public float[] logits() {
        return Arrays.copyOf(logits, size);
    }

    /** A copy of the current probabilities (computed if stale). */
    public float[] probabilities() {
        softmax();
        return Arrays.copyOf(probabilities, size);
    }

    /** An independent copy of this buffer's current state, for snapshots and tests. */
    public Candidates copy() {
        Candidates copy = new Candidates();
        copy.ensureCapacity(size);
        System.arraycopy(ids, 0, copy.ids, 0, size);
        System.arraycopy(logits, 0, copy.logits, 0, size);
        System.arraycopy(probabilities, 0, copy.probabilities, 0, size);
        copy.size = size;
        copy.sortedPrefix = sortedPrefix;
        copy.probabilitiesValid = probabilitiesValid;
        copy.selected = selected;
        return copy;
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("candidate index must be in [0, " + size + "), got " + index);
        }
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Candidates[size=")
                .append(size)
                .append(", sorted=")
                .append(isSorted());
        for (int i = 0; i < Math.min(size, 8); i++) {
            text.append(i == 0 ? ", " : " ").append(ids[i]).append(':').append(logits[i]);
        }
        return text.append(size > 8 ? " …]" : "]").toString();
    }
}
