package org.logitlab.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.logitlab.gguf.GgufFormatException;
import org.logitlab.gguf.GgufMetadata;
import org.logitlab.gguf.GgufValue;
import org.logitlab.gguf.GgufValueType;

class TokenizerBehaviourTest {
    private static final String MIXED_TEXT = "Hello world! Ünïcödé naïve café, 你好世界 🙂👍🏽 tabs\tand\nnewlines";

    @Test
    void sentencePieceDecodeRoundTripsPlainText() {
        Tokenizer tokenizer = TokenizerFixtures.vocabulary("llama-spm");
        int[] ids = tokenizer.encode(MIXED_TEXT, false, false);
        assertThat(tokenizer.decode(ids)).isEqualTo(MIXED_TEXT);
    }

    @Test
    void byteLevelTokenBytesConcatenateToTheUtf8Input() {
        Tokenizer tokenizer = TokenizerFixtures.vocabulary("gpt-2");
        int[] ids = tokenizer.encode(MIXED_TEXT, false, false);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int id : ids) {
            bytes.writeBytes(tokenizer.tokenBytes(id));
        }
        assertThat(bytes.toByteArray()).isEqualTo(MIXED_TEXT.getBytes(StandardCharsets.UTF_8));
        assertThat(tokenizer.decode(ids)).isEqualTo(MIXED_TEXT);
    }

    @Test
    void sentencePieceByteTokensRenderAsTheirByte() {
        Tokenizer tokenizer = TokenizerFixtures.vocabulary("llama-spm");
        int newline = tokenizer.encode("\n", false, false)[1]; // [▁, <0x0A>]
        assertThat(tokenizer.piece(newline)).isEqualTo("<0x0A>");
        assertThat(tokenizer.tokenBytes(newline)).containsExactly('\n');
    }

    @Test
    void decodeRendersControlTokensAsNothingAndStripsTheDummyPrefix() {
        Tokenizer tokenizer = TokenizerFixtures.vocabulary("llama-spm");
        int[] ids = tokenizer.encode("Hello", false, false);
        assertThat(tokenizer.decode(ids)).isEqualTo("Hello");
        assertThat(tokenizer.tokenBytes(tokenizer.bosToken().orElseThrow())).isEmpty();
        assertThat(tokenizer.piece(tokenizer.bosToken().orElseThrow())).isEqualTo("<s>");
    }

    @Test
    void streamingDecoderHoldsBackACharacterSplitAcrossByteTokens() {
        Tokenizer tokenizer =
                TokenizerFixtures.load(TokenizerFixtures.shared().resolve("models/stories260K/stories260K.gguf"));
        String text = "a🙂b";
        int[] ids = tokenizer.encode(text, false, false);
        assertThat(ids.length)
                .as("the 512-token vocabulary spells the emoji in byte tokens")
                .isGreaterThanOrEqualTo(6);
        StreamingDecoder decoder = new StreamingDecoder(tokenizer);
        StringBuilder streamed = new StringBuilder();
        int emptyChunks = 0;
        for (int id : ids) {
            String chunk = decoder.accept(id);
            assertThat(chunk).doesNotContain("\uFFFD");
            emptyChunks += chunk.isEmpty() ? 1 : 0;
            streamed.append(chunk);
        }
        streamed.append(decoder.flush());
        assertThat(emptyChunks)
                .as("tokens ending inside the emoji produce nothing yet")
                .isGreaterThanOrEqualTo(3);
        assertThat(streamed.toString()).isEqualTo(" " + text); // the SPM dummy prefix is part of the stream
    }

    @Test
    void streamingDecoderFlushesAnUnfinishedCharacterAsReplacement() {
        assertThat(StreamingDecoder.completePrefixLength(new byte[] {'a', (byte) 0xF0, (byte) 0x9F}))
                .isEqualTo(1);
        assertThat(StreamingDecoder.completePrefixLength(new byte[] {'a', (byte) 0xC3, (byte) 0xA9}))
                .isEqualTo(3);
        assertThat(StreamingDecoder.completePrefixLength(new byte[] {(byte) 0xFF}))
                .isEqualTo(1);
        Tokenizer tokenizer = TokenizerFixtures.vocabulary("llama-spm");
        StreamingDecoder decoder = new StreamingDecoder(tokenizer);
        int firstByteOfEmoji = tokenizer.encode("🙂", false, false)[1];
        assertThat(tokenizer.piece(firstByteOfEmoji)).isEqualTo("<0xF0>");
        assertThat(decoder.accept(firstByteOfEmoji)).isEmpty();
        assertThat(decoder.flush()).isEqualTo("\uFFFD");
    }

    @Test
    void invalidUtf8DecodesToReplacementCharacter() {
        Tokenizer tokenizer = TokenizerFixtures.vocabulary("llama-spm");
        int lonelyContinuationByte = tokenizer.encode("🙂", false, false)[3]; // [▁, <0xF0>, <0x9F>, <0x99>, <0x82>]
        assertThat(tokenizer.piece(lonelyContinuationByte)).isEqualTo("<0x99>");
        assertThat(tokenizer.decode(new int[] {lonelyContinuationByte})).isEqualTo("\uFFFD");
    }

    @Test
    void parseSpecialTurnsControlTokenTextIntoTheToken() {
        Tokenizer tokenizer = TokenizerFixtures.vocabulary("llama-spm");
        int bos = tokenizer.bosToken().orElseThrow();
        int[] ids = tokenizer.encode("<s>Hi", false, true);
        assertThat(ids).startsWith(bos);
        // llama.cpp gives the text after a special token the dummy ▁ prefix again
        assertThat(tokenizer.piece(ids[1])).startsWith("\u2581");
        assertThat(tokenizer.encode("<s>Hi", false, false)).doesNotContain(bos);
        assertThat(tokenizer.encode("Hi", true, false)).startsWith(bos);
        assertThat(tokenizer.isControl(bos)).isTrue();
    }

    @Test
    void userDefinedTokensAreMatchedEvenWithoutParseSpecial() {
        Tokenizer tokenizer = TokenizerFixtures.vocabulary("stablelm-3b-4e1t");
        int padding = 1; // "<|padding|>" is USER_DEFINED in this file
        assertThat(tokenizer.piece(padding)).isEqualTo("<|padding|>");
        assertThat(tokenizer.encode("a<|padding|>b", false, false)).contains(padding);
        assertThat(tokenizer.tokenBytes(padding)).isEqualTo("<|padding|>".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void endOfGenerationCoversEosAndEndOfTurnTokens() {
        Tokenizer phi3 = TokenizerFixtures.vocabulary("phi-3");
        assertThat(phi3.eosToken()).hasValue(32000);
        assertThat(phi3.isEndOfGeneration(32000)).isTrue();
        assertThat(phi3.isEndOfGeneration(phi3.encode("<|end|>", false, true)[0]))
                .isTrue();
        assertThat(phi3.isEndOfGeneration(phi3.bosToken().orElseThrow())).isFalse();
        Tokenizer gpt2 = TokenizerFixtures.vocabulary("gpt-2");
        assertThat(gpt2.isEndOfGeneration(50256)).isTrue();
        assertThat(gpt2.addsBos()).isFalse();
    }

    @Test
    void wordPieceAddsClsAndSepAndMarksUnknownWords() {
        Tokenizer bert = TokenizerFixtures.vocabulary("bert-bge");
        int[] ids = bert.encode("Hello", true, false);
        assertThat(ids[0]).isEqualTo(101);
        assertThat(ids[ids.length - 1]).isEqualTo(102);
        assertThat(bert.encode("\u0F00", false, false)).containsExactly(100);
    }

    @Test
    void unknownTokenizerModelIsAnErrorNamingIt() {
        GgufMetadata metadata = metadata(Map.of("tokenizer.ggml.model", "t5"));
        assertThatThrownBy(() -> Tokenizer.fromGguf(metadata))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("'t5'");
    }

    @Test
    void unknownPreTokenizerIsAnErrorNamingIt() {
        GgufMetadata metadata = metadata(Map.of("tokenizer.ggml.model", "gpt2", "tokenizer.ggml.pre", "no-such-pre"));
        assertThatThrownBy(() -> Tokenizer.fromGguf(metadata))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("'no-such-pre'");
    }

    @Test
    void missingTokenizerModelIsAnError() {
        assertThatThrownBy(() -> Tokenizer.fromGguf(metadata(Map.of())))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("tokenizer.ggml.model");
    }

    @Test
    void outOfRangeTokenIdIsRejected() {
        Tokenizer tokenizer = TokenizerFixtures.vocabulary("llama-spm");
        assertThatThrownBy(() -> tokenizer.tokenBytes(32000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32000");
    }

    private static GgufMetadata metadata(Map<String, String> strings) {
        Map<String, GgufValue> values = new LinkedHashMap<>();
        strings.forEach((key, value) -> values.put(key, new GgufValue(GgufValueType.STRING, null, value)));
        return new GgufMetadata("test", values);
    }
}
