package org.logitlab.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;

/**
 * What all tokenizer families share: the vocabulary, special-token partitioning, pieces and llama.cpp's
 * detokenizer. Subclasses supply how raw text becomes ids and how a normal token renders.
 */
abstract sealed class VocabularyTokenizer implements Tokenizer
        permits SentencePieceTokenizer, BytePairTokenizer, WordPieceTokenizer {
    private static final byte[] NOTHING = new byte[0];

    final Vocabulary vocabulary;
    private final byte[][] renderedPieces;
    private final SpecialTokenSplitter specialTokenSplitter;

    VocabularyTokenizer(Vocabulary vocabulary) {
        this.vocabulary = vocabulary;
        this.specialTokenSplitter = new SpecialTokenSplitter(vocabulary);
        this.renderedPieces = new byte[vocabulary.size()][];
        for (int id = 0; id < renderedPieces.length; id++) {
            renderedPieces[id] = render(id);
        }
    }

    /** How a NORMAL (or BYTE) token renders; special kinds are handled here. */
    abstract byte[] renderNormal(int id);

    /** Tokenizes fragments produced by {@link SpecialTokenSplitter}, adding BOS/EOS per the family's rules. */
    abstract void encodeFragments(String text, List<Fragment> fragments, boolean addSpecial, TokenIdList output);

    @Override
    public final int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        String wellFormed = wellFormed(text);
        List<Fragment> fragments = specialTokenSplitter.split(wellFormed, parseSpecial);
        TokenIdList output = new TokenIdList();
        encodeFragments(wellFormed, fragments, addSpecial, output);
        return output.toArray();
    }

    /** llama.cpp sees UTF-8 bytes; a lone surrogate has no UTF-8 form, so it becomes what Java encodes it as. */
    private static String wellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isSurrogate(text.charAt(i))) {
                return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
            }
        }
        return text;
    }

    private byte[] render(int id) {
        // llama.cpp token_to_piece(special = false): control/unknown render as nothing, user-defined verbatim.
        if (vocabulary.has(id, TokenAttributes.CONTROL | TokenAttributes.UNKNOWN)) {
            return NOTHING;
        }
        if (vocabulary.has(id, TokenAttributes.USER_DEFINED)) {
            return vocabulary.texts[id].getBytes(StandardCharsets.UTF_8);
        }
        if (vocabulary.has(id, TokenAttributes.NORMAL | TokenAttributes.BYTE)) {
            return renderNormal(id);
        }
        return NOTHING;
    }

    /** {@code <0xNN>} → that byte, as llama.cpp's {@code token_to_byte}. */
    final byte[] renderByteToken(int id) {
        String text = vocabulary.texts[id];
        if (!text.matches("<0x[0-9A-Fa-f]{2}>")) {
            throw new org.logitlab.gguf.GgufFormatException(
                    "tokenizer: byte token " + id + " is '" + text + "', expected the form <0xNN>");
        }
        return new byte[] {(byte) Integer.parseInt(text.substring(3, 5), 16)};
    }

    @Override
    public final int vocabularySize() {
        return vocabulary.size();
    }

    @Override
    public final byte[] tokenBytes(int id) {
        return renderedPieces[checkId(id)].clone();
    }

    /** The same bytes as {@link #tokenBytes} without a defensive copy, for callers in this package. */
    final byte[] tokenBytesShared(int id) {
        return renderedPieces[checkId(id)];
    }

    @Override
    public final String piece(int id) {
        return vocabulary.texts[checkId(id)];
    }

    @Override
    public final String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean removeLeadingSpace = vocabulary.addSpacePrefix;
        for (int id : ids) {
            byte[] piece = renderedPieces[checkId(id)];
            int skip = removeLeadingSpace && piece.length > 0 && piece[0] == ' ' ? 1 : 0;
            bytes.write(piece, skip, piece.length - skip);
            removeLeadingSpace = false; // llama.cpp clears it after the first token, even an empty one
        }
        byte[] text = bytes.toByteArray();
        if (vocabulary.cleanSpaces) {
            text = SpaceCleaner.clean(text);
        }
        return new String(text, StandardCharsets.UTF_8);
    }

    @Override
    public final OptionalInt bosToken() {
        return vocabulary.bos == Vocabulary.NONE ? OptionalInt.empty() : OptionalInt.of(vocabulary.bos);
    }

    @Override
    public final OptionalInt eosToken() {
        return vocabulary.eos == Vocabulary.NONE ? OptionalInt.empty() : OptionalInt.of(vocabulary.eos);
    }

    @Override
    public final boolean addsBos() {
        return vocabulary.addBos;
    }

    @Override
    public final boolean addsEos() {
        return vocabulary.addEos;
    }

    @Override
    public final boolean isEndOfGeneration(int id) {
        return vocabulary.endOfGeneration.contains(id);
    }

    @Override
    public final boolean isControl(int id) {
        return vocabulary.has(checkId(id), TokenAttributes.CONTROL);
    }

    private int checkId(int id) {
        if (id < 0 || id >= vocabulary.size()) {
            throw new IllegalArgumentException(
                    "token id " + id + " is outside the vocabulary [0, " + vocabulary.size() + ")");
        }
        return id;
    }
}
