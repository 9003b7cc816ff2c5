package org.logitlab.model;

import java.util.Arrays;

/**
 * Keys and values of every layer for positions {@code [0, capacity)}, in float32 (as the golden outputs'
 * llama.cpp runs: type_k = type_v = f32). Layout per layer: position-major, {@code kvDimension} floats per
 * position, so appending a token writes one contiguous run and truncation is just a shorter length.
 */
public final class KeyValueCache {
    private final int capacity;
    private final int kvDimension;
    private final float[][] keys;
    private final float[][] values;

    public KeyValueCache(ModelConfig config, int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("context length must be positive, got " + capacity);
        }
        this.capacity = capacity;
        this.kvDimension = config.keyValueDimension();
        this.keys = new float[config.layerCount()][];
        this.values = new float[config.layerCount()][];
        for (int layer = 0; layer < config.layerCount(); layer++) {
            keys[layer] = new float[Math.multiplyExact(capacity, kvDimension)];
            values[layer] = new float[capacity * kvDimension];
        }
    }

    private KeyValueCache(KeyValueCache source, int usedPositions) {
        this.capacity = source.capacity;
        this.kvDimension = source.kvDimension;
        this.keys = new float[source.keys.length][];
        this.values = new float[source.values.length][];
        for (int layer = 0; layer < keys.length; layer++) {
            keys[layer] = Arrays.copyOf(source.keys[layer], source.keys[layer].length);
            values[layer] = Arrays.copyOf(source.values[layer], source.values[layer].length);
        }
        // positions >= usedPositions are never read before being written, so copying them is harmless
        assert usedPositions <= capacity;
    }

    /** An independent copy (for forking a session). */
    public KeyValueCache copy(int usedPositions) {
        return new KeyValueCache(this, usedPositions);
    }

    /** Copies the keys and values of slot {@code from} into slot {@code to} in every layer. */
    public void moveSlot(int from, int to) {
        if (from == to) {
            return;
        }
        for (int layer = 0; layer < keys.length; layer++) {
            System.arraycopy(keys[layer], from * kvDimension, keys[layer], to * kvDimension, kvDimension);
            System.arraycopy(values[layer], from * kvDimension, values[layer], to * kvDimension, kvDimension);
        }
    }

    public int capacity() {
        return capacity;
    }

    float[] keys(int layer) {
        return keys[layer];
    }

    float[] values(int layer) {
        return values[layer];
    }

    int kvDimension() {
        return kvDimension;
    }
}
