package org.logitlab.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * GPT-2's reversible bytes↔unicode mapping (OpenAI {@code bytes_to_unicode}, llama.cpp
 * {@code unicode_byte_to_utf8}): printable Latin-1 bytes map to themselves, the other 68 bytes to
 * U+0100 onwards in byte order, so every byte string becomes printable text that BPE merges can work on.
 */
final class ByteLevelEncoding {
    private static final char[] CHAR_BY_BYTE = new char[256];
    private static final int[] BYTE_BY_CHAR = new int[512];

    static {
        java.util.Arrays.fill(BYTE_BY_CHAR, -1);
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char mapped = printable ? (char) b : (char) next++;
            CHAR_BY_BYTE[b] = mapped;
            BYTE_BY_CHAR[mapped] = b;
        }
    }

    private ByteLevelEncoding() {}

    /** The byte-level spelling of a piece of text: one char per UTF-8 byte. */
    static String encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            chars[i] = CHAR_BY_BYTE[bytes[i] & 0xFF];
        }
        return new String(chars);
    }

    /**
     * Reverses the mapping for a vocabulary string. A code point outside the mapping is rendered the way
     * llama.cpp's {@code llama_decode_text} renders it: {@code [UNK_BYTE_0x<hex of its UTF-8>}{@code <whole token>]}.
     */
    static byte[] decode(String tokenText) {
        byte[] fast = new byte[tokenText.length()];
        for (int i = 0; i < tokenText.length(); i++) {
            char c = tokenText.charAt(i);
            if (c >= BYTE_BY_CHAR.length || BYTE_BY_CHAR[c] < 0) {
                return decodeWithUnknowns(tokenText);
            }
            fast[i] = (byte) BYTE_BY_CHAR[c];
        }
        return fast;
    }

    private static byte[] decodeWithUnknowns(String tokenText) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(tokenText.length());
        tokenText.codePoints().forEach(codePoint -> {
            if (codePoint < BYTE_BY_CHAR.length && BYTE_BY_CHAR[codePoint] >= 0) {
                out.write(BYTE_BY_CHAR[codePoint]);
            } else {
                StringBuilder unknown = new StringBuilder("[UNK_BYTE_0x");
                for (byte b : Character.toString(codePoint).getBytes(StandardCharsets.UTF_8)) {
                    unknown.append(String.format("%02x", b & 0xFF));
                }
                unknown.append(tokenText).append(']');
                out.writeBytes(unknown.toString().getBytes(StandardCharsets.UTF_8));
            }
        });
        return out.toByteArray();
    }
}
