package org.logitlab.sampling;

/** Parameter checks whose messages name the parameter and the value, as HF logits processors do. */
final class Validation {
    private Validation() {}

    static double finite(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be finite, got " + format(value));
        }
        return value;
    }

    static double atLeast(String name, double value, double minimum) {
        if (!(value >= minimum) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(
                    name + " must be finite and >= " + format(minimum) + ", got " + format(value));
        }
        return value;
    }

    static double positive(String name, double value) {
        if (!(value > 0.0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + format(value));
        }
        return value;
    }

    /** value ∈ [low, high]. */
    static double closed(String name, double value, double low, double high) {
        if (!(value >= low && value <= high)) {
            throw new IllegalArgumentException(
                    name + " must be in [" + format(low) + ", " + format(high) + "], got " + format(value));
        }
        return value;
    }

    /** value ∈ (low, high]. */
    static double leftOpen(String name, double value, double low, double high) {
        if (!(value > low && value <= high)) {
            throw new IllegalArgumentException(
                    name + " must be in (" + format(low) + ", " + format(high) + "], got " + format(value));
        }
        return value;
    }

    /** value ∈ [low, high). */
    static double rightOpen(String name, double value, double low, double high) {
        if (!(value >= low && value < high)) {
            throw new IllegalArgumentException(
                    name + " must be in [" + format(low) + ", " + format(high) + "), got " + format(value));
        }
        return value;
    }

    static int atLeast(String name, int value, int minimum) {
        if (value < minimum) {
            throw new IllegalArgumentException(name + " must be >= " + minimum + ", got " + value);
        }
        return value;
    }

    /** 1.0 → "1", 1.5 → "1.5": messages read like the option the user typed. */
    static String format(double value) {
        if (Double.isFinite(value) && value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }
}
