package org.logitlab.gguf;

/** A GGUF (or other model) file is malformed, truncated or uses something logitlab does not support. */
public class GgufFormatException extends RuntimeException {
    public GgufFormatException(String message) {
        super(message);
    }

    public GgufFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    static GgufFormatException at(String source, long offset, String message) {
        return new GgufFormatException(source + ": at byte offset " + offset + ": " + message);
    }
}
