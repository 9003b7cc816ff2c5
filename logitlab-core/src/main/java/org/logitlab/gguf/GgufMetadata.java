package org.logitlab.gguf;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The key/value section of a GGUF file, with typed accessors. A value of the wrong type is an error that
 * names the key, the expected and the actual type — never a silent conversion into a wrong number.
 */
public final class GgufMetadata {
    private final String source;
    private final Map<String, GgufValue> values;

    public GgufMetadata(String source, Map<String, GgufValue> values) {
        this.source = source;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public Map<String, GgufValue> asMap() {
        return values;
    }

    public boolean contains(String key) {
        return values.containsKey(key);
    }

    public Optional<GgufValue> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public Optional<String> string(String key) {
        return get(key).map(value -> {
            if (value.type() != GgufValueType.STRING) {
                throw wrongType(key, "string", value);
            }
            return (String) value.value();
        });
    }

    public String requireString(String key) {
        return string(key).orElseThrow(() -> missing(key));
    }

    /** An integer of any GGUF integer type. */
    public OptionalLong integer(String key) {
        GgufValue value = values.get(key);
        if (value == null) {
            return OptionalLong.empty();
        }
        if (!value.type().isInteger()) {
            throw wrongType(key, "integer", value);
        }
        return OptionalLong.of((Long) value.value());
    }

    public long requireInteger(String key) {
        return integer(key).orElseThrow(() -> missing(key));
    }

    /** A number: float32, float64, or an integer type. */
    public OptionalDouble number(String key) {
        GgufValue value = values.get(key);
        if (value == null) {
            return OptionalDouble.empty();
        }
        return switch (value.value()) {
            case Float f -> OptionalDouble.of(f);
            case Double d -> OptionalDouble.of(d);
            case Long l -> OptionalDouble.of(l);
            default -> throw wrongType(key, "number", value);
        };
    }

    public Optional<Boolean> bool(String key) {
        return get(key).map(value -> {
            if (value.type() != GgufValueType.BOOL) {
                throw wrongType(key, "bool", value);
            }
            return (Boolean) value.value();
        });
    }

    /** An array of strings as raw UTF-8 bytes. */
    public Optional<byte[][]> byteStringArray(String key) {
        return get(key).map(value -> array(key, value, byte[][].class, "array of strings"));
    }

    public Optional<String[]> stringArray(String key) {
        return byteStringArray(key).map(raw -> {
            String[] strings = new String[raw.length];
            for (int i = 0; i < raw.length; i++) {
                strings[i] = new String(raw[i], StandardCharsets.UTF_8);
            }
            return strings;
        });
    }

    public Optional<float[]> floatArray(String key) {
        return get(key).map(value -> {
            if (value.value() instanceof double[] doubles) {
                float[] floats = new float[doubles.length];
                for (int i = 0; i < doubles.length; i++) {
                    floats[i] = (float) doubles[i];
                }
                return floats;
            }
            return array(key, value, float[].class, "array of float32");
        });
    }

    /** An array of integers (any integer element type), narrowed to int with a range check. */
    public Optional<int[]> intArray(String key) {
        return get(key).map(value -> {
            long[] longs = array(key, value, long[].class, "array of integers");
            int[] ints = new int[longs.length];
            for (int i = 0; i < longs.length; i++) {
                if (longs[i] != (int) longs[i]) {
                    throw new GgufFormatException(source + ": metadata key '" + key + "' element " + i + " = "
                            + longs[i] + " does not fit in int32");
                }
                ints[i] = (int) longs[i];
            }
            return ints;
        });
    }

    private <T> T array(String key, GgufValue value, Class<T> javaType, String expected) {
        if (!value.isArray() || !javaType.isInstance(value.value())) {
            throw wrongType(key, expected, value);
        }
        return javaType.cast(value.value());
    }

    private GgufFormatException wrongType(String key, String expected, GgufValue value) {
        String actual = value.isArray()
                ? "array of " + value.elementType()
                : value.type().toString();
        return new GgufFormatException(
                source + ": metadata key '" + key + "' should be " + expected + " but is " + actual);
    }

    private GgufFormatException missing(String key) {
        return new GgufFormatException(source + ": required metadata key '" + key + "' is missing");
    }
}
