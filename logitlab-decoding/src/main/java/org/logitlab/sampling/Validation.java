package org.logitlab.sampling;

/** Parameter checks whose messages name the parameter and the value, as HF logits processors do. */
final class Validation {
    private Validation() {}

    static double finite(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be finite, got " + value);
        }
        return value;
    }

    static double atLeast(String name, double value, double minimum) {
        if (!(value >= minimum) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be finite and >= " + minimum + ", got " + value);
        }
        return value;
    }

    static double positive(String name, double value) {
        if (!(value > 0.0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + value);
        }
        return value;
    }

    /** value ∈ [low, high]. */
    static double closed(String name, double value, double low, double high) {
        if (!(value >= low && value <= high)) {
            throw new IllegalArgumentException(name + " must be in [" + low + ", " + high + "], got " + value);
        }
        return value;
    }

    /** value ∈ (low, high]. */
    static double leftOpen(String name, double value, double low, double high) {
        if (!(value > low && value <= high)) {
            throw new IllegalArgumentException(name + " must be in (" + low + ", " + high + "], got " + value);
        }
        return value;
    }

    /** value ∈ [low, high). */
    static double rightOpen(String name, double value, double low, double high) {
        if (!(value >= low && value < high)) {
            throw new IllegalArgumentException(name + " must be in [" + low + ", " + high + "), got " + value);
        }
        return value;
    }

    static int atLeast(String name, int value, int minimum) {
        if (value < minimum) {
            throw new IllegalArgumentException(name + " must be >= " + minimum + ", got " + value);
        }
        return value;
    }
}
