package org.logitlab.constraint;

import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;

/**
 * Ad-hoc timing of one mask computation (not a unit test: timing on shared machines is noise for CI). Run with the
 * test classpath and -Dlogitlab.shared=... ; prints microseconds per mask for typical JSON Schema states.
 */
public final class MaskBenchmark {

    private MaskBenchmark() {}

    private static int singleByteToken(TokenVocabulary vocabulary, byte b) {
        for (int token = 0; token < vocabulary.size(); token++) {
            byte[] bytes = vocabulary.bytes(token);
            if (bytes.length == 1 && bytes[0] == b) {
                return token;
            }
        }
        throw new IllegalArgumentException("no single-byte token for byte " + (b & 0xFF));
    }

    public static void main(String[] arguments) {
        String schema = """
                {"type": "object", "properties": {
                  "name": {"type": "string"}, "age": {"type": "integer"}, "email": {"type": "string"},
                  "tags": {"type": "array", "items": {"type": "string"}},
                  "address": {"type": "object", "properties": {"city": {"type": "string"}, "zip": {"type": "string"}}}},
                 "required": ["name", "age", "tags"]}""";
        List<String> prefixes = List.of(
                "",
                "{",
                "{\"na",
                "{\"name\": \"Jo",
                "{\"name\": \"Jo\", \"age\": 4",
                "{\"name\": \"Jo\", \"age\": 42, \"tags\": [",
                "{\"name\": \"Jo\", \"age\": 42, \"tags\": [\"a\", \"b");
        for (String name : List.of("llama-spm (32000)", "gpt-2 (50257)")) {
            TokenVocabulary vocabulary =
                    name.startsWith("llama") ? TestVocabularies.llamaSpm() : TestVocabularies.gpt2();
            long buildStart = System.nanoTime();
            Constraint fresh = Constraints.jsonSchema(schema, vocabulary);
            System.out.printf("%s: compile + trie %.1f ms%n", name, (System.nanoTime() - buildStart) / 1e6);
            for (String prefix : prefixes) {
                Constraint constraint = fresh.copy();
                for (byte b : prefix.getBytes(StandardCharsets.UTF_8)) {
                    constraint.accept(singleByteToken(vocabulary, b));
                }
                BitSet allowed = new BitSet();
                long coldStart = System.nanoTime();
                constraint.allowedTokens(allowed);
                long cold = System.nanoTime() - coldStart;
                int repetitions = 2000;
                long start = System.nanoTime();
                for (int i = 0; i < repetitions; i++) {
                    constraint.allowedTokens(allowed);
                }
                double cached = (System.nanoTime() - start) / 1e3 / repetitions;
                GrammarConstraint grammarConstraint = (GrammarConstraint) constraint;
                MatcherState state = grammarConstraint.currentState();
                start = System.nanoTime();
                for (int i = 0; i < repetitions; i++) {
                    grammarConstraint.computeMask(state);
                }
                double walk = (System.nanoTime() - start) / 1e3 / repetitions;
                System.out.printf(
                        "  %-48s allowed %6d  first %8.1f us  trie walk %7.1f us  cached %5.1f us%n",
                        "'" + prefix + "'", allowed.cardinality(), cold / 1e3, walk, cached);
            }
        }
    }
}
