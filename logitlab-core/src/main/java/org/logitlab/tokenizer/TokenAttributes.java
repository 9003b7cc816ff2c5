package org.logitlab.tokenizer;

/**
 * Token attribute bits, the same as llama.cpp's {@code llama_token_attr}. A token can carry several (a
 * user-defined token that llama.cpp recognises as end-of-turn becomes USER_DEFINED | CONTROL).
 */
final class TokenAttributes {
    static final int UNDEFINED = 0;
    static final int UNKNOWN = 1;
    static final int UNUSED = 1 << 1;
    static final int NORMAL = 1 << 2;
    static final int CONTROL = 1 << 3;
    static final int USER_DEFINED = 1 << 4;
    static final int BYTE = 1 << 5;
    static final int LEFT_STRIP = 1 << 7;
    static final int RIGHT_STRIP = 1 << 8;

    private TokenAttributes() {}

    /** {@code tokenizer.ggml.token_type} values: 1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte. */
    static int fromGgufTokenType(int tokenType) {
        return switch (tokenType) {
            case 1 -> NORMAL;
            case 2 -> UNKNOWN;
            case 3 -> CONTROL;
            case 4 -> USER_DEFINED;
            case 5 -> UNUSED;
            case 6 -> BYTE;
            default -> UNDEFINED;
        };
    }
}
