package org.logitlab.constraint;

import java.util.BitSet;

/**
 * What a constraint needs to know about a tokenizer: the exact bytes each token adds to the text, and which tokens end
 * generation.
 *
 * @param tokenBytes {@code tokenBytes[id]} = the bytes token {@code id} appends (empty for control tokens)
 * @param endOfGeneration the ids of end-of-generation tokens (e.g. {@code </s>}, {@code <|eot_id|>})
 */
public record TokenVocabulary(byte[][] tokenBytes, BitSet endOfGeneration) {

    public TokenVocabulary {
        if (tokenBytes == null || tokenBytes.length == 0) {
            throw new IllegalArgumentException(
                    "tokenBytes must hold at least one token, got " + (tokenBytes == null ? "null" : "0 tokens"));
        }
        if (endOfGeneration == null) {
            throw new IllegalArgumentException("endOfGeneration must not be null");
        }
        if (endOfGeneration.length() > tokenBytes.length) {
            throw new IllegalArgumentException("endOfGeneration names token " + (endOfGeneration.length() - 1)
                    + " but the vocabulary has " + tokenBytes.length + " tokens");
        }
        byte[][] copied = new byte[tokenBytes.length][];
        for (int id = 0; id < tokenBytes.length; id++) {
            if (tokenBytes[id] == null) {
                throw new IllegalArgumentException(
                        "tokenBytes[" + id + "] is null; use an empty array for control tokens");
            }
            copied[id] = tokenBytes[id].clone();
        }
        tokenBytes = copied;
        endOfGeneration = (BitSet) endOfGeneration.clone();
    }

    public int size() {
        return tokenBytes.length;
    }

    /** The bytes of one token (a copy). */
    public byte[] bytes(int token) {
        return tokenBytes[checkToken(token)].clone();
    }

    public boolean isEndOfGeneration(int token) {
        return endOfGeneration.get(checkToken(token));
    }

    /** Accessors return copies: a vocabulary is a value that callers cannot change behind a constraint's back. */
    @Override
    public byte[][] tokenBytes() {
        byte[][] copied = new byte[tokenBytes.length][];
        for (int id = 0; id < tokenBytes.length; id++) {
            copied[id] = tokenBytes[id].clone();
        }
        return copied;
    }

    @Override
    public BitSet endOfGeneration() {
        return (BitSet) endOfGeneration.clone();
    }

    int checkToken(int token) {
        if (token < 0 || token >= tokenBytes.length) {
            throw new IllegalArgumentException(
                    "token " + token + " is outside the vocabulary of " + tokenBytes.length + " tokens");
        }
        return token;
    }

    byte[] bytesUnsafe(int token) {
        return tokenBytes[token];
    }

    BitSet endOfGenerationView() {
        return endOfGeneration;
    }

    boolean endOfGenerationUnsafe(int token) {
        return endOfGeneration.get(token);
    }
}
