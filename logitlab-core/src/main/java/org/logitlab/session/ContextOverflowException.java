package org.logitlab.session;

/** Appending would exceed the session's context length. */
public class ContextOverflowException extends IllegalArgumentException {
    public ContextOverflowException(String message) {
        super(message);
    }
}
