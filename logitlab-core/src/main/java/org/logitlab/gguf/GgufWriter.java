package org.logitlab.gguf;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.logitlab.tensor.TensorType;

/**
 * Writes GGUF version 3 files (little-endian, alignment 32): metadata in insertion order, then the tensor
 * directory, then tensor data each aligned. Used by {@code synth} and by tests that need model files.
 */
public final class GgufWriter {
    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<PendingTensor> tensors = new ArrayList<>();

    private record PendingTensor(String name, TensorType type, long[] shape, byte[] data) {}

    public GgufWriter put(String key, GgufValue value) {
        metadata.put(key, value);
        return this;
    }

    public GgufWriter putString(String key, String value) {
        return put(key, new GgufValue(GgufValueType.STRING, null, value));
    }

    public GgufWriter putUint32(String key, long value) {
        return put(key, new GgufValue(GgufValueType.UINT32, null, value));
    }

    public GgufWriter putFloat32(String key, float value) {
        return put(key, new GgufValue(GgufValueType.FLOAT32, null, value));
    }

    public GgufWriter putBool(String key, boolean value) {
        return put(key, new GgufValue(GgufValueType.BOOL, null, value));
    }

    /** Copies every metadata entry whose key starts with {@code prefix} (e.g. "tokenizer.") from a file. */
    public GgufWriter copyMetadata(GgufMetadata source, String prefix) {
        source.asMap().forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                metadata.put(key, value);
            }
        });
        return this;
    }

    /** Adds a tensor; {@code data} must hold exactly the bytes of {@code shape} elements of {@code type}. */
    public GgufWriter addTensor(String name, TensorType type, long[] shape, byte[] data) {
        long elements = 1;
        for (long dimension : shape) {
            elements *= dimension;
        }
        if (shape[0] % type.blockSize() != 0 || type.bytesFor(elements) != data.length) {
            throw new IllegalArgumentException(
                    "tensor '" + name + "' of type " + type + " and shape " + java.util.Arrays.toString(shape)
                            + " needs " + type.bytesFor(elements) + " bytes, got " + data.length);
        }
        tensors.add(new PendingTensor(name, type, shape.clone(), data));
        return this;
    }

    public void write(Path path) throws IOException {
        try (OutputStream output = new BufferedOutputStream(Files.newOutputStream(path), 1 << 20)) {
            write(output);
        }
    }

    public void write(OutputStream raw) throws IOException {
        CountingOutput out = new CountingOutput(raw);
        out.u32(GgufFile.MAGIC);
        out.u32(3);
        out.u64(tensors.size());
        out.u64(metadata.size());
        for (Map.Entry<String, GgufValue> entry : metadata.entrySet()) {
            out.string(entry.getKey().getBytes(StandardCharsets.UTF_8));
            GgufValue value = entry.getValue();
            out.u32(value.type().ordinal());
            if (value.isArray()) {
                out.array(value);
            } else {
                out.scalar(value.type(), value.value());
            }
        }
        long offset = 0;
        for (PendingTensor tensor : tensors) {
            out.string(tensor.name.getBytes(StandardCharsets.UTF_8));
            out.u32(tensor.shape.length);
            for (long dimension : tensor.shape) {
                out.u64(dimension);
            }
            out.u32(tensor.type.id());
            out.u64(offset);
            offset = GgufFile.alignUp(offset + tensor.data.length, GgufFile.DEFAULT_ALIGNMENT);
        }
        out.pad(GgufFile.DEFAULT_ALIGNMENT);
        for (PendingTensor tensor : tensors) {
            out.bytes(tensor.data);
            out.pad(GgufFile.DEFAULT_ALIGNMENT);
        }
        out.flush();
    }

    /** Little-endian primitive output that knows its position (for alignment padding). */
    private static final class CountingOutput {
        private final OutputStream output;
        private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        private long position;

        CountingOutput(OutputStream output) {
            this.output = output;
        }

        void bytes(byte[] data) throws IOException {
            output.write(data);
            position += data.length;
        }

        private void scratch(int length) throws IOException {
            output.write(scratch.array(), 0, length);
            position += length;
            scratch.clear();
        }

        void u8(int value) throws IOException {
            output.write(value);
            position++;
        }

        void u16(long value) throws IOException {
            scratch.putShort((short) value);
            scratch(2);
        }

        void u32(long value) throws IOException {
            scratch.putInt((int) value);
            scratch(4);
        }

        void u64(long value) throws IOException {
            scratch.putLong(value);
            scratch(8);
        }

        void string(byte[] utf8) throws IOException {
            u64(utf8.length);
            bytes(utf8);
        }

        void pad(int alignment) throws IOException {
            while (position % alignment != 0) {
                u8(0);
            }
        }

        void flush() throws IOException {
            output.flush();
        }

        void scalar(GgufValueType type, Object value) throws IOException {
            switch (type) {
                case UINT8, INT8 -> u8((int) (long) (Long) value);
                case UINT16, INT16 -> u16((Long) value);
                case UINT32, INT32 -> u32((Long) value);
                case UINT64, INT64 -> u64((Long) value);
                case FLOAT32 -> u32(Float.floatToRawIntBits((Float) value));
                case FLOAT64 -> u64(Double.doubleToRawLongBits((Double) value));
                case BOOL -> u8((Boolean) value ? 1 : 0);
                case STRING -> string(((String) value).getBytes(StandardCharsets.UTF_8));
                case ARRAY -> throw new IllegalArgumentException("nested value written as scalar");
            }
        }

        void array(GgufValue value) throws IOException {
            GgufValueType elementType = value.elementType();
            u32(elementType.ordinal());
            u64(value.arrayLength());
            switch (value.value()) {
                case long[] values -> {
                    for (long v : values) {
                        scalar(elementType, v);
                    }
                }
                case float[] values -> {
                    for (float v : values) {
                        u32(Float.floatToRawIntBits(v));
                    }
                }
                case double[] values -> {
                    for (double v : values) {
                        u64(Double.doubleToRawLongBits(v));
                    }
                }
                case boolean[] values -> {
                    for (boolean v : values) {
                        u8(v ? 1 : 0);
                    }
                }
                case byte[][] values -> {
                    for (byte[] v : values) {
                        string(v);
                    }
                }
                case GgufValue[] values -> {
                    for (GgufValue v : values) {
                        array(v);
                    }
                }
                default ->
                    throw new IllegalArgumentException(
                            "unsupported array value " + value.value().getClass());
            }
        }
    }
}
