package org.logitlab.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.logitlab.analysis.membership.TokenFrequencies;
import org.logitlab.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "token-frequencies",
        mixinStandardHelpOptions = true,
        description = {
            "Count how often each token of the model's vocabulary occurs in a reference corpus and write the",
            "table DC-PDD calibrates by (score --method dc-pdd --frequencies FILE)."
        })
final class TokenFrequenciesCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Option(
            names = "--corpus",
            required = true,
            paramLabel = "FILE",
            description = "Corpus file(s): plain text (one text per line) or JSON Lines with \"text\" (*.jsonl).")
    List<Path> corpus;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the JSON table.")
    Path out;

    @Override
    public Integer call() throws Exception {
        try (Model model = modelOptions.load()) {
            List<String> texts = new ArrayList<>();
            for (Path file : corpus) {
                texts.addAll(AnalysisOptions.corpusTexts(file));
            }
            TokenFrequencies table = TokenFrequencies.fromTexts(model.tokenizer(), texts);
            table.write(out);
            System.err.printf(
                    "token-frequencies: %,d tokens from %,d texts over a vocabulary of %d -> %s%n",
                    table.total(), texts.size(), table.vocabularySize(), out);
        }
        return 0;
    }
}
