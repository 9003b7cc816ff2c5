package org.logitlab.analysis.evaluation;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws ROC curves: a hand-written SVG (no dependency) and a PNG through the JDK's ImageIO, one coloured line per
 * method, the chance diagonal dashed, AUROC in the legend.
 */
public final class RocPlot {
    private static final int SIZE = 480;
    private static final int MARGIN = 56;
    private static final int PLOT = SIZE - 2 * MARGIN;
    private static final String[] COLOURS = {
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"
    };

    private RocPlot() {}

    /** An SVG document showing every evaluation's curve. */
    public static String svg(String title, List<Evaluation> evaluations) {
        requireEvaluations(evaluations);
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                        + " font-family=\"sans-serif\" font-size=\"12\">%n",
                SIZE,
                SIZE,
                SIZE,
                SIZE));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"black\"/>%n",
                MARGIN,
                MARGIN,
                PLOT,
                PLOT));
        for (int tick = 0; tick <= 4; tick++) {
            double value = tick / 4.0;
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.2f</text>%n",
                    x(value),
                    SIZE - MARGIN + 16,
                    value));
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.2f</text>%n",
                    MARGIN - 6,
                    y(value) + 4,
                    value));
        }
        svg.append(String.format(
                Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999\" stroke-dasharray=\"4 4\"/>%n",
                x(0),
                y(0),
                x(1),
                y(1)));
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"14\">%s</text>%n",
                SIZE / 2,
                MARGIN / 2,
                escape(title)));
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">false positive rate</text>%n",
                SIZE / 2,
                SIZE - 14));
        svg.append(String.format(
                Locale.ROOT,
                "<text transform=\"translate(16 %d) rotate(-90)\" text-anchor=\"middle\">true positive rate</text>%n",
                SIZE / 2));
        for (int i = 0; i < evaluations.size(); i++) {
            Evaluation evaluation = evaluations.get(i);
            String colour = COLOURS[i % COLOURS.length];
            StringBuilder points = new StringBuilder();
            for (RocCurve.Point point : evaluation.curve().points()) {
                points.append(String.format(
                        Locale.ROOT, "%.2f,%.2f ", x(point.falsePositiveRate()), y(point.truePositiveRate())));
            }
            svg.append(String.format(
                    Locale.ROOT,
                    "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
                    colour,
                    points.toString().strip()));
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n",
                    MARGIN + PLOT / 2,
                    SIZE - MARGIN - 10 - 16 * (evaluations.size() - 1 - i),
                    colour,
                    escape(legend(evaluation))));
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    public static void writeSvg(Path file, String title, List<Evaluation> evaluations) throws IOException {
        Files.writeString(file, svg(title, evaluations), StandardCharsets.UTF_8);
    }

    /** The same picture as {@link #svg}, rasterised with Java2D (headless) and written as PNG. */
    public static void writePng(Path file, String title, List<Evaluation> evaluations) throws IOException {
        requireEvaluations(evaluations);
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        try {
            graphics.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            graphics.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            graphics.setColor(Color.WHITE);
            graphics.fillRect(0, 0, SIZE, SIZE);
            graphics.setColor(Color.BLACK);
            graphics.drawRect(MARGIN, MARGIN, PLOT, PLOT);
            graphics.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            for (int tick = 0; tick <= 4; tick++) {
                double value = tick / 4.0;
                String label = String.format(Locale.ROOT, "%.2f", value);
                graphics.drawString(label, (float) x(value) - 12, SIZE - MARGIN + 16);
                graphics.drawString(label, MARGIN - 34, (float) y(value) + 4);
            }
            graphics.drawString("false positive rate", SIZE / 2 - 50, SIZE - 14);
            graphics.drawString(title, MARGIN, MARGIN / 2);
            graphics.setColor(Color.GRAY);
            graphics.setStroke(
                    new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f));
            graphics.drawLine((int) x(0), (int) y(0), (int) x(1), (int) y(1));
            graphics.setStroke(new BasicStroke(2f));
            for (int i = 0; i < evaluations.size(); i++) {
                Evaluation evaluation = evaluations.get(i);
                graphics.setColor(Color.decode(COLOURS[i % COLOURS.length]));
                Path2D.Double line = new Path2D.Double();
                List<RocCurve.Point> points = evaluation.curve().points();
                line.moveTo(
                        x(points.getFirst().falsePositiveRate()),
                        y(points.getFirst().truePositiveRate()));
                for (RocCurve.Point point : points) {
                    line.lineTo(x(point.falsePositiveRate()), y(point.truePositiveRate()));
                }
                graphics.draw(line);
                graphics.drawString(
                        legend(evaluation), MARGIN + PLOT / 2, SIZE - MARGIN - 10 - 16 * (evaluations.size() - 1 - i));
            }
        } finally {
            graphics.dispose();
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer available in this JDK (javax.imageio) for " + file);
        }
    }

    private static String legend(Evaluation evaluation) {
        return String.format(Locale.ROOT, "%s (AUROC %.3f)", evaluation.method(), evaluation.auroc());
    }

    private static double x(double falsePositiveRate) {
        return MARGIN + falsePositiveRate * PLOT;
    }

    private static double y(double truePositiveRate) {
        return MARGIN + (1.0 - truePositiveRate) * PLOT;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }

    private static void requireEvaluations(List<Evaluation> evaluations) {
        if (evaluations == null || evaluations.isEmpty()) {
            throw new IllegalArgumentException(
                    "evaluations must hold at least one curve, got " + (evaluations == null ? "null" : "none"));
        }
    }
}
