package org.logitlab.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.logitlab.gguf.GgufFormatException;
import org.logitlab.gguf.GgufMetadata;

/**
 * Byte-level BPE as llama.cpp runs it ({@code llm_tokenizer_bpe_session}): the pre-tokenizer cuts text into
 * words, each word is spelled in GPT-2's byte alphabet, and adjacent symbols merge lowest merge rank first
 * (leftmost on ties) until no listed merge applies. Merge ranks are keyed by the two symbols' token ids, so the
 * inner loop does no string concatenation.
 */
final class BytePairTokenizer extends VocabularyTokenizer {
    /** Marks a bigram whose merged id must be looked up by text (it came from the text-keyed merges). */
    private static final int UNKNOWN_MERGED_ID = -2;

    private final PreTokenizer preTokenizer;
    private final boolean ignoreMerges;
    /** Merges whose halves are both tokens (the usual case). */
    private final MergeTable mergesByIdPair;
    /** Token id of each byte-level char (the alphabet is below U+0200), or NONE. */
    private final int[] idsBySingleChar = new int[0x200];
    /** rank by "left right" for merges with a half that is not itself a token. */
    private final Map<String, Integer> ranksByTextPair;

    private BytePairTokenizer(Vocabulary vocabulary, PreTokenizerKind kind, String[] merges) {
        super(vocabulary);
        this.preTokenizer = new PreTokenizer(kind.regexes());
        this.ignoreMerges = kind.ignoreMerges();
        this.mergesByIdPair = new MergeTable(merges.length);
        this.ranksByTextPair = new HashMap<>();
        indexSingleChars();
        for (int rank = 0; rank < merges.length; rank++) {
            String merge = merges[rank];
            int space = merge.indexOf(' ', 1); // llama.cpp: find(' ', 1), so a leading space belongs to the left
            if (space < 0) {
                continue; // llama.cpp records ("", ""), which can never match a symbol pair
            }
            String left = merge.substring(0, space);
            String right = merge.substring(space + 1);
            int leftId = vocabulary.idOf(left);
            int rightId = vocabulary.idOf(right);
            if (leftId != Vocabulary.NONE && rightId != Vocabulary.NONE) {
                mergesByIdPair.putIfAbsent(leftId, rightId, rank, vocabulary.idOf(left + right));
            } else {
                ranksByTextPair.putIfAbsent(left + ' ' + right, rank);
            }
        }
    }

    private void indexSingleChars() {
        for (char c = 0; c < idsBySingleChar.length; c++) {
            idsBySingleChar[c] = vocabulary.idOf(String.valueOf(c));
        }
    }

    private int singleCharId(char c) {
        return c < idsBySingleChar.length ? idsBySingleChar[c] : vocabulary.idOf(String.valueOf(c));
    }

    static BytePairTokenizer load(GgufMetadata metadata) {
        String pre = metadata.string("tokenizer.ggml.pre").orElse("");
        PreTokenizerKind kind = PreTokenizerKind.forName(pre);
        String[] merges = metadata.stringArray("tokenizer.ggml.merges")
                .orElseThrow(
                        () -> new GgufFormatException("tokenizer: gpt2 vocabulary has no 'tokenizer.ggml.merges'"));
        Vocabulary vocabulary = Vocabulary.load(metadata, VocabularyType.BYTE_PAIR, kind.cleanSpaces(), kind.addBos());
        return new BytePairTokenizer(vocabulary, kind, merges);
    }

    @Override
    byte[] renderNormal(int id) {
        if (vocabulary.has(id, TokenAttributes.BYTE)) {
            return renderByteToken(id);
        }
        return ByteLevelEncoding.decode(vocabulary.texts[id]);
    }

