package org.logitlab.analysis.method;

/**
 * A method's score of one text and each token's contribution to it, aligned with the text's records (so with
 * {@code ScoredText.records().get(i).token()} and {@code piece()}), for heat maps.
 *
 * <p>The contributions add up to the score for every method except those whose score is a non-linear function of a
 * sum — {@code perplexity} and {@code geometric-mean-prob}, whose contributions add up to the log-perplexity (the
 * mean negative log-likelihood) — as {@link #contributionsSumToScore()} says. Tokens a method ignores (outside
 * Min-K%'s lowest k%, repeated tokens in DC-PDD) contribute 0.
 *
 * @param method the method's stable name
 * @param family what the score is evidence of, which fixes its sign convention
 * @param score the sequence score, oriented as {@link Family#signConvention()} says
 * @param contributions one value per scored token
 * @param contributionsSumToScore whether Σ contributions = score (else they sum to the log-perplexity)
 */
public record MethodScore(
        String method, Family family, double score, double[] contributions, boolean contributionsSumToScore) {

    public MethodScore {
        if (method == null || method.isBlank()) {
            throw new IllegalArgumentException("method must be a non-blank name, got '" + method + "'");
        }
        if (family == null) {
            throw new IllegalArgumentException("family must not be null for method " + method);
        }
        contributions = contributions.clone();
    }

    public String signConvention() {
        return family.signConvention();
    }
}
