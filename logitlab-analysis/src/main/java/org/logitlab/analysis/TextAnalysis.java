package org.logitlab.analysis;

import java.util.List;
import org.logitlab.analysis.method.MethodScore;
import org.logitlab.analysis.scoring.CrossStatistics;
import org.logitlab.analysis.scoring.TokenRecord;

/**
 * Everything the analysis layer says about one text, shaped for JSON (a page colouring tokens): the per-token
 * records in text order and, for each requested method, the sequence score with one contribution per record.
 *
 * @param text the analysed text
 * @param tokens one record per scored token (all tokens but the first, usually BOS)
 * @param cross per-token statistics against the reference model; empty without one
 * @param scores one entry per requested method
 * @param window tokens per forward pass
 * @param stride tokens each window advanced by
 */
public record TextAnalysis(
        String text,
        List<TokenRecord> tokens,
        List<CrossStatistics> cross,
        List<MethodScore> scores,
        int window,
        int stride) {

    public TextAnalysis {
        tokens = List.copyOf(tokens);
        cross = List.copyOf(cross);
        scores = List.copyOf(scores);
    }

    /** The score of {@code method}. */
    public MethodScore score(String method) {
        return scores.stream()
                .filter(score -> score.method().equals(method))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("method '" + method + "' was not computed; computed: "
                        + scores.stream().map(MethodScore::method).toList()));
    }
}
