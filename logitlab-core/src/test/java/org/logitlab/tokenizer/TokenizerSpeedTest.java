package org.logitlab.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.logitlab.gguf.GgufMetadata;

/**
 * Coarse speed guards (the machine is shared, so bounds are generous multiples of what we measure): building
 * the largest vocabulary we have (deepseek-llm, 102k tokens, 100k merges, 2400 special tokens), and encoding a
 * paragraph with the GPT-2-style regex path that Llama-3/Qwen2-style vocabularies also take. (deepseek-llm's own
 * pre-tokenizer, a character class of ~100 ranges, is slower: about 1 ms per paragraph.)
 */
class TokenizerSpeedTest {
    private static final String PARAGRAPH = "The quick brown fox jumps over the lazy dog. It's 2024, and tokenizers "
            + "still have to deal with numbers like 3.14159, e-mail addresses such as someone@example.com, code "
            + "like `for (int i = 0; i < n; i++) { sum += x[i]; }`, accents (café, naïve), and scripts such as "
            + "Ελληνικά, русский, 日本語 and emoji 🙂. A paragraph of ordinary English prose follows, with "
            + "several sentences, commas, semicolons; and the occasional question? Yes! <|endoftext|>";

    @Test
    void buildsALargeVocabularyQuicklyAndEncodesAParagraphInWellUnderAMillisecond() {
        Path gguf = TokenizerFixtures.vocabularyDirectory().resolve("ggml-vocab-deepseek-llm.gguf");
        GgufMetadata metadata = TokenizerFixtures.metadata(gguf);
        Tokenizer.fromGguf(metadata); // warm up class loading and the JIT a little
        long buildStart = System.nanoTime();
        Tokenizer.fromGguf(metadata);
        long buildNanos = System.nanoTime() - buildStart;
        assertThat(buildNanos / 1e9).as("seconds to build a 102k vocabulary").isLessThan(1.5);

        Tokenizer tokenizer = TokenizerFixtures.vocabulary("gpt-2");

        for (int i = 0; i < 2_000; i++) {
            tokenizer.encode(PARAGRAPH, true, true);
        }
        int runs = 500;
        long encodeStart = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            tokenizer.encode(PARAGRAPH, true, true);
        }
        double millisecondsPerParagraph = (System.nanoTime() - encodeStart) / 1e6 / runs;
        assertThat(millisecondsPerParagraph).as("milliseconds per paragraph").isLessThan(0.5);
        System.out.printf(
                "deepseek-llm build %.0f ms; gpt-2 encode %.3f ms per %d-char paragraph%n",
                buildNanos / 1e6, millisecondsPerParagraph, PARAGRAPH.length());
    }
}
