package org.logitlab.constraint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.logitlab.gguf.GgufFile;
import org.logitlab.gguf.GgufMetadata;

/** Vocabularies for constraint tests: hand-made ones, and real ones read from the shared GGUF fixtures. */
final class TestVocabularies {

    private TestVocabularies() {}

    /** Tokens 0..255 are the single bytes; token 256 is end-of-generation. */
    static TokenVocabulary singleBytes() {
        byte[][] bytes = new byte[257][];
        for (int b = 0; b < 256; b++) {
            bytes[b] = new byte[] {(byte) b};
        }
        bytes[256] = new byte[0];
        BitSet end = new BitSet();
        end.set(256);
        return new TokenVocabulary(bytes, end);
    }

    /** The given pieces as UTF-8 tokens 0..n-1, then token n as end-of-generation. */
    static TokenVocabulary pieces(String... pieces) {
        byte[][] bytes = new byte[pieces.length + 1][];
        for (int i = 0; i < pieces.length; i++) {
            bytes[i] = pieces[i].getBytes(StandardCharsets.UTF_8);
        }
        bytes[pieces.length] = new byte[0];
        BitSet end = new BitSet();
        end.set(pieces.length);
        return new TokenVocabulary(bytes, end);
    }

    static Path shared(String relative) {
        String root = System.getProperty("logitlab.shared");
        assertThat(root).as("system property logitlab.shared").isNotNull();
        Path path = Path.of(root).resolve(relative);
        assertThat(Files.isRegularFile(path)).as("fixture %s exists", path).isTrue();
        return path;
    }

    private static final Map<String, TokenVocabulary> CACHE = new HashMap<>();

    /** The 512-token SentencePiece vocabulary of stories260K: "▁" is a space, "<0xNN>" a raw byte, ids 0-2 control. */
    static synchronized TokenVocabulary stories260K() {
        return CACHE.computeIfAbsent("stories", ignored -> {
            String[] pieces = tokens("models/stories260K/stories260K.gguf");
            byte[][] bytes = new byte[pieces.length][];
            for (int id = 0; id < pieces.length; id++) {
                String piece = pieces[id];
                if (id <= 2) {
                    bytes[id] = new byte[0];
                } else if (piece.matches("<0x[0-9A-Fa-f]{2}>")) {
                    bytes[id] = new byte[] {(byte) Integer.parseInt(piece.substring(3, 5), 16)};
                } else {
                    bytes[id] = piece.replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
                }
            }
            BitSet end = new BitSet();
            end.set(2);
            return new TokenVocabulary(bytes, end);
        });
    }

    /** The 32k-token SentencePiece vocabulary of LLaMA (same conventions; control tokens by token type). */
    static synchronized TokenVocabulary llamaSpm() {
        return CACHE.computeIfAbsent("llama-spm", ignored -> sentencePiece("models/vocab/ggml-vocab-llama-spm.gguf"));
    }

    private static TokenVocabulary sentencePiece(String relative) {
        try (GgufFile file = GgufFile.open(shared(relative))) {
            GgufMetadata metadata = file.metadata();
            String[] pieces = metadata.stringArray("tokenizer.ggml.tokens").orElseThrow();
            int[] types = metadata.intArray("tokenizer.ggml.token_type").orElseThrow();
            byte[][] bytes = new byte[pieces.length][];
            for (int id = 0; id < pieces.length; id++) {
                String piece = pieces[id];
                if (types[id] == 3 || types[id] == 2) { // control, unknown
                    bytes[id] = new byte[0];
                } else if (types[id] == 6) { // byte
                    bytes[id] = new byte[] {(byte) Integer.parseInt(piece.substring(3, 5), 16)};
                } else {
                    bytes[id] = piece.replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
                }
            }
            BitSet end = new BitSet();
            end.set((int) metadata.requireInteger("tokenizer.ggml.eos_token_id"));
            return new TokenVocabulary(bytes, end);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** GPT-2's byte-level BPE vocabulary, its printable stand-in characters mapped back to the bytes they encode. */
    static synchronized TokenVocabulary gpt2() {
        return CACHE.computeIfAbsent("gpt2", ignored -> {
            try (GgufFile file = GgufFile.open(shared("models/vocab/ggml-vocab-gpt-2.gguf"))) {
                GgufMetadata metadata = file.metadata();
                String[] pieces = metadata.stringArray("tokenizer.ggml.tokens").orElseThrow();
                int[] types = metadata.intArray("tokenizer.ggml.token_type").orElseThrow();
                Map<Integer, Integer> byteOfCharacter = gpt2ByteDecoder();
                byte[][] bytes = new byte[pieces.length][];
                for (int id = 0; id < pieces.length; id++) {
                    if (types[id] == 3) {
                        bytes[id] = new byte[0];
                        continue;
                    }
                    int[] characters = pieces[id].codePoints().toArray();
                    bytes[id] = new byte[characters.length];
                    for (int i = 0; i < characters.length; i++) {
                        Integer b = byteOfCharacter.get(characters[i]);
                        assertThat(b)
                                .as("token %d piece '%s' character %d", id, pieces[id], characters[i])
                                .isNotNull();
                        bytes[id][i] = (byte) (int) b;
                    }
                }
                BitSet end = new BitSet();
                end.set((int) metadata.requireInteger("tokenizer.ggml.eos_token_id"));
                return new TokenVocabulary(bytes, end);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** GPT-2's bytes_to_unicode, inverted: printable bytes stand for themselves, the rest for 256, 257, ... */
    private static Map<Integer, Integer> gpt2ByteDecoder() {
        Map<Integer, Integer> decoder = new HashMap<>();
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            decoder.put(printable ? b : next++, b);
        }
        return decoder;
    }

    private static String[] tokens(String relative) {
        try (GgufFile file = GgufFile.open(shared(relative))) {
            return file.metadata().stringArray("tokenizer.ggml.tokens").orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One uniformly random set bit of a non-empty mask. */
    static int pickUniform(BitSet allowed, Random random) {
        int target = random.nextInt(allowed.cardinality());
        int token = allowed.nextSetBit(0);
        for (int i = 0; i < target; i++) {
            token = allowed.nextSetBit(token + 1);
        }
        return token;
    }

    /**
     * Generates by picking uniformly among allowed tokens until end-of-generation; fails if a mask is ever empty.
     * Returns null if the walk is still going after {@code maxTokens} tokens.
     */
    static String randomWalk(Constraint constraint, TokenVocabulary vocabulary, Random random, int maxTokens) {
        java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
        BitSet allowed = new BitSet();
        for (int step = 0; step < maxTokens; step++) {
            constraint.allowedTokens(allowed);
            assertThat(allowed.isEmpty())
                    .as("mask is empty after '%s'", text.toString(StandardCharsets.UTF_8))
                    .isFalse();
            int token = pickUniform(allowed, random);
            constraint.accept(token);
            if (vocabulary.isEndOfGeneration(token)) {
                assertThat(constraint.isComplete()).isTrue();
                return text.toString(StandardCharsets.UTF_8);
            }
            text.writeBytes(vocabulary.bytes(token));
        }
        return null;
    }
}
