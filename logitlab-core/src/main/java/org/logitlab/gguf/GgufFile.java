package org.logitlab.gguf;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed GGUF file (versions 1, 2 and 3, little-endian): metadata and tensor directory, with every
 * tensor a {@link MemorySegment} view of the memory-mapped file. Closing it unmaps the file; tensors must
 * not be used afterwards.
 */
public final class GgufFile implements AutoCloseable {
    /** "GGUF" read as a little-endian uint32. */
    static final int MAGIC = 0x46554747;

    public static final int DEFAULT_ALIGNMENT = 32;

    private final String source;
    private final Arena arena;
    private final MemorySegment bytes;
    private final int version;
    private final GgufMetadata metadata;
    private final Map<String, GgufTensor> tensors;
    private final long dataStart;
    private final int alignment;

    private GgufFile(
            String source,
            Arena arena,
            MemorySegment bytes,
            int version,
            GgufMetadata metadata,
            Map<String, GgufTensor> tensors,
            long dataStart,
            int alignment) {
        this.source = source;
        this.arena = arena;
        this.bytes = bytes;
        this.version = version;
        this.metadata = metadata;
        this.tensors = tensors;
        this.dataStart = dataStart;
        this.alignment = alignment;
    }

    /** Memory-maps and parses {@code path}. */
    public static GgufFile open(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "model file does not exist");
        }
        if (Files.isDirectory(path)) {
            boolean huggingFace =
                    Files.exists(path.resolve("config.json")) && Files.exists(path.resolve("model.safetensors"));
            throw new GgufFormatException(path + ": is a directory, not a GGUF file"
                    + (huggingFace
                            ? " (a Hugging Face safetensors folder; logitlab reads GGUF only: convert it with llama.cpp's"
                                    + " convert_hf_to_gguf.py)"
                            : ""));
        }
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment mapped = channel.size() == 0
                    ? MemorySegment.NULL.reinterpret(0)
                    : channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            return parse(path.toString(), mapped, arena);
        } catch (RuntimeException | IOException e) {
            arena.close();
            throw e;
        }
    }

    /** Copies a stream (e.g. a class-path resource) into native memory and parses it. */
    public static GgufFile read(String source, InputStream input) throws IOException {
        byte[] content = input.readAllBytes();
        Arena arena = Arena.ofShared();
        try {
            MemorySegment segment =
                    arena.allocate(Math.max(1, content.length), 64).asSlice(0, content.length);
            MemorySegment.copy(content, 0, segment, ValueLayout.JAVA_BYTE, 0, content.length);
            return parse(source, segment, arena);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Parses a GGUF image held in {@code segment}; {@code arena} (may be null) is closed with the file. */
    public static GgufFile parse(String source, MemorySegment segment, Arena arena) {
        GgufReader reader = new GgufReader(source, segment);
        if (segment.byteSize() < 8) {
            throw GgufFormatException.at(
                    source,
                    0,
                    "file is " + segment.byteSize() + " bytes, too short to be GGUF (needs a magic and a version)");
        }
        int magic = reader.u32("magic");
        if (magic != MAGIC) {
            throw GgufFormatException.at(
                    source,
                    0,
                    String.format(
                            "not a GGUF file: magic is 0x%08x (%s), expected 'GGUF'%s",
                            magic,
                            printable(segment, 4),
                            magic == 0x67676a74 ? " (this is a legacy GGML 'ggjt' file; convert it to GGUF)" : ""));
        }
        int version = reader.u32("version");
        if (version == 0x03000000 || version == 0x02000000) {
            throw GgufFormatException.at(source, 4, "big-endian GGUF files are not supported");
        }
        if (version < 1 || version > 3) {
            throw GgufFormatException.at(
                    source,
                    4,
                    "unsupported GGUF version " + Integer.toUnsignedString(version) + " (supported: 1, 2, 3)");
        }
        reader.setVersion(version);
        long tensorCount = reader.count("tensor count");
        long kvCount = reader.count("metadata key/value count");

        Map<String, GgufValue> values = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            long keyOffset = reader.position();
            String key = reader.string("metadata key #" + i);
            GgufValue value = reader.value(key);
            if (values.putIfAbsent(key, value) != null) {
                throw GgufFormatException.at(source, keyOffset, "duplicate metadata key '" + key + "'");
            }
        }
        GgufMetadata metadata = new GgufMetadata(source, values);

        List<GgufReader.TensorInfo> infos = new java.util.ArrayList<>();
        for (long i = 0; i < tensorCount; i++) {
            infos.add(reader.tensorInfo(i));
        }

        int alignment = DEFAULT_ALIGNMENT;
        long configuredAlignment = metadata.integer("general.alignment").orElse(DEFAULT_ALIGNMENT);
        if (configuredAlignment <= 0 || configuredAlignment > (1 << 20) || Long.bitCount(configuredAlignment) != 1) {
            throw new GgufFormatException(
                    source + ": metadata key 'general.alignment' = " + configuredAlignment + " is not a power of two");
        }
        alignment = (int) configuredAlignment;
        long dataStart = alignUp(reader.position(), alignment);

        Map<String, GgufTensor> tensors = new LinkedHashMap<>();
        for (GgufReader.TensorInfo info : infos) {
            GgufTensor tensor = info.resolve(segment, dataStart, alignment);
            if (tensors.putIfAbsent(tensor.name(), tensor) != null) {
                throw GgufFormatException.at(
                        source, info.headerOffset(), "duplicate tensor name '" + tensor.name() + "'");
            }
        }
        return new GgufFile(
                source, arena, segment, version, metadata, Collections.unmodifiableMap(tensors), dataStart, alignment);
    }

    static long alignUp(long offset, int alignment) {
        return (offset + alignment - 1) / alignment * alignment;
    }

    private static String printable(MemorySegment segment, int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            byte b = segment.get(ValueLayout.JAVA_BYTE, i);
            text.append(b >= 32 && b < 127 ? (char) b : '.');
        }
        return "'" + text + "'";
    }

    /** Where the file came from (a path or a resource name), for error messages. */
    public String source() {
        return source;
    }

    public int version() {
        return version;
    }

    public GgufMetadata metadata() {
        return metadata;
    }

    /** Tensors in file order. */
    public Map<String, GgufTensor> tensors() {
        return tensors;
    }

    public Optional<GgufTensor> tensor(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    public GgufTensor requireTensor(String name) {
        GgufTensor tensor = tensors.get(name);
        if (tensor == null) {
            throw new GgufFormatException(source + ": required tensor '" + name + "' is missing");
        }
        return tensor;
    }

    public long byteSize() {
        return bytes.byteSize();
    }

    public long dataStart() {
        return dataStart;
    }

    public int alignment() {
        return alignment;
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
        }
    }
}
