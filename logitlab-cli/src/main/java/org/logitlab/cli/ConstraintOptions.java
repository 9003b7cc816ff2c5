package org.logitlab.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.stream.Stream;
import org.logitlab.constraint.Constraint;
import org.logitlab.constraint.Constraints;
import org.logitlab.constraint.TokenVocabularies;
import org.logitlab.constraint.TokenVocabulary;
import org.logitlab.tokenizer.Tokenizer;
import picocli.CommandLine.Option;

/** Constrained decoding flags (llama.cpp's names): at most one of grammar, grammar file, JSON Schema, regex. */
final class ConstraintOptions {
    @Option(
            names = "--grammar",
            paramLabel = "GBNF",
            description = "A GBNF grammar (llama.cpp's format) the output must follow.")
    String grammar;

    @Option(names = "--grammar-file", paramLabel = "FILE", description = "Read the GBNF grammar from FILE.")
    Path grammarFile;

    @Option(
            names = {"-j", "--json-schema"},
            paramLabel = "SCHEMA",
            description = "A JSON Schema (text, or @FILE) the output must validate against.")
    String jsonSchema;

    @Option(
            names = "--regex",
            paramLabel = "PATTERN",
            description = "A regular expression the whole output must match.")
    String regex;

    /** The constraint the options describe, or null when none was given. */
    Constraint build(Tokenizer tokenizer) throws IOException {
        long given = Stream.of(grammar, grammarFile, jsonSchema, regex)
                .filter(Objects::nonNull)
                .count();
        if (given == 0) {
            return null;
        }
        if (given > 1) {
            throw new IllegalArgumentException("give at most one of --grammar, --grammar-file, --json-schema, --regex");
        }
        TokenVocabulary vocabulary = TokenVocabularies.of(tokenizer);
        if (grammar != null) {
            return Constraints.gbnf(grammar, vocabulary);
        }
        if (grammarFile != null) {
            return Constraints.gbnf(Files.readString(grammarFile), vocabulary);
        }
        if (jsonSchema != null) {
            String schema =
                    jsonSchema.startsWith("@") ? Files.readString(Path.of(jsonSchema.substring(1))) : jsonSchema;
            return Constraints.jsonSchema(schema, vocabulary);
        }
        return Constraints.regex(regex, vocabulary);
    }
}
