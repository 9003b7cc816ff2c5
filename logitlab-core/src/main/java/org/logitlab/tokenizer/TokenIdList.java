package org.logitlab.tokenizer;

import java.util.Arrays;

/** A growable int array, so encoding does not box every id. */
final class TokenIdList {
    private int[] ids = new int[16];
    private int size;

    void add(int id) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
        }
        ids[size++] = id;
    }

    int size() {
        return size;
    }

    int get(int index) {
        return ids[index];
    }

    void truncate(int newSize) {
        size = newSize;
    }

    int[] toArray() {
        return Arrays.copyOf(ids, size);
    }
}
