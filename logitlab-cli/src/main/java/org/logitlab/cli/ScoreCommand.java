package org.logitlab.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.logitlab.analysis.Analyzer;
import org.logitlab.analysis.TextAnalysis;
import org.logitlab.analysis.evaluation.JsonlTexts;
import org.logitlab.analysis.method.Family;
import org.logitlab.analysis.method.MethodScore;
import org.logitlab.analysis.scoring.TextScorer;
import org.logitlab.analysis.scoring.TokenRecord;
import org.logitlab.model.Model;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "score",
        mixinStandardHelpOptions = true,
        description = {
            "Score texts with uncertainty, machine-text detection and membership-inference methods.",
            "Each text runs through the model once (batched, all positions; long texts in sliding",
            "windows); every method is computed from that pass. Higher = more uncertain / more likely",
            "machine-generated / more likely training data, by the method's family.",
            "--json: one object per text with per-token records and per-token contributions."
        })
final class ScoreCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Mixin
    AnalysisOptions analysisOptions;

    static final class Source {
        @Option(
                names = "--input",
                paramLabel = "FILE",
                description = "JSON Lines, one object per line with a \"text\" field.")
        Path input;

        @Option(
                names = {"-t", "--text"},
                paramLabel = "TEXT",
                description = "One text to score.")
        String text;
    }

    @ArgGroup(multiplicity = "1")
    Source source;

    @Option(
            names = "--top-k",
            defaultValue = "5",
            paramLabel = "K",
            description = "Alternatives per token in the JSON records (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--json", description = "JSON Lines output: one object per text.")
    boolean json;

    @Option(names = "--no-progress", description = "No progress bar on stderr for --input.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        List<String> texts = source.input != null ? JsonlTexts.read(source.input) : List.of(source.text);
        try (Model model = modelOptions.load();
                Model reference = analysisOptions.loadReference()) {
            TextScorer scorer = new TextScorer(model, reference, analysisOptions.scoringOptions(json ? topK : 0));
            Analyzer analyzer = new Analyzer(scorer, analysisOptions.resolve(model, reference != null));
            PrintStream out = System.out;
            boolean showProgress = source.input != null && !noProgress;
            try (ProgressBar bar = showProgress ? progressBar(texts.size()) : null) {
                for (int i = 0; i < texts.size(); i++) {
                    TextAnalysis analysis = analyzer.analyze(texts.get(i));
                    if (json) {
                        out.println(JsonOutput.line(analysis));
                    } else {
                        printText(out, i, analysis, source.input == null);
                    }
                    if (bar != null) {
                        bar.step();
                    }
                }
            }
            if (!json) {
                for (Family family : Family.values()) {
                    out.printf(
                            Locale.ROOT, "%s: %s%n", family.name().toLowerCase(Locale.ROOT), family.signConvention());
                }
            }
            out.flush();
        }
        return 0;
    }

    private static ProgressBar progressBar(int texts) {
        return new ProgressBarBuilder()
                .setTaskName("score")
                .setInitialMax(texts)
                .setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .build();
    }

    private static void printText(PrintStream out, int index, TextAnalysis analysis, boolean withTokens) {
        out.printf(
                Locale.ROOT,
                "text %d: %d tokens scored%n",
                index,
                analysis.tokens().size());
        for (MethodScore score : analysis.scores()) {
            out.printf(
                    Locale.ROOT,
                    "  %-22s %12.6f   %s%n",
                    score.method(),
                    score.score(),
                    score.family().name().toLowerCase(Locale.ROOT));
        }
        if (withTokens) {
            out.println("  token          logprob  rank  entropy");
            for (TokenRecord record : analysis.tokens()) {
                out.printf(
                        Locale.ROOT,
                        "  %-14s %7.3f %5d %8.3f%n",
                        "'" + record.piece().replace("\n", "\\n") + "'",
                        record.logProb(),
                        record.rank(),
                        record.entropy());
            }
        }
    }
}
