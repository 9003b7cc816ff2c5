package org.logitlab.server.api;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.logitlab.tokenizer.Tokenizer;

/**
 * How a single token is spelled in log-prob responses. A token's bytes can be part of a UTF-8 character (byte
 * fallback tokens); OpenAI then writes {@code bytes:\xNN…} instead of a broken character, and so do we. Tokens
 * that decode to nothing (BOS, EOS) are shown by their vocabulary entry, e.g. {@code <s>}.
 */
final class TokenStrings {
    private TokenStrings() {}

    static String display(Tokenizer tokenizer, int id) {
        byte[] bytes = tokenizer.tokenBytes(id);
        if (bytes.length == 0) {
            return tokenizer.piece(id);
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException partialCharacter) {
            StringBuilder escaped = new StringBuilder("bytes:");
            for (byte value : bytes) {
                escaped.append(String.format("\\x%02x", value & 0xFF));
            }
            return escaped.toString();
        }
    }

    /** The bytes the token contributes to the text (empty for BOS/EOS). */
    static byte[] bytes(Tokenizer tokenizer, int id) {
        return tokenizer.tokenBytes(id);
    }

    /** Characters this token adds to the decoded text, for {@code text_offset}. */
    static int textLength(Tokenizer tokenizer, int id) {
        return new String(tokenizer.tokenBytes(id), StandardCharsets.UTF_8).length();
    }
}
