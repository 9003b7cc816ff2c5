package org.logitlab.analysis.uncertainty;

import java.util.Locale;

/**
 * Two answers are equivalent when their normalised forms are equal, or their ROUGE-L F1 (Lin 2004) over words
 * reaches {@code threshold}. Normalisation as in SQuAD's evaluation: lower case, punctuation and the articles a /
 * an / the removed, whitespace collapsed.
 *
 * @param threshold ROUGE-L F1 in (0, 1] at or above which answers match; 1 means exact normalised match only
 */
public record NormalizedMatchJudge(double threshold) implements EquivalenceJudge {
    /** 0.7: answers that share most of their words in order. */
    public static final NormalizedMatchJudge DEFAULT = new NormalizedMatchJudge(0.7);

    public NormalizedMatchJudge {
        if (!(threshold > 0.0 && threshold <= 1.0)) {
            throw new IllegalArgumentException("threshold must be in (0, 1], got " + threshold);
        }
    }

    @Override
    public boolean equivalent(String first, String second) {
        String a = normalise(first);
        String b = normalise(second);
        return a.equals(b) || RougeL.f1(a, b) >= threshold;
    }

    public static String normalise(String text) {
        String lower = text.toLowerCase(Locale.ROOT).replaceAll("[\\p{Punct}]", " ");
        return lower.replaceAll("\\b(a|an|the)\\b", " ").replaceAll("\\s+", " ").strip();
    }
}
