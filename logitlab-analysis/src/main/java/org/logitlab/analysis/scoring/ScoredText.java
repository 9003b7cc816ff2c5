package org.logitlab.analysis.scoring;

import java.util.List;

/**
 * One text after one scoring pass: its tokens and a {@link TokenRecord} for every token but the first (which only
 * gives context), plus, when a reference model was given, the {@link CrossStatistics} of each record's position.
 *
 * @param text the scored text ("" when scored from token ids)
 * @param tokens all token ids, including a leading BOS when the tokenizer adds one
 * @param records records.get(i) describes tokens[records.get(i).index()]; in text order
 * @param cross empty without a reference model, else aligned with {@code records}
 * @param window tokens per forward pass used
 * @param stride tokens each window advanced by
 */
public record ScoredText(
        String text, int[] tokens, List<TokenRecord> records, List<CrossStatistics> cross, int window, int stride) {

    public ScoredText {
        text = text == null ? "" : text;
        tokens = tokens.clone();
        records = List.copyOf(records);
        cross = List.copyOf(cross);
        if (!cross.isEmpty() && cross.size() != records.size()) {
            throw new IllegalArgumentException(
                    "cross must be empty or aligned with records: " + cross.size() + " vs " + records.size());
        }
    }

    /** A text of hand-made records (tests, or records computed elsewhere), with no reference model. */
    public static ScoredText of(List<TokenRecord> records) {
        return of(records, List.of());
    }

    /** A text of hand-made records and their cross statistics. */
    public static ScoredText of(List<TokenRecord> records, List<CrossStatistics> cross) {
        int[] tokens = new int[records.size() + 1];
        for (int i = 0; i < records.size(); i++) {
            tokens[i + 1] = records.get(i).token();
        }
        return new ScoredText("", tokens, records, cross, records.size() + 1, records.size() + 1);
    }

    public int size() {
        return records.size();
    }

    public boolean hasReference() {
        return !cross.isEmpty();
    }

    /** The records [from, to) as a text of their own, for scores over spans (sentences, claims). */
    public ScoredText slice(int from, int to) {
        if (from < 0 || to > records.size() || from > to) {
            throw new IllegalArgumentException(
                    "slice [" + from + ", " + to + ") must lie within [0, " + records.size() + "]");
        }
        StringBuilder spanText = new StringBuilder();
        for (TokenRecord record : records.subList(from, to)) {
            spanText.append(record.piece());
        }
        return new ScoredText(
                spanText.toString(),
                tokens,
                records.subList(from, to),
                cross.isEmpty() ? List.of() : cross.subList(from, to),
                window,
                stride);
    }
}
