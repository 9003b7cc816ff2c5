package org.logitlab.constraint;

import java.util.BitSet;
import org.logitlab.tokenizer.Tokenizer;

/** Builds the byte-level view of a model's vocabulary that constraints match tokens with. */
public final class TokenVocabularies {
    private TokenVocabularies() {}

    public static TokenVocabulary of(Tokenizer tokenizer) {
        int size = tokenizer.vocabularySize();
        byte[][] bytes = new byte[size][];
        BitSet endOfGeneration = new BitSet(size);
        for (int id = 0; id < size; id++) {
            bytes[id] = tokenizer.tokenBytes(id);
            if (tokenizer.isEndOfGeneration(id)) {
                endOfGeneration.set(id);
            }
        }
        return new TokenVocabulary(bytes, endOfGeneration);
    }
}
