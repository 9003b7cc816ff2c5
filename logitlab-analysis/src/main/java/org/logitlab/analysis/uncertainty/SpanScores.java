package org.logitlab.analysis.uncertainty;

import java.util.ArrayList;
import java.util.List;
import org.logitlab.analysis.method.ScoringMethod;
import org.logitlab.analysis.scoring.ScoredText;
import org.logitlab.analysis.scoring.TokenRecord;

/** Scores spans of an already scored text, so no forward pass is repeated. */
public final class SpanScores {
    private SpanScores() {}

    /**
     * One score per sentence: a sentence ends after a token whose text, stripped of trailing spaces, ends in '.', '!'
     * or '?', or that contains a line break; a trailing fragment is a sentence too.
     */
    public static List<SpanScore> bySentence(ScoredText text, ScoringMethod method) {
        List<Integer> ends = new ArrayList<>();
        List<TokenRecord> records = text.records();
        for (int i = 0; i < records.size(); i++) {
            String piece = records.get(i).piece();
            String stripped = piece.stripTrailing();
            if (piece.contains("\n") || stripped.endsWith(".") || stripped.endsWith("!") || stripped.endsWith("?")) {
                ends.add(i + 1);
            }
        }
        if (ends.isEmpty() || ends.getLast() != records.size()) {
            ends.add(records.size());
        }
        return bySpans(text, method, ends.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * One score per span [previous end, end) for each of {@code ends}, which must increase strictly and finish at
     * the number of records.
     */
    public static List<SpanScore> bySpans(ScoredText text, ScoringMethod method, int[] ends) {
        if (ends == null || ends.length == 0) {
            throw new IllegalArgumentException(
                    "ends must hold at least one span end, got " + (ends == null ? "null" : "none"));
        }
        if (ends[ends.length - 1] != text.size()) {
            throw new IllegalArgumentException("the last span end must be the number of records " + text.size()
                    + ", got " + ends[ends.length - 1]);
        }
        List<SpanScore> spans = new ArrayList<>(ends.length);
        int start = 0;
        for (int end : ends) {
            if (end <= start) {
                throw new IllegalArgumentException(
                        "span ends must increase strictly from 1, got " + end + " after " + start);
            }
            ScoredText span = text.slice(start, end);
            spans.add(new SpanScore(start, end, span.text(), method.score(span)));
            start = end;
        }
        return spans;
    }
}
