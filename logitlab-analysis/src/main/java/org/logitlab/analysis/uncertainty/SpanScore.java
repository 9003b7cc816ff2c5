package org.logitlab.analysis.uncertainty;

import org.logitlab.analysis.method.MethodScore;

/**
 * A method's score over one span of a text (a sentence, a claim): claim-level uncertainty in the sense of Fadeeva
 * et al. 2024, computed pointwise from the span's own token records.
 *
 * @param firstRecord index of the span's first record in the text's records
 * @param endRecord one past its last record
 * @param text the span's text (its tokens' pieces)
 * @param score the method's score and per-token contributions over the span
 */
public record SpanScore(int firstRecord, int endRecord, String text, MethodScore score) {}
