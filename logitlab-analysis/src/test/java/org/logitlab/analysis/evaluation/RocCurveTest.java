package org.logitlab.analysis.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocCurveTest {

    @Test
    void perfectSeparationHasAreaOneAndFullTruePositiveRateAtZeroFalsePositives() {
        RocCurve curve = RocCurve.of(new double[] {3, 4, 5}, new double[] {0, 1, 2});
        assertThat(curve.auroc()).isEqualTo(1.0);
        assertThat(curve.truePositiveRateAt(0.0)).isEqualTo(1.0);
    }

    @Test
    void areaCountsTiesAsHalfLikeMannWhitney() {
        // pairs (pos, neg): (1,0) win, (1,1) tie, (1,2) loss, (3,0) win, (3,1) win, (3,2) win → (4 + 0.5) / 6 = 0.75
        RocCurve curve = RocCurve.of(new double[] {1, 3}, new double[] {0, 1, 2});
        assertThat(curve.auroc()).isCloseTo(0.75, within(1e-12));
    }

    @Test
    void truePositiveRateAtFalsePositiveRateNeverExceedsTheBudget() {
        // negatives 0..99, positives 50.5, 98.5, 200: at FPR ≤ 1% only scores above 98 may be flagged → 2 of 3
        double[] negatives = new double[100];
        for (int i = 0; i < negatives.length; i++) {
            negatives[i] = i;
        }
        RocCurve curve = RocCurve.of(new double[] {50.5, 98.5, 200}, negatives);
        assertThat(curve.truePositiveRateAt(0.01)).isCloseTo(2.0 / 3.0, within(1e-12));
        assertThat(curve.truePositiveRateAt(0.0)).isCloseTo(1.0 / 3.0, within(1e-12));
    }

    @Test
    void rejectsNaNScoresNamingTheIndex() {
        assertThatThrownBy(() -> RocCurve.of(new double[] {1, Double.NaN}, new double[] {0}))
                .hasMessage("positiveScores[1] is NaN");
    }

    @Property(tries = 200, seed = "8")
    void areaEqualsPairwiseWinRate(
            @ForAll @Size(min = 1, max = 20) List<@DoubleRange(min = -3, max = 3) Double> positives,
            @ForAll @Size(min = 1, max = 20) List<@DoubleRange(min = -3, max = 3) Double> negatives) {
        double wins = 0;
        for (double positive : positives) {
            for (double negative : negatives) {
                wins += positive > negative ? 1 : positive == negative ? 0.5 : 0;
            }
        }
        double expected = wins / (positives.size() * negatives.size());
        RocCurve curve = RocCurve.of(toArray(positives), toArray(negatives));
        assertThat(curve.auroc()).isCloseTo(expected, within(1e-9));
        assertThat(RocCurve.of(toArray(negatives), toArray(positives)).auroc()).isCloseTo(1 - expected, within(1e-9));
    }

    @Test
    void writesAnSvgAndAPngOfTheCurves(@TempDir Path directory) throws Exception {
        Evaluation evaluation = Evaluation.of("log-rank", new double[] {1, 2, 3}, new double[] {0, 1.5});
        Path svg = directory.resolve("roc.svg");
        Path png = directory.resolve("roc.png");
        RocPlot.writeSvg(svg, "test <roc>", List.of(evaluation));
        RocPlot.writePng(png, "test", List.of(evaluation));
        assertThat(Files.readString(svg))
                .startsWith("<svg")
                .contains("log-rank (AUROC 0.833)")
                .contains("&lt;roc&gt;");
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(480);
    }

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
