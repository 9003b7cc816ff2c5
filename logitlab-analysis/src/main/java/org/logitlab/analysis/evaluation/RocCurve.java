package org.logitlab.analysis.evaluation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The receiver operating characteristic of a score that should be higher for positives: one point per distinct
 * threshold, from (0, 0) (nothing flagged) to (1, 1) (everything flagged), with the area under it and the true
 * positive rate at fixed false positive rates — the low-FPR operating points detection papers report (Krishna et
 * al. 2023; Hans et al. 2024).
 *
 * @param points (false positive rate, true positive rate) in order of decreasing threshold
 * @param auroc P(score of a random positive > score of a random negative), ties counting 1/2 (Mann–Whitney U)
 * @param positives number of positive texts
 * @param negatives number of negative texts
 */
public record RocCurve(List<Point> points, double auroc, int positives, int negatives) {

    /** One operating point: flag every text whose score is ≥ {@code threshold}. */
    public record Point(double falsePositiveRate, double truePositiveRate, double threshold) {}

    public RocCurve {
        points = List.copyOf(points);
    }

    /** The curve of {@code positiveScores} against {@code negativeScores}; NaN scores are rejected. */
    public static RocCurve of(double[] positiveScores, double[] negativeScores) {
        requireScores("positiveScores", positiveScores);
        requireScores("negativeScores", negativeScores);
        double[] positives = positiveScores.clone();
        double[] negatives = negativeScores.clone();
        Arrays.sort(positives);
        Arrays.sort(negatives);
        List<Point> points = new ArrayList<>();
        points.add(new Point(0.0, 0.0, Double.POSITIVE_INFINITY));
        // Sweep thresholds from the highest score down; at each distinct score both counts jump together, which
        // draws ties as a diagonal segment and makes the trapezoid area equal to the Mann–Whitney statistic.
        int positiveIndex = positives.length - 1;
        int negativeIndex = negatives.length - 1;
        double area = 0.0;
        double previousFalse = 0.0;
        double previousTrue = 0.0;
        while (positiveIndex >= 0 || negativeIndex >= 0) {
            double threshold = Math.max(
                    positiveIndex >= 0 ? positives[positiveIndex] : Double.NEGATIVE_INFINITY,
                    negativeIndex >= 0 ? negatives[negativeIndex] : Double.NEGATIVE_INFINITY);
            while (positiveIndex >= 0 && positives[positiveIndex] == threshold) {
                positiveIndex--;
            }
            while (negativeIndex >= 0 && negatives[negativeIndex] == threshold) {
                negativeIndex--;
            }
            double falseRate = (negatives.length - 1 - negativeIndex) / (double) negatives.length;
            double trueRate = (positives.length - 1 - positiveIndex) / (double) positives.length;
            area += (falseRate - previousFalse) * (trueRate + previousTrue) / 2.0;
            points.add(new Point(falseRate, trueRate, threshold));
            previousFalse = falseRate;
            previousTrue = trueRate;
        }
        return new RocCurve(points, area, positives.length, negatives.length);
    }

    /**
     * The highest true positive rate at a threshold whose false positive rate is at most {@code falsePositiveRate}
     * (a threshold between scores, never interpolating between points).
     */
    public double truePositiveRateAt(double falsePositiveRate) {
        if (!(falsePositiveRate >= 0.0 && falsePositiveRate <= 1.0)) {
            throw new IllegalArgumentException("falsePositiveRate must be in [0, 1], got " + falsePositiveRate);
        }
        double best = 0.0;
        for (Point point : points) {
            if (point.falsePositiveRate() <= falsePositiveRate + 1e-12) {
                best = Math.max(best, point.truePositiveRate());
            }
        }
        return best;
    }

    private static void requireScores(String parameter, double[] scores) {
        if (scores == null || scores.length == 0) {
            throw new IllegalArgumentException(
                    parameter + " must hold at least one score, got " + (scores == null ? "null" : "none"));
        }
        for (int i = 0; i < scores.length; i++) {
            if (Double.isNaN(scores[i])) {
                throw new IllegalArgumentException(parameter + "[" + i + "] is NaN");
            }
        }
    }
}
