package org.logitlab.cli;

import java.nio.charset.StandardCharsets;
import org.logitlab.tokenizer.Tokenizer;

/** How the CLI shows one token: the text it decodes to, or its vocabulary entry when it decodes to nothing. */
final class TokenText {
    private TokenText() {}

    static String display(Tokenizer tokenizer, int id) {
        byte[] bytes = tokenizer.tokenBytes(id);
        if (bytes.length == 0) {
            return tokenizer.piece(id);
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
