package org.logitlab.constraint;

/** Strict UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), one byte at a time. */
final class Utf8 {

    private Utf8() {}

    /** Length of the sequence a lead byte starts, or 0 if the byte cannot start one. */
    static int sequenceLength(int lead) {
        if (lead < 0x80) {
            return 1;
        }
        if (lead >= 0xC2 && lead <= 0xDF) {
            return 2;
        }
        if (lead >= 0xE0 && lead <= 0xEF) {
            return 3;
        }
        if (lead >= 0xF0 && lead <= 0xF4) {
            return 4;
        }
        return 0;
    }

    /** Whether {@code value} may be byte number {@code index} (0-based; index >= 1) of a sequence led by {@code lead}. */
    static boolean validContinuation(int lead, int index, int value) {
        int low = 0x80;
        int high = 0xBF;
        if (index == 1) {
            low = secondByteLow(lead);
            high = secondByteHigh(lead);
        }
        return value >= low && value <= high;
    }

    private static int secondByteLow(int lead) {
        return lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
    }

    private static int secondByteHigh(int lead) {
        return lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
    }

    /** Decodes a complete sequence packed most-significant-first into an int. */
    static int decode(int packed, int length) {
        int lead = (packed >>> (8 * (length - 1))) & 0xFF;
        int codePoint = lead & (0x7F >> length);
        for (int i = length - 2; i >= 0; i--) {
            codePoint = (codePoint << 6) | ((packed >>> (8 * i)) & 0x3F);
        }
        return codePoint;
    }

    /** The smallest code point that a valid sequence starting with these bytes can encode. */
    static int lowestCompletion(int packed, int length) {
        return complete(packed, length, true);
    }

    /** The largest code point that a valid sequence starting with these bytes can encode. */
    static int highestCompletion(int packed, int length) {
        return complete(packed, length, false);
    }

    private static int complete(int packed, int length, boolean lowest) {
        int lead = (packed >>> (8 * (length - 1))) & 0xFF;
        int total = sequenceLength(lead);
        int bytes = packed;
        for (int index = length; index < total; index++) {
            int next = index == 1 ? (lowest ? secondByteLow(lead) : secondByteHigh(lead)) : (lowest ? 0x80 : 0xBF);
            bytes = (bytes << 8) | next;
        }
        return decode(bytes, total);
    }
}
