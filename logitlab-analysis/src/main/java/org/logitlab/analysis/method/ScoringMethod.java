package org.logitlab.analysis.method;

import java.util.function.ToDoubleFunction;
import org.logitlab.analysis.scoring.ScoredText;
import org.logitlab.analysis.scoring.TokenRecord;

/**
 * A function from one scored text (its {@link org.logitlab.analysis.scoring.TokenRecord}s, and for some methods the
 * cross statistics against a reference model) to a score with per-token contributions. No method runs a forward
 * pass of its own. The family is closed: {@link ScoringMethods} lists every method under a stable name.
 */
public sealed interface ScoringMethod permits UncertaintyMethod, DetectionMethod, MembershipMethod {

    /** The stable name used on the command line and in JSON, e.g. {@code fast-detectgpt}. */
    String name();

    Family family();

    /** One line: the formula and the paper it comes from. */
    String description();

    /** Whether {@link #score} needs cross statistics, i.e. a text scored with a reference model. */
    default boolean needsReference() {
        return false;
    }

    /**
     * @throws IllegalArgumentException if the text has no records, or the method needs a reference model and the
     *     text was scored without one
     */
    MethodScore score(ScoredText text);

    /** Checks shared by every method. */
    /** Validates {@code text} and returns value(record) / L per token: the contributions of a per-token mean. */
    static double[] meanContributions(ScoringMethod method, ScoredText text, ToDoubleFunction<TokenRecord> value) {
        requireScorable(method, text);
        int length = text.size();
        return Aggregates.map(text.records(), record -> value.applyAsDouble(record) / length);
    }

    /** A score that is the mean of a per-token value; its contributions add up to it. */
    static MethodScore mean(ScoringMethod method, ScoredText text, ToDoubleFunction<TokenRecord> value) {
        double[] contributions = meanContributions(method, text, value);
        return new MethodScore(method.name(), method.family(), Aggregates.sum(contributions), contributions, true);
    }

    static void requireScorable(ScoringMethod method, ScoredText text) {
        if (text == null) {
            throw new IllegalArgumentException(method.name() + ": text must not be null");
        }
        if (text.size() == 0) {
            throw new IllegalArgumentException(method.name() + ": the text has no scored tokens");
        }
        if (method.needsReference() && !text.hasReference()) {
            throw new IllegalArgumentException(
                    method.name() + " needs a reference model sharing the vocabulary (--reference-model)");
        }
    }
}
