package org.logitlab.analysis.uncertainty;

import java.util.ArrayList;
import java.util.List;

/**
 * Sampling-based uncertainty from several generations for the same prompt. These need N samples — N generations —
 * instead of one scoring pass. Higher = more uncertain for every score here.
 */
public final class SampleConsistency {
    private SampleConsistency() {}

    /**
     * 1 − mean pairwise ROUGE-L F1 of the answers: lexical similarity (Fomicheva et al. 2020; LM-Polygraph's
     * "LexicalSimilarity"), turned into an uncertainty.
     */
    public static double lexicalDissimilarity(List<String> answers) {
        requireAnswers(answers, 2);
        double sum = 0.0;
        int pairs = 0;
        for (int i = 0; i < answers.size(); i++) {
            for (int j = i + 1; j < answers.size(); j++) {
                sum += RougeL.f1(
                        NormalizedMatchJudge.normalise(answers.get(i)), NormalizedMatchJudge.normalise(answers.get(j)));
                pairs++;
            }
        }
        return 1.0 - sum / pairs;
    }

    /** Groups answers into meaning classes: each joins the first class whose first member it is equivalent to. */
    public static List<List<Integer>> cluster(List<String> answers, EquivalenceJudge judge) {
        requireAnswers(answers, 1);
        if (judge == null) {
            throw new IllegalArgumentException("judge must not be null");
        }
        List<List<Integer>> classes = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            List<Integer> home = null;
            for (List<Integer> members : classes) {
                if (judge.equivalent(answers.get(members.getFirst()), answers.get(i))) {
                    home = members;
                    break;
                }
            }
            if (home == null) {
                home = new ArrayList<>();
                classes.add(home);
            }
            home.add(i);
        }
        return classes;
    }

    /** The number of distinct answers — meaning classes — among the samples ("NumSets", Lin et al. 2023). */
    public static int distinctAnswers(List<String> answers, EquivalenceJudge judge) {
        return cluster(answers, judge).size();
    }

    /**
     * Semantic entropy (Kuhn et al. 2023): −Σ_c p(c) log p(c) over meaning classes, p(c) ∝ Σ_{s ∈ c} P(s) with P(s) =
     * exp(sequence log-prob), normalised over the samples drawn. With {@code sequenceLogProbs} null, the discrete
     * variant of Farquhar et al. 2024: p(c) = |c| / N.
     */
    public static double semanticEntropy(List<String> answers, double[] sequenceLogProbs, EquivalenceJudge judge) {
        List<List<Integer>> classes = cluster(answers, judge);
        if (sequenceLogProbs != null && sequenceLogProbs.length != answers.size()) {
            throw new IllegalArgumentException("sequenceLogProbs must have one entry per answer (" + answers.size()
                    + "), got " + sequenceLogProbs.length);
        }
        double[] weights = new double[classes.size()];
        double maximum = Double.NEGATIVE_INFINITY;
        if (sequenceLogProbs != null) {
            for (double logProb : sequenceLogProbs) {
                if (Double.isNaN(logProb) || logProb > 0.0) {
                    throw new IllegalArgumentException("sequence log-probs must be <= 0, got " + logProb);
                }
                maximum = Math.max(maximum, logProb);
            }
        }
        double total = 0.0;
        for (int c = 0; c < classes.size(); c++) {
            for (int member : classes.get(c)) {
                // Shifted by the largest log-prob so long answers (log P ≪ −700) do not underflow to 0.
                weights[c] += sequenceLogProbs == null ? 1.0 : Math.exp(sequenceLogProbs[member] - maximum);
            }
            total += weights[c];
        }
        double entropy = 0.0;
        for (double weight : weights) {
            double probability = weight / total;
            if (probability > 0.0) {
                entropy -= probability * Math.log(probability);
            }
        }
        return entropy;
    }

    private static void requireAnswers(List<String> answers, int minimum) {
        if (answers == null || answers.size() < minimum) {
            throw new IllegalArgumentException("answers must hold at least " + minimum + " samples, got "
                    + (answers == null ? "null" : answers.size()));
        }
    }
}
