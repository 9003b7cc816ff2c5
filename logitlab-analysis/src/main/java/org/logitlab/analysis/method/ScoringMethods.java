package org.logitlab.analysis.method;

import java.util.List;
import org.logitlab.analysis.membership.TokenFrequencies;

/** Every {@link ScoringMethod} by its stable name. */
public final class ScoringMethods {
    /** Stable method names, grouped by family. */
    public static final List<String> NAMES = List.of(
            "sequence-probability",
            "perplexity",
            "mean-entropy",
            "geometric-mean-prob",
            "arithmetic-mean-prob",
            "mean-kurtosis",
            "log-likelihood",
            "log-rank",
            "entropy",
            "lrr",
            "fast-detectgpt",
            "binoculars",
            "loss",
            "zlib",
            "min-k",
            "min-k-plus-plus",
            "dc-pdd");

    private ScoringMethods() {}

    /**
     * Parameters of the methods that have some.
     *
     * @param fraction k of Min-K% and Min-K%++, in (0, 1]
     * @param frequencies the reference corpus table of DC-PDD (null when not used)
     * @param cap DC-PDD's upper bound a on α_t
     */
    public record Parameters(double fraction, TokenFrequencies frequencies, double cap) {
        public static final Parameters DEFAULT = new Parameters(0.2, null, 0.01);

        public Parameters {
            Aggregates.requireFraction("fraction", fraction);
            if (!(cap > 0.0) || Double.isInfinite(cap)) {
                throw new IllegalArgumentException("cap must be finite and > 0, got " + cap);
            }
        }
    }

    /** Every method that needs nothing beyond the records (and cross statistics, for those that need them). */
    public static List<ScoringMethod> all(Parameters parameters) {
        return NAMES.stream()
                .filter(name -> !name.equals("dc-pdd") || parameters.frequencies() != null)
                .map(name -> byName(name, parameters))
                .toList();
    }

    /** The method called {@code name}; Fast-DetectGPT uses a reference model whenever the text has one. */
    public static ScoringMethod byName(String name, Parameters parameters) {
        if (parameters == null) {
            throw new IllegalArgumentException("parameters must not be null");
        }
        return switch (name) {
            case "sequence-probability" -> new UncertaintyMethod.SequenceProbability();
            case "perplexity" -> new UncertaintyMethod.Perplexity();
            case "mean-entropy" -> new UncertaintyMethod.MeanEntropy();
            case "geometric-mean-prob" -> new UncertaintyMethod.GeometricMeanProbability();
            case "arithmetic-mean-prob" -> new UncertaintyMethod.ArithmeticMeanProbability();
            case "mean-kurtosis" -> new UncertaintyMethod.MeanKurtosis();
            case "log-likelihood" -> new DetectionMethod.LogLikelihood();
            case "log-rank" -> new DetectionMethod.LogRank();
            case "entropy" -> new DetectionMethod.Entropy();
            case "lrr" -> new DetectionMethod.LogLikelihoodLogRankRatio();
            case "fast-detectgpt" -> new DetectionMethod.FastDetectGpt(true);
            case "binoculars" -> new DetectionMethod.Binoculars();
            case "loss" -> new MembershipMethod.Loss();
            case "zlib" -> new MembershipMethod.ZlibRatio();
            case "min-k" -> new MembershipMethod.MinK(parameters.fraction());
            case "min-k-plus-plus" -> new MembershipMethod.MinKPlusPlus(parameters.fraction());
            case "dc-pdd" -> new MembershipMethod.DcPdd(parameters.frequencies(), parameters.cap());
            case null -> throw new IllegalArgumentException("method name must not be null; one of " + NAMES);
            default -> throw new IllegalArgumentException("unknown method '" + name + "'; one of " + NAMES);
        };
    }
}
