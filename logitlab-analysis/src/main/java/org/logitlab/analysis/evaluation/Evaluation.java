package org.logitlab.analysis.evaluation;

/**
 * How well one method separates positives (machine-generated / members / texts that should be uncertain) from
 * negatives.
 *
 * @param method the method's stable name
 * @param auroc area under the ROC curve
 * @param truePositiveRateAtOnePercent TPR at FPR ≤ 1%
 * @param truePositiveRateAtFivePercent TPR at FPR ≤ 5%
 * @param curve the full curve
 */
public record Evaluation(
        String method,
        double auroc,
        double truePositiveRateAtOnePercent,
        double truePositiveRateAtFivePercent,
        RocCurve curve) {

    public static Evaluation of(String method, double[] positiveScores, double[] negativeScores) {
        RocCurve curve = RocCurve.of(positiveScores, negativeScores);
        return new Evaluation(
                method, curve.auroc(), curve.truePositiveRateAt(0.01), curve.truePositiveRateAt(0.05), curve);
    }
}
