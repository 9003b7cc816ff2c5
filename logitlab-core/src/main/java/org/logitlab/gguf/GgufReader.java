package org.logitlab.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.logitlab.tensor.TensorType;

/** A bounds-checked little-endian cursor over a GGUF image; every failure names the offset and the item. */
final class GgufReader {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 =
            ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int MAX_DIMENSIONS = 4;
    private static final long MAX_STRING_BYTES = 1L << 30;

    private final String source;
    private final MemorySegment bytes;
    private long position;
    private int version = 3;

    GgufReader(String source, MemorySegment bytes) {
        this.source = source;
        this.bytes = bytes;
    }

    void setVersion(int version) {
        this.version = version;
    }

    long position() {
        return position;
    }

    private void require(long length, String what) {
        if (length < 0 || position + length > bytes.byteSize()) {
            throw GgufFormatException.at(
                    source,
                    position,
                    "file is truncated: reading " + what + " needs " + length + " bytes but the file is "
                            + bytes.byteSize() + " bytes long");
        }
    }

    int u32(String what) {
        require(4, what);
        int value = bytes.get(U32, position);
        position += 4;
        return value;
    }

    long u64(String what) {
        require(8, what);
        long value = bytes.get(U64, position);
        position += 8;
        return value;
    }

    /** A count or length: uint32 in GGUF v1, uint64 later; rejects values that cannot fit in the file. */
    long count(String what) {
        long start = position;
        long value = version == 1 ? Integer.toUnsignedLong(u32(what)) : u64(what);
        if (value < 0 || value > bytes.byteSize()) {
            throw GgufFormatException.at(
                    source, start, what + " is " + Long.toUnsignedString(value) + ", larger than the file itself");
        }
        return value;
    }

