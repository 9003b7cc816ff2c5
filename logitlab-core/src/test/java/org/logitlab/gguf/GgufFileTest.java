package org.logitlab.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.logitlab.model.Model;
import org.logitlab.tensor.TensorType;
import org.logitlab.testing.SharedFixtures;

class GgufFileTest {
    private static final String STORIES = "models/stories260K/stories260K.gguf";

    @Test
    void readsEveryGgufVersionInSharedModels() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(SharedFixtures.shared().resolve("models"))) {
            files = walk.filter(p -> p.toString().endsWith(".gguf")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThan(20);
        for (Path path : files) {
            try (GgufFile file = GgufFile.open(path)) {
                assertThat(file.metadata().string("general.architecture"))
                        .as(path.toString())
                        .isPresent();
                assertThat(file.metadata().stringArray("tokenizer.ggml.tokens"))
                        .as(path.toString())
                        .isPresent();
            }
        }
    }

    @Test
    void readsVersionOneWithThirtyTwoBitCounts() throws IOException {
        try (GgufFile v1 = GgufFile.open(SharedFixtures.file("models/stories260K/tinyllamas-stories-260k-f32.gguf"));
                GgufFile v3 = GgufFile.open(SharedFixtures.file(STORIES))) {
            assertThat(v1.version()).isEqualTo(1);
            assertThat(v3.version()).isEqualTo(3);
            GgufTensor a = v1.requireTensor("blk.0.attn_q.weight");
            GgufTensor b = v3.requireTensor("blk.0.attn_q.weight");
            assertThat(a.shape()).containsExactly(64, 64);
            assertThat(a.data().mismatch(b.data()))
                    .as("same weights in v1 and v3 files")
                    .isEqualTo(-1);
        }
    }

    @Test
    void typedAccessorsRejectWrongTypesNamingTheKey() throws IOException {
        try (GgufFile file = GgufFile.open(SharedFixtures.file(STORIES))) {
            GgufMetadata metadata = file.metadata();
            assertThat(metadata.requireInteger("llama.embedding_length")).isEqualTo(64);
            assertThat(metadata.requireString("general.architecture")).isEqualTo("llama");
            assertThatThrownBy(() -> metadata.requireInteger("general.architecture"))
                    .isInstanceOf(GgufFormatException.class)
                    .hasMessageContaining("'general.architecture'")
                    .hasMessageContaining("integer");
            assertThatThrownBy(() -> metadata.requireString("no.such.key"))
                    .hasMessageContaining("'no.such.key'")
                    .hasMessageContaining("missing");
        }
    }

    @Test
    void rejectsWrongMagicNamingTheFile() {
        byte[] bytes = "GGML\u0003\0\0\0garbage garbage".getBytes();
        assertThatThrownBy(() -> parse("bad.gguf", bytes))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("bad.gguf")
                .hasMessageContaining("not a GGUF file");
    }

    @Test
    void rejectsUnknownVersionAndBigEndian() throws IOException {
        byte[] bytes = Files.readAllBytes(SharedFixtures.file(STORIES));
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 99);
        assertThatThrownBy(() -> parse("v99.gguf", bytes)).hasMessageContaining("unsupported GGUF version 99");
        ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN).putInt(4, 3);
        assertThatThrownBy(() -> parse("be.gguf", bytes)).hasMessageContaining("big-endian");
    }

    @Test
    void rejectsLegacyGgjtFilesWithAHint() throws IOException {
        Path ggjt = SharedFixtures.file("models/TinyLLama-v0/TinyLLama-v0.ggmlv3.q4_0.bin");
        assertThatThrownBy(() -> GgufFile.open(ggjt))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("ggjt")
                .hasMessageContaining("convert it to GGUF");
    }

    @Test
    void rejectsUnknownTensorTypeNamingTheTensor() throws IOException {
        byte[] bytes = Files.readAllBytes(SharedFixtures.file(STORIES));
        int typeOffset;
        try (GgufFile file = GgufFile.open(SharedFixtures.file(STORIES))) {
            // the first tensor info's type field sits right after its name and 2 uint64 dimensions
            typeOffset = indexOf(bytes, "token_embd.weight".getBytes()) + "token_embd.weight".length() + 4 + 16;
            assertThat(file.requireTensor("token_embd.weight").type()).isEqualTo(TensorType.F32);
        }
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(typeOffset, 77);
        assertThatThrownBy(() -> parse("odd.gguf", bytes))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("tensor 'token_embd.weight' has unknown type id 77");
    }

    @Test
    void everyTruncationGivesAClearErrorNamingFileAndOffset() throws IOException {
        byte[] bytes = Files.readAllBytes(SharedFixtures.file(STORIES));
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 400; i++) {
            int length = i < 200 ? i * 37 % 9000 : random.nextInt(bytes.length);
            byte[] truncated = java.util.Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> parse("cut.gguf", truncated))
                    .as("truncated to %d bytes", length)
                    .isInstanceOf(GgufFormatException.class)
                    .hasMessageContaining("cut.gguf");
        }
    }

    @Test
    void corruptedHeadersNeverCrashWithAnythingButAFormatError(@TempDir Path directory) throws IOException {
        byte[] original = Files.readAllBytes(SharedFixtures.file(STORIES));
        SplittableRandom random = new SplittableRandom(7);
        int headerEnd = 10_000; // tokenizer arrays, hyper-parameters and tensor directory live here
        for (int trial = 0; trial < 500; trial++) {
            byte[] bytes = original.clone();
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                bytes[8 + random.nextInt(headerEnd)] ^= (byte) (1 << random.nextInt(8));
            }
            try {
                GgufFile file = parse("flipped.gguf", bytes);
                try (Model model = Model.load(file)) {
                    assertThat(model.config().vocabularySize()).isPositive();
                }
            } catch (GgufFormatException expected) {
                assertThat(expected.getMessage()).contains("flipped.gguf");
            }
        }
    }

    @Test
    void randomBytesAfterAValidPreambleGiveFormatErrors() {
        SplittableRandom random = new SplittableRandom(3);
        for (int trial = 0; trial < 300; trial++) {
            byte[] bytes = new byte[16 + random.nextInt(4096)];
            random.nextBytes(bytes);
            ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            buffer.putInt(0, GgufFile.MAGIC).putInt(4, 1 + random.nextInt(3));
            try {
                parse("random.gguf", bytes).close();
            } catch (GgufFormatException expected) {
                assertThat(expected.getMessage()).contains("random.gguf");
            }
        }
    }

    @Test
    void refusesHuggingFaceFoldersWithAHint() {
        Path folder = SharedFixtures.shared().resolve("models/TinyStories-656K");
        assertThatThrownBy(() -> GgufFile.open(folder))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("TinyStories-656K")
                .hasMessageContaining("Hugging Face safetensors folder");
    }

    @Test
    void missingFileIsAnIoErrorNamingThePath(@TempDir Path directory) {
        Path missing = directory.resolve("nope.gguf");
        assertThatThrownBy(() -> GgufFile.open(missing))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("nope.gguf");
    }

    private static GgufFile parse(String name, byte[] bytes) {
        return GgufFile.parse(name, MemorySegment.ofArray(bytes), null);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
