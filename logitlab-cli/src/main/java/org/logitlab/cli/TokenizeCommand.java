package org.logitlab.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import org.logitlab.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "tokenize",
        mixinStandardHelpOptions = true,
        description = {
            "Tokenize text like llama.cpp's llama-tokenize.",
            "BOS/EOS follow the model's add_bos/add_eos flags unless --no-bos; text spelling a special token"
                    + " (e.g. <s>) becomes that control token unless --no-parse-special."
        })
final class TokenizeCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Option(
            names = {"--text"},
            required = true,
            paramLabel = "TEXT",
            description = "Text to tokenize.")
    String text;

    @Option(names = "--no-bos", description = "Do not add BOS/EOS even if the model's metadata asks for them.")
    boolean noBos;

    @Option(names = "--no-parse-special", description = "Treat special-token text (e.g. <s>) as plain text.")
    boolean noParseSpecial;

    @Option(names = "--json", description = "Print {\"ids\":[...],\"pieces\":[...]}.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Tokenizer tokenizer = modelOptions.loadTokenizer();
        int[] ids = tokenizer.encode(text, !noBos, !noParseSpecial);
        if (json) {
            ObjectNode out = JsonOutput.object();
            ArrayNode idArray = out.putArray("ids");
            ArrayNode pieces = out.putArray("pieces");
            for (int id : ids) {
                idArray.add(id);
                pieces.add(TokenText.display(tokenizer, id));
            }
            System.out.println(JsonOutput.line(out));
        } else {
            for (int id : ids) {
                System.out.printf("%6d -> '%s'%n", id, TokenText.display(tokenizer, id));
            }
        }
        return 0;
    }
}