    String string(String what) {
        long start = position;
        long length = count("length of " + what);
        if (length > MAX_STRING_BYTES) {
            throw GgufFormatException.at(source, start, what + " has implausible length " + length);
        }
        require(length, what);
        byte[] raw = bytes.asSlice(position, length).toArray(ValueLayout.JAVA_BYTE);
        position += length;
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(raw))
                    .toString();
        } catch (CharacterCodingException e) {
            return new String(raw, StandardCharsets.UTF_8);
        }
    }

    private byte[] rawString(String what) {
        long length = count("length of " + what);
        require(length, what);
        byte[] raw = bytes.asSlice(position, length).toArray(ValueLayout.JAVA_BYTE);
        position += length;
        return raw;
    }

    private GgufValueType valueType(String key) {
        long start = position;
        int id = u32("value type of '" + key + "'");
        GgufValueType type = GgufValueType.fromId(id);
        if (type == null) {
            throw GgufFormatException.at(source, start, "metadata key '" + key + "' has unknown value type " + id);
        }
        return type;
    }

    GgufValue value(String key) {
        GgufValueType type = valueType(key);
        if (type != GgufValueType.ARRAY) {
            return new GgufValue(type, null, scalar(type, key));
        }
        return array(key, 0);
    }

    private GgufValue array(String key, int depth) {
        long start = position;
        GgufValueType elementType = valueType(key);
        long length = count("array length of '" + key + "'");
        if (elementType.byteSize() > 0) {
            require(length * elementType.byteSize(), "array '" + key + "'");
        }
        if (length > Integer.MAX_VALUE - 8) {
            throw GgufFormatException.at(source, start, "array '" + key + "' is too long: " + length);
        }
        int n = (int) length;
        String what = "element of '" + key + "'";
        Object value =
                switch (elementType) {
                    case FLOAT32 -> {
                        float[] values = new float[n];
                        MemorySegment.copy(bytes, F32, position, values, 0, n);
                        position += 4L * n;
                        yield values;
                    }
                    case FLOAT64 -> {
                        double[] values = new double[n];
                        MemorySegment.copy(bytes, F64, position, values, 0, n);
                        position += 8L * n;
                        yield values;
                    }
                    case BOOL -> {
                        boolean[] values = new boolean[n];
                        for (int i = 0; i < n; i++) {
                            values[i] = (Boolean) scalar(GgufValueType.BOOL, key);
                        }
                        yield values;
                    }
                    case STRING -> {
                        byte[][] values = new byte[n][];
                        for (int i = 0; i < n; i++) {
                            values[i] = rawString(what);
                        }
                        yield values;
                    }
                    case ARRAY -> {
                        if (depth > 4) {
                            throw GgufFormatException.at(source, start, "array '" + key + "' nests too deeply");
                        }
                        GgufValue[] values = new GgufValue[n];
                        for (int i = 0; i < n; i++) {
                            values[i] = array(key, depth + 1);
                        }
                        yield values;
                    }
                    default -> {
                        long[] values = new long[n];
                        for (int i = 0; i < n; i++) {
                            values[i] = (Long) scalar(elementType, key);
                        }
                        yield values;
                    }
                };
        return new GgufValue(GgufValueType.ARRAY, elementType, value);
    }

    private Object scalar(GgufValueType type, String key) {
        String what = "value of '" + key + "'";
        require(Math.max(type.byteSize(), 0), what);
        long at = position;
        Object value =
                switch (type) {
                    case UINT8 -> (long) Byte.toUnsignedInt(bytes.get(ValueLayout.JAVA_BYTE, at));
                    case INT8 -> (long) bytes.get(ValueLayout.JAVA_BYTE, at);
                    case UINT16 -> (long) Short.toUnsignedInt(bytes.get(U16, at));
                    case INT16 -> (long) bytes.get(U16, at);
                    case UINT32 -> Integer.toUnsignedLong(bytes.get(U32, at));
                    case INT32 -> (long) bytes.get(U32, at);
                    case UINT64, INT64 -> bytes.get(U64, at);
                    case FLOAT32 -> bytes.get(F32, at);
                    case FLOAT64 -> bytes.get(F64, at);
                    case BOOL -> {
                        byte b = bytes.get(ValueLayout.JAVA_BYTE, at);
                        if (b != 0 && b != 1) {
                            throw GgufFormatException.at(source, at, "metadata key '" + key + "' has bool byte " + b);
                        }
                        yield b == 1;
                    }
                    case STRING -> string(what);
                    case ARRAY -> throw new IllegalStateException("arrays are read by array()");
                };
        if (type != GgufValueType.STRING) {
            position += type.byteSize();
        }
        return value;
    }

    record TensorInfo(String name, long headerOffset, int typeId, long[] shape, long relativeOffset, String source) {
        GgufTensor resolve(MemorySegment bytes, long dataStart, int alignment) {
            TensorType type = TensorType.fromId(typeId)
                    .orElseThrow(() -> GgufFormatException.at(
                            source, headerOffset, "tensor '" + name + "' has unknown type id " + typeId));
            long elements = 1;
            for (long dimension : shape) {
                elements = Math.multiplyExact(elements, dimension);
            }
            if (elements % type.blockSize() != 0) {
                throw GgufFormatException.at(
                        source,
                        headerOffset,
                        "tensor '" + name + "' of type " + type + " has " + elements
                                + " elements, not a multiple of its block size " + type.blockSize());
            }
            if (relativeOffset % alignment != 0) {
                throw GgufFormatException.at(
                        source,
                        headerOffset,
                        "tensor '" + name + "' data offset " + relativeOffset + " is not aligned to " + alignment);
            }
            long size = elements / type.blockSize() * type.blockBytes();
            long start = dataStart + relativeOffset;
            if (relativeOffset < 0 || start + size > bytes.byteSize() || start + size < start) {
                throw GgufFormatException.at(
                        source,
                        start,
                        "file is truncated: tensor '" + name + "' (" + type + ", " + size + " bytes) ends at byte "
                                + (start + size) + " but the file is " + bytes.byteSize() + " bytes long");
            }
            return new GgufTensor(name, type, shape, start, bytes.asSlice(start, size));
        }
    }

    TensorInfo tensorInfo(long index) {
        long start = position;
        String name = string("name of tensor #" + index);
        int dimensions = u32("dimension count of tensor '" + name + "'");
        if (dimensions < 1 || dimensions > MAX_DIMENSIONS) {
            throw GgufFormatException.at(
                    source, start, "tensor '" + name + "' has " + dimensions + " dimensions (1 to 4 allowed)");
        }
        long[] shape = new long[dimensions];
        for (int d = 0; d < dimensions; d++) {
            long dimension = version == 1
                    ? Integer.toUnsignedLong(u32("dimension of tensor '" + name + "'"))
                    : u64("dimension of tensor '" + name + "'");
            if (dimension <= 0 || dimension > (1L << 40)) {
                throw GgufFormatException.at(
                        source,
                        start,
                        "tensor '" + name + "' has invalid dimension " + Long.toUnsignedString(dimension));
            }
            shape[d] = dimension;
        }
        int typeId = u32("type of tensor '" + name + "'");
        long offset = u64("data offset of tensor '" + name + "'");
        return new TensorInfo(name, start, typeId, shape, offset, source);
    }
}
