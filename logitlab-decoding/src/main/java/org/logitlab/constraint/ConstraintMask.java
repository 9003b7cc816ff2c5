package org.logitlab.constraint;

import java.util.Arrays;
import java.util.BitSet;

/**
 * Applies a {@link Constraint} to a logits row: every token the constraint's current state disallows gets a logit of
 * −∞, the others keep theirs. The sampler chain then samples from the model's distribution restricted to the language
 * and renormalised. Plain generation, speculative verification (the target p) and a draft model (its q) all mask
 * through this one class, so they agree bit for bit on what a constrained distribution is.
 *
 * <p>Single-owner scratch state, like a sampler chain.
 */
public final class ConstraintMask {
    private final int vocabularySize;
    private final BitSet allowed;

    public ConstraintMask(int vocabularySize) {
        if (vocabularySize < 1) {
            throw new IllegalArgumentException("vocabularySize must be >= 1, got " + vocabularySize);
        }
        this.vocabularySize = vocabularySize;
        this.allowed = new BitSet(vocabularySize);
    }

    public int vocabularySize() {
        return vocabularySize;
    }

    /**
     * Writes {@code logits[offset, offset + vocabularySize)} into {@code masked[0, vocabularySize)} with −∞ for every
     * token {@code state} disallows.
     *
     * @return false when {@code state} allows no token at all ({@code masked} is then −∞ everywhere)
     */
    public boolean apply(Constraint state, float[] logits, int offset, float[] masked) {
        if (state == null || logits == null || masked == null) {
            throw new IllegalArgumentException("state, logits and masked must not be null");
        }
        if (offset < 0 || offset + vocabularySize > logits.length || masked.length < vocabularySize) {
            throw new IllegalArgumentException("need logits[" + offset + ", " + (offset + vocabularySize)
                    + ") and masked of length >= " + vocabularySize + ", got lengths " + logits.length + " and "
                    + masked.length);
        }
        state.allowedTokens(allowed);
        Arrays.fill(masked, 0, vocabularySize, Float.NEGATIVE_INFINITY);
        for (int id = allowed.nextSetBit(0); id >= 0; id = allowed.nextSetBit(id + 1)) {
            masked[id] = logits[offset + id];
        }
        return !allowed.isEmpty();
    }

    /** A new row with the mask of {@code state} applied, or null when {@code state} allows no token. */
    public float[] masked(Constraint state, float[] logits, int offset) {
        float[] masked = new float[vocabularySize];
        return apply(state, logits, offset, masked) ? masked : null;
    }
}
