package org.logitlab.gguf;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.logitlab.tensor.TensorType;

/**
 * One entry of a GGUF tensor directory with a view of its bytes in the (mapped) file.
 *
 * @param shape ggml order: {@code shape[0]} is the number of elements in a row (the fastest-varying
 *     dimension), {@code shape[1]} the number of rows, and so on
 * @param dataOffset offset of the tensor's bytes from the start of the file
 */
public record GgufTensor(String name, TensorType type, long[] shape, long dataOffset, MemorySegment data) {

    public long elementCount() {
        long count = 1;
        for (long dimension : shape) {
            count *= dimension;
        }
        return count;
    }

    /** Number of elements in one row ({@code shape[0]}). */
    public long rowLength() {
        return shape[0];
    }

    /** Number of rows: the product of every dimension but the first. */
    public long rowCount() {
        return elementCount() / shape[0];
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof GgufTensor that
                && name.equals(that.name)
                && type == that.type
                && Arrays.equals(shape, that.shape)
                && dataOffset == that.dataOffset;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Long.hashCode(dataOffset);
    }
}
