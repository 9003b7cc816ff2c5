package org.logitlab.cli;

/** Checks of numeric options, with messages that name the option and the value. */
final class CliValidation {
    private CliValidation() {}

    static void requireAtLeast(String option, long value, long minimum) {
        if (value < minimum) {
            throw new IllegalArgumentException(option + " must be >= " + minimum + ", got " + value);
        }
    }
}
