package org.logitlab.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import org.logitlab.distribution.Distribution;
import org.logitlab.distribution.TokenLogProb;
import org.logitlab.model.Model;
import org.logitlab.session.Logits;
import org.logitlab.session.Session;
import org.logitlab.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "logprobs",
        mixinStandardHelpOptions = true,
        description = {
            "Print the model's next-token distribution at every position of the prompt (one batched pass),",
            "then at each of --generate greedily generated tokens. Raw model log-probs: log-softmax of the"
                    + " logits, no sampler applied."
        })
final class LogprobsCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Option(
            names = {"-p", "--prompt"},
            required = true,
            paramLabel = "TEXT",
            description = "Prompt text.")
    String prompt;

    @Option(names = "--no-bos", description = "Do not add BOS even if the model's metadata asks for it.")
    boolean noBos;

    @Option(
            names = "--top-k",
            defaultValue = "5",
            paramLabel = "K",
            description = "Alternatives per position (default: ${DEFAULT-VALUE}; 0 = the whole vocabulary).")
    int topK;

    @Option(
            names = "--generate",
            defaultValue = "0",
            paramLabel = "N",
            description = "Greedy tokens to generate after the prompt (default: ${DEFAULT-VALUE}).")
    int generate;

    @Option(names = "--json", description = "JSON Lines: one object per position.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        CliValidation.requireAtLeast("--top-k", topK, 0);
        CliValidation.requireAtLeast("--generate", generate, 0);
        try (Model model = modelOptions.load()) {
            Tokenizer tokenizer = model.tokenizer();
            int[] tokens = tokenizer.encode(prompt, !noBos, false);
            if (tokens.length == 0) {
                throw new IllegalArgumentException("--prompt produced no tokens; give some text or drop --no-bos");
            }
            int context = Math.min(model.config().contextLength(), tokens.length + generate);
            Session session = model.newSession(context);
            Logits logits = session.append(tokens);
            PrintStream out = System.out;
            for (int i = 0; i < tokens.length; i++) {
                print(
                        out,
                        tokenizer,
                        i,
                        tokens[i],
                        Distribution.of(logits.data(), logits.offset(i), logits.vocabularySize()));
            }
            Distribution next = Distribution.of(logits.data(), logits.lastOffset(), logits.vocabularySize());
            for (int step = 0; step < generate; step++) {
                int token = next.argmax();
                if (tokenizer.isEndOfGeneration(token) || session.length() >= context) {
                    break;
                }
                Logits stepLogits = session.append(token);
                next = Distribution.of(stepLogits.data(), stepLogits.lastOffset(), stepLogits.vocabularySize());
                print(out, tokenizer, session.length() - 1, token, next);
            }
            out.flush();
            return 0;
        }
    }

    private void print(PrintStream out, Tokenizer tokenizer, int position, int token, Distribution next) {
        int k = topK == 0 ? next.size() : Math.min(topK, next.size());
        if (json) {
            ObjectNode line = JsonOutput.object();
            line.put("position", position);
            line.put("token", token);
            line.put("piece", TokenText.display(tokenizer, token));
            ObjectNode distribution = line.putObject("next");
            ArrayNode top = distribution.putArray("top");
            for (TokenLogProb entry : next.topK(k)) {
                top.addObject().put("id", entry.id()).put("logprob", entry.logProb());
            }
            distribution.put("entropy", next.entropy());
            distribution.put("logsumexp", next.logSumExp());
            out.println(JsonOutput.line(line));
            return;
        }
        StringBuilder text = new StringBuilder();
        text.append(String.format(
                "%4d %6d %-14s H=%.3f |", position, token, quote(TokenText.display(tokenizer, token)), next.entropy()));
        for (TokenLogProb entry : next.topK(Math.min(k, 5))) {
            text.append(String.format(" %s %.3f", quote(TokenText.display(tokenizer, entry.id())), entry.logProb()));
        }
        out.println(text);
    }

    private static String quote(String piece) {
        return "'" + piece.replace("\n", "\\n") + "'";
    }
}
