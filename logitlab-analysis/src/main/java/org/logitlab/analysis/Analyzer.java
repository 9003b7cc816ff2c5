package org.logitlab.analysis;

import java.util.ArrayList;
import java.util.List;
import org.logitlab.analysis.method.MethodScore;
import org.logitlab.analysis.method.ScoringMethod;
import org.logitlab.analysis.scoring.ScoredText;
import org.logitlab.analysis.scoring.TextScorer;

/**
 * The Java entry point: one scoring pass per text, then every requested method on its records.
 *
 * <pre>{@code
 * try (Model model = Model.loadEmbedded()) {
 *     Analyzer analyzer = new Analyzer(new TextScorer(model, ScoringOptions.DEFAULT),
 *             List.of(ScoringMethods.byName("fast-detectgpt", ScoringMethods.Parameters.DEFAULT)));
 *     double score = analyzer.analyze("Once upon a time").score("fast-detectgpt").score();
 * }
 * }</pre>
 *
 * Single-owner, like the {@link TextScorer} it drives.
 */
public final class Analyzer {
    private final TextScorer scorer;
    private final List<ScoringMethod> methods;

    public Analyzer(TextScorer scorer, List<ScoringMethod> methods) {
        if (scorer == null) {
            throw new IllegalArgumentException("scorer must not be null");
        }
        if (methods == null || methods.isEmpty()) {
            throw new IllegalArgumentException(
                    "methods must name at least one method, got " + (methods == null ? "null" : "none"));
        }
        for (ScoringMethod method : methods) {
            if (method.needsReference() && !scorer.hasReference()) {
                throw new IllegalArgumentException(
                        method.name() + " needs a reference model sharing the vocabulary (--reference-model)");
            }
        }
        this.scorer = scorer;
        this.methods = List.copyOf(methods);
    }

    public List<ScoringMethod> methods() {
        return methods;
    }

    public TextAnalysis analyze(String text) {
        return analyze(scorer.score(text));
    }

    /** Applies the methods to a text already scored (no forward pass). */
    public TextAnalysis analyze(ScoredText scored) {
        List<MethodScore> scores = new ArrayList<>(methods.size());
        for (ScoringMethod method : methods) {
            scores.add(method.score(scored));
        }
        return new TextAnalysis(
                scored.text(), scored.records(), scored.cross(), scores, scored.window(), scored.stride());
    }
}
