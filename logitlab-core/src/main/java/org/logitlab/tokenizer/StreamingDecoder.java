package org.logitlab.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Turns a stream of token ids into text as soon as it is complete: token bytes are appended and every whole
 * UTF-8 character is returned, while a character whose bytes are split across tokens (e.g. an emoji spelled as
 * four {@code <0xNN>} byte tokens) is held back until its last byte arrives. Bytes that can never form a
 * character are returned as U+FFFD right away, so nothing is held back forever. The text is the plain
 * concatenation of {@link Tokenizer#tokenBytes} — like llama.cpp's streaming output of
 * {@code token_to_piece(special = false)}, without {@link Tokenizer#decode}'s leading-space and clean-up rules.
 * Not thread-safe: one decoder per stream.
 */
public final class StreamingDecoder {
    private final Tokenizer tokenizer;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    public StreamingDecoder(Tokenizer tokenizer) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    }

    /** Adds one token; returns the text that became complete (possibly empty). */
    public String accept(int tokenId) {
        byte[] bytes = tokenizer instanceof VocabularyTokenizer shared
                ? shared.tokenBytesShared(tokenId)
                : tokenizer.tokenBytes(tokenId);
        pending.write(bytes, 0, bytes.length);
        byte[] buffered = pending.toByteArray();
        int complete = completePrefixLength(buffered);
        pending.reset();
        pending.write(buffered, complete, buffered.length - complete);
        return new String(buffered, 0, complete, StandardCharsets.UTF_8);
    }

    /** Returns whatever is still held back (an unfinished character becomes U+FFFD) and resets the decoder. */
    public String flush() {
        String rest = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        return rest;
    }

    /**
     * The length of the longest prefix that does not end inside a character that could still be completed:
     * only a trailing, so-far-valid start of a multi-byte sequence is held back.
     */
    static int completePrefixLength(byte[] bytes) {
        int length = bytes.length;
        // A UTF-8 character is at most 4 bytes, so only the last 3 can be an unfinished one.
        for (int back = 1; back <= Math.min(3, length); back++) {
            int lead = bytes[length - back] & 0xFF;
            if (lead >= 0x80 && lead < 0xC0) {
                continue; // continuation byte: keep looking for its lead byte
            }
            int needed = lead >= 0xF0 && lead <= 0xF4 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 && lead < 0xE0 ? 2 : 1;
            if (lead >= 0xF5) {
                needed = 1; // never valid: emit (as U+FFFD) rather than wait
            }
            return needed > back ? length - back : length;
        }
        return length;
    }
}
