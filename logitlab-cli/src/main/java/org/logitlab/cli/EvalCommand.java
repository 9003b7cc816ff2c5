package org.logitlab.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.logitlab.analysis.evaluation.Evaluation;
import org.logitlab.analysis.evaluation.JsonlTexts;
import org.logitlab.analysis.evaluation.RocPlot;
import org.logitlab.analysis.method.ScoringMethod;
import org.logitlab.analysis.scoring.ScoredText;
import org.logitlab.analysis.scoring.TextScorer;
import org.logitlab.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = {
            "How well each method separates --positive texts from --negative texts: AUROC, TPR at 1% and 5% FPR,",
            "and the ROC curves as SVG (and PNG). Positives are what a high score should mean: machine-generated",
            "texts for detection, training members for membership, texts that should be uncertain for",
            "uncertainty. Each text is scored once; every method reuses that pass."
        })
final class EvalCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Mixin
    AnalysisOptions analysisOptions;

    @Option(names = "--positive", required = true, paramLabel = "FILE", description = "JSON Lines with \"text\".")
    Path positive;

    @Option(names = "--negative", required = true, paramLabel = "FILE", description = "JSON Lines with \"text\".")
    Path negative;

    @Option(
            names = "--roc",
            defaultValue = "roc.svg",
            paramLabel = "FILE",
            description = "ROC curves as SVG (default: ${DEFAULT-VALUE}).")
    Path roc;

    @Option(names = "--png", paramLabel = "FILE", description = "ROC curves also as PNG.")
    Path png;

    @Option(names = "--json", description = "JSON output (metrics and curve points).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<String> positives = JsonlTexts.read(positive);
        List<String> negatives = JsonlTexts.read(negative);
        try (Model model = modelOptions.load();
                Model reference = analysisOptions.loadReference()) {
            TextScorer scorer = new TextScorer(model, reference, analysisOptions.scoringOptions(0));
            List<ScoringMethod> methods = analysisOptions.resolve(model, reference != null);
            List<ScoredText> scoredPositives = new ArrayList<>();
            List<ScoredText> scoredNegatives = new ArrayList<>();
            try (ProgressBar bar = new ProgressBarBuilder()
                    .setTaskName("eval")
                    .setInitialMax(positives.size() + negatives.size())
                    .setStyle(ProgressBarStyle.ASCII)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err))
                    .build()) {
                for (String text : positives) {
                    scoredPositives.add(scorer.score(text));
                    bar.step();
                }
                for (String text : negatives) {
                    scoredNegatives.add(scorer.score(text));
                    bar.step();
                }
            }
            List<Evaluation> evaluations = new ArrayList<>();
            for (ScoringMethod method : methods) {
                evaluations.add(
                        Evaluation.of(method.name(), scores(method, scoredPositives), scores(method, scoredNegatives)));
            }
            String title = String.format(
                    Locale.ROOT, "ROC: %d positive vs %d negative texts", positives.size(), negatives.size());
            RocPlot.writeSvg(roc, title, evaluations);
            if (png != null) {
                RocPlot.writePng(png, title, evaluations);
            }
            print(evaluations);
        }
        return 0;
    }

    private static double[] scores(ScoringMethod method, List<ScoredText> texts) {
        return texts.stream().mapToDouble(text -> method.score(text).score()).toArray();
    }

    private void print(List<Evaluation> evaluations) {
        if (json) {
            ObjectNode root = JsonOutput.object();
            root.put("positive", positive.toString());
            root.put("negative", negative.toString());
            root.put("roc", roc.toString());
            ArrayNode methods = root.putArray("methods");
            for (Evaluation evaluation : evaluations) {
                methods.addPOJO(evaluation);
            }
            System.out.println(JsonOutput.pretty(root));
            return;
        }
        System.out.printf(Locale.ROOT, "%-22s %8s %10s %10s%n", "method", "AUROC", "TPR@1%FPR", "TPR@5%FPR");
        for (Evaluation evaluation : evaluations) {
            System.out.printf(
                    Locale.ROOT,
                    "%-22s %8.4f %10.4f %10.4f%n",
                    evaluation.method(),
                    evaluation.auroc(),
                    evaluation.truePositiveRateAtOnePercent(),
                    evaluation.truePositiveRateAtFivePercent());
        }
        System.err.println("eval: ROC curves written to " + roc + (png != null ? " and " + png : ""));
    }
}
