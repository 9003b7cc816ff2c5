package org.logitlab.distribution;

/**
 * The one top-k selection of logitlab. Order is by descending logit, ties broken by lower token id,
 * so every caller sees the same deterministic order. Selection keeps a heap of k entries — O(n log k)
 * rather than a full O(n log n) sort — which matters for a 150k vocabulary and k = 40.
 */
public final class TopK {
    private TopK() {}

    /** True when (logitA, idA) comes strictly before (logitB, idB) in descending-logit, ascending-id order. */
    public static boolean ranksBefore(float logitA, int idA, float logitB, int idB) {
        return logitA > logitB || (logitA == logitB && idA < idB);
    }

    /**
     * Indices (relative to {@code offset}) of the k best entries of {@code values[offset, offset + length)},
     * best first. Requires 0 < k ≤ length.
     */
    public static int[] topIndices(float[] values, int offset, int length, int k) {
        if (k <= 0 || k > length) {
            throw new IllegalArgumentException("k must be in [1, " + length + "], got " + k);
        }
        // Min-heap (worst entry at the root) over the k best seen so far.
        int[] heap = new int[k];
        for (int i = 0; i < k; i++) {
            heap[i] = i;
            siftUpIndices(heap, i, values, offset);
        }
        // Every later entry has a higher id than all in the heap, so it ranks before the root exactly when its
        // value is greater: a comparison-only scan finds the next one, a vector at a time.
        for (int i = Scan.nextGreater(values, offset, k, length, values[offset + heap[0]]);
                i < length;
                i = Scan.nextGreater(values, offset, i + 1, length, values[offset + heap[0]])) {
            heap[0] = i;
            siftDownIndices(heap, 0, k, values, offset);
        }
        // Heap-sort: repeatedly move the worst entry to the end, leaving best first.
        for (int end = k - 1; end > 0; end--) {
            int worst = heap[0];
            heap[0] = heap[end];
            heap[end] = worst;
            siftDownIndices(heap, 0, end, values, offset);
        }
        return heap;
    }

    private static void siftUpIndices(int[] heap, int position, float[] values, int offset) {
        while (position > 0) {
            int parent = (position - 1) >>> 1;
            if (!worseThan(heap[position], heap[parent], values, offset)) {
                return;
            }
            int swap = heap[parent];
            heap[parent] = heap[position];
            heap[position] = swap;
            position = parent;
        }
    }

    private static void siftDownIndices(int[] heap, int position, int size, float[] values, int offset) {
        while (true) {
            int left = 2 * position + 1;
            if (left >= size) {
                return;
            }
            int right = left + 1;
            int worst = right < size && worseThan(heap[right], heap[left], values, offset) ? right : left;
            if (!worseThan(heap[worst], heap[position], values, offset)) {
                return;
            }
            int swap = heap[worst];
            heap[worst] = heap[position];
            heap[position] = swap;
            position = worst;
        }
    }

    private static boolean worseThan(int indexA, int indexB, float[] values, int offset) {
        return ranksBefore(values[offset + indexB], indexB, values[offset + indexA], indexA);
    }

    /**
     * Rearranges the parallel arrays {@code ids}/{@code logits}/{@code probabilities} in place so that
     * their first k entries are the k best of the first {@code size}, best first; the order of the rest
     * is unspecified. Allocation-free, for {@code Candidates}. {@code probabilities} may be null.
     */
    public static void partialSortDescending(int[] ids, float[] logits, float[] probabilities, int size, int k) {
        if (k < 0 || k > size) {
            throw new IllegalArgumentException("k must be in [0, " + size + "], got " + k);
        }
        if (k == 0) {
            return;
        }
        for (int i = 1; i < k; i++) {
            siftUpEntries(ids, logits, probabilities, i);
        }
        for (int i = k; i < size; i++) {
            if (ranksBefore(logits[i], ids[i], logits[0], ids[0])) {
                swap(ids, logits, probabilities, 0, i);
                siftDownEntries(ids, logits, probabilities, 0, k);
            }
        }
        for (int end = k - 1; end > 0; end--) {
            swap(ids, logits, probabilities, 0, end);
            siftDownEntries(ids, logits, probabilities, 0, end);
        }
    }

    private static void siftUpEntries(int[] ids, float[] logits, float[] probabilities, int position) {
        while (position > 0) {
            int parent = (position - 1) >>> 1;
            if (!ranksBefore(logits[parent], ids[parent], logits[position], ids[position])) {
                return;
            }
            swap(ids, logits, probabilities, parent, position);
            position = parent;
        }
    }

    private static void siftDownEntries(int[] ids, float[] logits, float[] probabilities, int position, int size) {
        while (true) {
            int left = 2 * position + 1;
            if (left >= size) {
                return;
            }
            int right = left + 1;
            int worst = right < size && ranksBefore(logits[left], ids[left], logits[right], ids[right]) ? right : left;
            if (!ranksBefore(logits[position], ids[position], logits[worst], ids[worst])) {
                return;
            }
            swap(ids, logits, probabilities, worst, position);
            position = worst;
        }
    }

    private static void swap(int[] ids, float[] logits, float[] probabilities, int a, int b) {
        int id = ids[a];
        ids[a] = ids[b];
        ids[b] = id;
        float logit = logits[a];
        logits[a] = logits[b];
        logits[b] = logit;
        if (probabilities != null) {
            float probability = probabilities[a];
            probabilities[a] = probabilities[b];
            probabilities[b] = probability;
        }
    }
}
