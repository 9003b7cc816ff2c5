package org.logitlab.gguf;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A typed metadata value. Scalars hold a {@link Long} (every integer type), {@link Float}, {@link Double},
 * {@link Boolean} or {@link String}. Arrays hold a primitive array chosen by element type: {@code long[]}
 * for integers, {@code float[]}, {@code double[]}, {@code boolean[]}, {@code byte[][]} for strings (raw
 * UTF-8 bytes, as tokenizers need them) and {@code GgufValue[]} for nested arrays.
 *
 * @param elementType for arrays, the type of their elements; otherwise null
 */
public record GgufValue(GgufValueType type, GgufValueType elementType, Object value) {

    public boolean isArray() {
        return type == GgufValueType.ARRAY;
    }

    /** Number of elements of an array value. */
    public int arrayLength() {
        return switch (value) {
            case long[] a -> a.length;
            case float[] a -> a.length;
            case double[] a -> a.length;
            case boolean[] a -> a.length;
            case byte[][] a -> a.length;
            case GgufValue[] a -> a.length;
            default -> throw new IllegalStateException("not an array: " + type);
        };
    }

    /** A short human-readable rendering (arrays abbreviated), for `inspect`. */
    public String describe() {
        if (!isArray()) {
            return String.valueOf(value);
        }
        int length = arrayLength();
        String head =
                switch (value) {
                    case long[] a -> Arrays.toString(Arrays.copyOf(a, Math.min(a.length, 8)));
                    case float[] a -> Arrays.toString(Arrays.copyOf(a, Math.min(a.length, 8)));
                    case byte[][] a ->
                        Arrays.stream(a, 0, Math.min(a.length, 8))
                                .map(bytes -> '"' + new String(bytes, StandardCharsets.UTF_8) + '"')
                                .toList()
                                .toString();
                    default -> "";
                };
        return "array<" + elementType + ">[" + length + "] " + head + (length > 8 ? "…" : "");
    }
}
