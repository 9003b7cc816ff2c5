package org.logitlab.tokenizer;

import java.util.Arrays;

/**
 * llama.cpp's {@code clean_spaces} passes in {@code detokenize} (Hugging Face's
 * {@code clean_up_tokenization_spaces}), applied to bytes in three passes exactly as there.
 */
final class SpaceCleaner {
    private SpaceCleaner() {}

    static byte[] clean(byte[] text) {
        return contractions(lonelyApostrophes(punctuation(text)));
    }

    /** " ?", " !", " .", " ," lose their space. */
    private static byte[] punctuation(byte[] text) {
        byte[] out = text.clone();
        int total = text.length == 0 ? 0 : 1;
        for (int i = 1; i < text.length; i++) {
            byte x = text[i];
            if (text[i - 1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ',')) {
                total--;
            }
            out[total++] = x;
        }
        return Arrays.copyOf(out, total);
    }

    /** " ' " becomes "'". */
    private static byte[] lonelyApostrophes(byte[] original) {
        byte[] text = original.clone(); // llama.cpp zeroes the dropped space, which later checks then see
        byte[] out = original.clone();
        int total = text.length == 0 ? 0 : 1;
        for (int i = 1; i < text.length; i++) {
            byte x = text[i];
            if (x == '\'' && i + 1 < text.length && text[i - 1] == ' ' && text[i + 1] == ' ') {
                total--;
                text[++i] = 0;
            }
            out[total++] = x;
        }
        return Arrays.copyOf(out, total);
    }

    /** " 's", " 'm", " 're", " 've" lose their space; " 't", " 'd", " 'll" keep it (llama.cpp's choice). */
    private static byte[] contractions(byte[] text) {
        byte[] out = text.clone();
        int total = text.length == 0 ? 0 : 1;
        for (int i = 1; i < text.length; i++) {
            byte x = text[i];
            if (text[i - 1] == ' ' && x == '\'' && i + 1 < text.length) {
                byte next = text[i + 1];
                if (next == 's' || next == 'm') {
                    total--;
                } else if (next != 't' && next != 'd' && i + 2 < text.length) {
                    byte afterNext = text[i + 2];
                    if ((next == 'r' && afterNext == 'e') || (next == 'v' && afterNext == 'e')) {
                        total--;
                    }
                }
            }
            out[total++] = x;
        }
        return Arrays.copyOf(out, total);
    }
}
