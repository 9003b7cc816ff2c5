package org.logitlab.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * WordPiece as llama.cpp runs it ({@code llm_tokenizer_wpm_session}): lower-case, replace each code point by
 * the first code point of its NFD form (dropping accents), drop combining marks and control characters, split
 * on whitespace and around punctuation, ASCII symbols and CJK ideographs, then cover each word greedily with
 * the longest vocabulary entries. The GGUF converter stores word-initial pieces with a ▁ prefix and
 * continuation pieces without their "##", so a word is matched as "▁" + word. A word that cannot be covered
 * becomes [UNK].
 */
final class WordPieceTokenizer extends VocabularyTokenizer {
    private static final String PHANTOM_SPACE = "\u2581";

    WordPieceTokenizer(Vocabulary vocabulary) {
        super(vocabulary);
    }

    @Override
    byte[] renderNormal(int id) {
        return vocabulary.texts[id].replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
    }

    @Override
    void encodeFragments(String text, List<Fragment> fragments, boolean addSpecial, TokenIdList output) {
        if (addSpecial) { // llama.cpp adds [CLS] … [SEP] whenever add_special is set
            output.add(vocabulary.bos);
        }
        for (Fragment fragment : fragments) {
            if (fragment.isToken()) {
                output.add(fragment.token());
            } else {
                for (String word : words(text.substring(fragment.start(), fragment.end()))) {
                    tokenizeWord(word, output);
                }
            }
        }
        if (addSpecial && vocabulary.separator != Vocabulary.NONE) {
            output.add(vocabulary.separator);
        }
    }

    private void tokenizeWord(String word, TokenIdList output) {
        String phantom = PHANTOM_SPACE + word;
        int[] charOffsets = phantom.codePoints().map(Character::charCount).toArray();
        int count = charOffsets.length;
        int[] charStart = new int[count + 1];
        int[] byteStart = new int[count + 1];
        for (int i = 0; i < count; i++) {
            charStart[i + 1] = charStart[i] + charOffsets[i];
            int codePoint = phantom.codePointAt(charStart[i]);
            byteStart[i + 1] = byteStart[i] + utf8Length(codePoint);
        }
        int before = output.size();
        for (int i = 0; i < count; ) {
            int matchedEnd = -1;
            for (int j = count; j > i; j--) {
                if (byteStart[j] - byteStart[i] > vocabulary.maxTokenUtf8Length) {
                    continue;
                }
                int id = vocabulary.idOf(phantom.substring(charStart[i], charStart[j]));
                if (id != Vocabulary.NONE) {
                    output.add(id);
                    matchedEnd = j;
                    break;
                }
            }
            if (matchedEnd < 0) {
                output.truncate(before); // llama.cpp discards the partial cover of the word
                break;
            }
            i = matchedEnd;
        }
        if (output.size() == before) {
            output.add(vocabulary.unknown);
        }
    }

    private static int utf8Length(int codePoint) {
        return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
    }

    /** llama.cpp's {@code preprocess} for WPM, with its default normalizer (lower-case and strip accents). */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        text.codePoints().forEach(original -> {
            int codePoint = UnicodeProperties.firstOfDecomposition(original);
            int category = UnicodeProperties.category(codePoint);
            if (UnicodeProperties.isWhitespace(codePoint)) {
                finish(words, current);
                return;
            }
            if (codePoint == 0
                    || codePoint == 0xFFFD
                    || category == UnicodeProperties.CONTROL
                    || category == UnicodeProperties.MARK) {
                return;
            }
            int lower = UnicodeProperties.toLowerCase(codePoint);
            if (category == UnicodeProperties.PUNCTUATION
                    || (codePoint < 0x7F && category == UnicodeProperties.SYMBOL)
                    || isChineseCharacter(codePoint)) {
                finish(words, current);
                words.add(Character.toString(lower));
            } else {
                current.appendCodePoint(lower);
            }
        });
        finish(words, current);
        return words;
    }

    private static void finish(List<String> words, StringBuilder current) {
        if (!current.isEmpty()) {
            words.add(current.toString());
            current.setLength(0);
        }
    }

    /** The CJK ranges of BERT's {@code _is_chinese_char}, including its 0x2B920 quirk, as in llama.cpp. */
    private static boolean isChineseCharacter(int codePoint) {
        return (codePoint >= 0x4E00 && codePoint <= 0x9FFF)
                || (codePoint >= 0x3400 && codePoint <= 0x4DBF)
                || (codePoint >= 0x20000 && codePoint <= 0x2A6DF)
                || (codePoint >= 0x2A700 && codePoint <= 0x2B73F)
                || (codePoint >= 0x2B740 && codePoint <= 0x2B81F)
                || (codePoint >= 0x2B920 && codePoint <= 0x2CEAF)
                || (codePoint >= 0xF900 && codePoint <= 0xFAFF)
                || (codePoint >= 0x2F800 && codePoint <= 0x2FA1F);
    }
}
