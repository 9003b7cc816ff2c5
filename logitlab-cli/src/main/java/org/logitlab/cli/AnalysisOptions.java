package org.logitlab.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.logitlab.analysis.evaluation.JsonlTexts;
import org.logitlab.analysis.membership.TokenFrequencies;
import org.logitlab.analysis.method.ScoringMethod;
import org.logitlab.analysis.method.ScoringMethods;
import org.logitlab.analysis.scoring.ScoringOptions;
import org.logitlab.model.Model;
import picocli.CommandLine.Option;

/** Options shared by {@code score} and {@code eval}: methods, their parameters, the reference model, windows. */
final class AnalysisOptions {
    @Option(
            names = "--method",
            split = ",",
            paramLabel = "M",
            description = {
                "Method(s), comma-separated (default: every method the inputs allow). One of:",
                "  uncertainty (higher = more uncertain): sequence-probability, perplexity, mean-entropy,"
                        + " geometric-mean-prob, arithmetic-mean-prob, mean-kurtosis",
                "  detection (higher = more likely machine-generated): log-likelihood, log-rank, entropy, lrr,"
                        + " fast-detectgpt, binoculars (needs --reference-model)",
                "  membership (higher = more likely training data): loss, zlib, min-k, min-k-plus-plus,"
                        + " dc-pdd (needs --frequencies or --frequency-corpus)"
            })
    List<String> methods;

    @Option(
            names = "--reference-model",
            paramLabel = "FILE",
            description = "Second GGUF model sharing the vocabulary: Fast-DetectGPT's sampling model,"
                    + " Binoculars' performer (the --model is the scoring model / observer).")
    Path referenceModel;

    @Option(
            names = "--window",
            defaultValue = "0",
            paramLabel = "N",
            description = "Tokens per forward pass (default: the model's context).")
    int window;

    @Option(
            names = "--stride",
            defaultValue = "0",
            paramLabel = "N",
            description = "Tokens each window advances by; every token is scored once, with at least"
                    + " window - stride tokens of context after the first window (default: half the window).")
    int stride;

    @Option(
            names = "--k",
            defaultValue = "0.2",
            paramLabel = "FRACTION",
            description = "Fraction of lowest tokens for min-k and min-k-plus-plus (default: ${DEFAULT-VALUE}).")
    double fraction;

    @Option(
            names = "--frequencies",
            paramLabel = "FILE",
            description = "Token frequency table for dc-pdd (written by 'logitlab token-frequencies').")
    Path frequencies;

    @Option(
            names = "--frequency-corpus",
            paramLabel = "FILE",
            description = "Build dc-pdd's token frequency table from this corpus (plain text, one text per line,"
                    + " or JSON Lines with a \"text\" field if the name ends in .jsonl).")
    Path frequencyCorpus;

    @Option(
            names = "--dc-pdd-cap",
            defaultValue = "0.01",
            paramLabel = "A",
            description = "DC-PDD's upper bound on each token's divergence (default: ${DEFAULT-VALUE}).")
    double cap;

    @Option(names = "--no-bos", description = "Do not add BOS even if the model's metadata asks for it.")
    boolean noBos;

    Model loadReference() throws IOException {
        return referenceModel == null ? null : Model.load(referenceModel);
    }

    ScoringOptions scoringOptions(int topAlternatives) {
        CliValidation.requireAtLeast("--window", window, 0);
        CliValidation.requireAtLeast("--stride", stride, 0);
        CliValidation.requireAtLeast("--top-k", topAlternatives, 0);
        if (window == 1) {
            throw new IllegalArgumentException("--window must be 0 (the model's context) or >= 2, got 1");
        }
        if (window > 0 && stride > window) {
            throw new IllegalArgumentException("--stride must be <= --window (" + window + "), got " + stride);
        }
        return new ScoringOptions(window, stride, topAlternatives, !noBos);
    }

    /** The requested methods, or every method the given inputs allow. */
    List<ScoringMethod> resolve(Model model, boolean hasReference) throws IOException {
        if (!(fraction > 0.0 && fraction <= 1.0)) {
            throw new IllegalArgumentException("--k must be in (0, 1], got " + fraction);
        }
        if (!(cap > 0.0) || Double.isInfinite(cap)) {
            throw new IllegalArgumentException("--dc-pdd-cap must be finite and > 0, got " + cap);
        }
        if (frequencies != null && frequencyCorpus != null) {
            throw new IllegalArgumentException("give --frequencies or --frequency-corpus, not both");
        }
        TokenFrequencies table = null;
        if (frequencies != null) {
            table = TokenFrequencies.read(frequencies);
        } else if (frequencyCorpus != null) {
            table = TokenFrequencies.fromTexts(model.tokenizer(), corpusTexts(frequencyCorpus));
        }
        if (table != null && table.vocabularySize() != model.config().vocabularySize()) {
            throw new IllegalArgumentException("the token frequency table covers " + table.vocabularySize()
                    + " tokens but the model's vocabulary has " + model.config().vocabularySize());
        }
        ScoringMethods.Parameters parameters = new ScoringMethods.Parameters(fraction, table, cap);
        if (methods == null || methods.isEmpty()) {
            List<ScoringMethod> all = new ArrayList<>();
            for (ScoringMethod method : ScoringMethods.all(parameters)) {
                if (!method.needsReference() || hasReference) {
                    all.add(method);
                }
            }
            return all;
        }
        List<ScoringMethod> chosen = new ArrayList<>();
        for (String name : methods) {
            ScoringMethod method;
            try {
                method = ScoringMethods.byName(name.strip(), parameters);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--method: " + e.getMessage(), e);
            }
            if (method.needsReference() && !hasReference) {
                throw new IllegalArgumentException("--method " + name + " needs --reference-model FILE");
            }
            chosen.add(method);
        }
        return chosen;
    }

    /** Texts of a corpus file: JSON Lines "text" fields for *.jsonl, else every non-blank line. */
    static List<String> corpusTexts(Path file) throws IOException {
        if (file.getFileName().toString().endsWith(".jsonl")) {
            return JsonlTexts.read(file);
        }
        try (var lines = Files.lines(file)) {
            return lines.filter(line -> !line.isBlank()).toList();
        }
    }
}