    @Override
    void encodeFragments(String text, List<Fragment> fragments, boolean addSpecial, TokenIdList output) {
        if (addSpecial && vocabulary.addBos) {
            output.add(vocabulary.bos);
        }
        for (Fragment fragment : fragments) {
            if (fragment.isToken()) {
                output.add(fragment.token());
            } else {
                for (String word : preTokenizer.split(text.substring(fragment.start(), fragment.end()))) {
                    tokenizeWord(ByteLevelEncoding.encode(word), output);
                }
            }
        }
        if (addSpecial && vocabulary.addEos) {
            output.add(vocabulary.eos);
        }
    }

    private void tokenizeWord(String word, TokenIdList output) {
        if (ignoreMerges) {
            int whole = vocabulary.idOf(word);
            if (whole != Vocabulary.NONE) {
                output.add(whole);
                return;
            }
        }
        // Byte-level text is all BMP, so symbols are single chars.
        Symbols symbols = Symbols.ofCodePoints(word);
        int[] ids = new int[symbols.count];
        for (int i = 0; i < symbols.count; i++) {
            ids[i] = singleCharId(word.charAt(i));
        }
        PriorityQueue<Bigram> queue = new PriorityQueue<>();
        for (int i = 1; i < symbols.count; i++) {
            offerBigram(word, symbols, ids, i - 1, i, queue);
        }
        while (!queue.isEmpty()) {
            Bigram bigram = queue.poll();
            int left = bigram.left();
            int right = bigram.right();
            if (symbols.length[left] == 0
                    || symbols.length[right] == 0
                    || symbols.length[left] + symbols.length[right] != bigram.length()) {
                continue; // stale: llama.cpp compares the texts, which for fixed starts is comparing lengths
            }
            symbols.mergeRightIntoLeft(left, right);
            ids[left] =
                    vocabulary.idOf(word.substring(symbols.start[left], symbols.start[left] + symbols.length[left]));
            offerBigram(word, symbols, ids, symbols.previous[left], left, queue);
            offerBigram(word, symbols, ids, left, symbols.next[left], queue);
        }
        for (int i = 0; i != -1 && symbols.count > 0; i = symbols.next[i]) {
            if (ids[i] != Vocabulary.NONE) {
                output.add(ids[i]);
                continue;
            }
            // llama.cpp looks up each UTF-8 byte of the byte-level spelling as a one-byte token; only ASCII
            // bytes can be one (vocabulary strings are valid UTF-8), the rest are dropped as there.
            String piece = word.substring(symbols.start[i], symbols.start[i] + symbols.length[i]);
            for (byte b : piece.getBytes(StandardCharsets.UTF_8)) {
                if (b >= 0) {
                    int id = singleCharId((char) b);
                    if (id != Vocabulary.NONE) {
                        output.add(id);
                    }
                }
            }
        }
    }

    private void offerBigram(
            String word, Symbols symbols, int[] ids, int left, int right, PriorityQueue<Bigram> queue) {
        if (left == -1 || right == -1) {
            return;
        }
        int length = symbols.length[left] + symbols.length[right];
        if (ids[left] != Vocabulary.NONE && ids[right] != Vocabulary.NONE) {
            int slot = mergesByIdPair.find(ids[left], ids[right]);
            if (slot != MergeTable.ABSENT) {
                queue.add(new Bigram(left, right, mergesByIdPair.rank(slot), length, mergesByIdPair.mergedId(slot)));
            }
        } else if (!ranksByTextPair.isEmpty()) {
            String leftText = word.substring(symbols.start[left], symbols.start[left] + symbols.length[left]);
            String rightText = word.substring(symbols.start[right], symbols.start[right] + symbols.length[right]);
            Integer rank = ranksByTextPair.get(leftText + ' ' + rightText);
            if (rank != null) {
                queue.add(new Bigram(left, right, rank, length, UNKNOWN_MERGED_ID));
            }
        }
    }

    /** A candidate merge; the best has the lowest rank, then the leftmost position. */
    private record Bigram(int left, int right, int rank, int length, int mergedId) implements Comparable<Bigram> {
        @Override
        public int compareTo(Bigram other) {
            int byRank = Integer.compare(rank, other.rank);
            return byRank != 0 ? byRank : Integer.compare(left, other.left);
        }
    }
}
