package org.logitlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Runs the CLI in-process, capturing stdout/stderr. */
class CommandLineTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SHARED = Path.of(System.getProperty("logitlab.shared", "../../shared"));

    record Run(int exitCode, String out, String err) {}

    static synchronized Run run(String... args) {
        PrintStream originalOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            CommandLine commandLine = Main.commandLine();
            commandLine.setErr(new PrintWriter(err, true));
            int code = commandLine.execute(args);
            System.out.flush();
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(originalOut);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"generate", "logprobs", "tokenize", "inspect", "synth", "bench"})
    void everyCommandHasHelp(String command) {
        Run run = run(command, "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: logitlab " + command);
    }

    @Test
    void benchComparesScoringWithPrefillAndConstrainedWithUnconstrainedSampling() throws Exception {
        Run run = run(
                "bench",
                "-p",
                "16",
                "-n",
                "8",
                "-r",
                "2",
                "--bandwidth-mib",
                "0",
                "--score",
                "--regex",
                "[a-z ]+",
                "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode tests = JSON.readTree(run.out());
        List<String> names = new java.util.ArrayList<>();
        tests.forEach(test -> names.add(test.get("test").asText()));
        assertThat(names)
                .containsExactly("pp16", "tg8", "pp16 all logits", "score16", "tg8 sampled", "tg8 constrained");
        for (JsonNode test : tests) {
            assertThat(test.get("samples_ts")).hasSize(2);
            test.get("samples_ts").forEach(rate -> assertThat(rate.asDouble()).isPositive());
        }
        Run text = run("bench", "-p", "16", "-n", "0", "-r", "1", "--bandwidth-mib", "0", "--score");
        assertThat(text.out()).contains("score16 / pp16 all logits: median ");
        Run bad = run("bench", "-p", "0", "-n", "0", "--score");
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.err()).contains("--prompt-tokens");
    }

    @Test
    void tokenizeMatchesLlamaTokenizeIncludingSpecialTokens() throws Exception {
        Run run = run("tokenize", "--text", "Once upon a time <s>", "--json");
        JsonNode json = JSON.readTree(run.out());
        assertThat(json.get("ids").toString()).isEqualTo("[1,403,407,261,378,410,1]");
        Run plain = run("tokenize", "--text", "Once <s>", "--json", "--no-bos", "--no-parse-special");
        assertThat(JSON.readTree(plain.out()).get("ids").get(0).asInt()).isEqualTo(403);
        assertThat(plain.out()).doesNotContain("\"ids\":[1");
    }

    @Test
    void logprobsPrintsOneLinePerPositionWithNormalisedDistributions() throws Exception {
        Run run = run("logprobs", "--prompt", "Once upon a time", "--top-k", "0", "--generate", "3", "--json");
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(5 + 3);
        for (int i = 0; i < lines.size(); i++) {
            JsonNode line = JSON.readTree(lines.get(i));
            assertThat(line.get("position").asInt()).isEqualTo(i);
            JsonNode top = line.get("next").get("top");
            assertThat(top).hasSize(512);
            double mass = 0;
            for (JsonNode entry : top) {
                mass += Math.exp(entry.get("logprob").asDouble());
            }
            assertThat(mass).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        }
        assertThat(JSON.readTree(lines.get(5)).get("token").asInt())
                .as("first greedy token after the prompt")
                .isEqualTo(432);
    }

    @Test
    void generateJsonIsReproducibleWithASeed() throws Exception {
        Run first = run("generate", "--prompt", "Lily", "-n", "20", "--seed", "5", "--json");
        Run second = run("generate", "--prompt", "Lily", "-n", "20", "--seed", "5", "--json");
        assertThat(first.exitCode()).isZero();
        assertThat(JSON.readTree(first.out()).get("ids"))
                .isEqualTo(JSON.readTree(second.out()).get("ids"));
        assertThat(JSON.readTree(first.out()).get("text").asText()).isNotBlank();
    }

    /** Issue "Grammar constraints compose with speculation": --spec with a constraint prints plain constrained output. */
    @ParameterizedTest
    @ValueSource(strings = {"lookup", "recycle", "draft", "tree", "multi"})
    void speculativeGenerationUnderAConstraintPrintsThePlainConstrainedOutput(String mode) throws Exception {
        String draftModel = SHARED.resolve("models/stories260K/quantized/stories260K-f16.gguf")
                .toString();
        List<String[]> constraints = List.of(
                new String[] {"--regex", "(Lily|Tom) (had|saw) a (red|big) (ball|dog)\\. (She|He) was [a-z]{2,9}\\."},
                new String[] {
                    "--json-schema",
                    "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":8},"
                            + "\"age\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":9}},"
                            + "\"required\":[\"name\",\"age\"]}"
                });
        for (String[] constraint : constraints) {
            List<String> plainArguments = List.of(
                    "generate",
                    "--prompt",
                    "Lily had a red ball.",
                    "--temp",
                    "0",
                    "-n",
                    "80",
                    "--json",
                    "--logprobs",
                    "2",
                    constraint[0],
                    constraint[1]);
            Run plain = run(plainArguments.toArray(String[]::new));
            List<String> speculativeArguments = new java.util.ArrayList<>(plainArguments);
            speculativeArguments.addAll(List.of("--spec", mode, "--draft-model", draftModel));
            Run speculative = run(speculativeArguments.toArray(String[]::new));
            assertThat(speculative.exitCode())
                    .as("%s %s: %s", mode, constraint[0], speculative.err())
                    .isZero();
            assertThat(plain.exitCode()).as(plain.err()).isZero();
            JsonNode expected = JSON.readTree(plain.out());
            JsonNode actual = JSON.readTree(speculative.out());
            assertThat(actual.get("ids")).as("%s %s", mode, constraint[0]).isEqualTo(expected.get("ids"));
            assertThat(actual.get("logprobs")).isEqualTo(expected.get("logprobs"));
            assertThat(actual.get("text")).isEqualTo(expected.get("text"));
            assertThat(actual.get("finish_reason").asText()).isEqualTo("stop");
            assertThat(actual.get("speculative").get("mode").asText()).isEqualTo(mode);
        }
    }

    /** Self-speculation: the embedded model drafts with its own first layers, and the output is plain decoding's. */
    @Test
    void draftLayersDraftWithTheTargetCutShort() throws Exception {
        List<String> plainArguments =
                List.of("generate", "--prompt", "Lily had a red ball.", "--temp", "0", "-n", "40", "--json");
        Run plain = run(plainArguments.toArray(String[]::new));
        List<String> speculativeArguments = new java.util.ArrayList<>(plainArguments);
        speculativeArguments.addAll(List.of("--spec", "draft", "--draft-layers", "3"));
        Run speculative = run(speculativeArguments.toArray(String[]::new));
        assertThat(speculative.exitCode()).as(speculative.err()).isZero();
        JsonNode actual = JSON.readTree(speculative.out());
        assertThat(actual.get("ids")).isEqualTo(JSON.readTree(plain.out()).get("ids"));
        assertThat(actual.get("speculative").get("target_forward_passes").asInt())
                .isLessThan(40);
        Run both = run("generate", "-n", "1", "--spec", "draft", "--draft-layers", "2", "--draft-model", "x.gguf");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("--draft-model or --draft-layers");
        Run tooMany = run("generate", "-n", "1", "--spec", "draft", "--draft-layers", "99");
        assertThat(tooMany.exitCode()).isEqualTo(2);
        assertThat(tooMany.err()).contains("got 99");
    }

    @Test
    void badInputGivesOneLineErrorsNamingTheThing() {
        Run missing = run("inspect", "--model", "/no/such/model.gguf");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("/no/such/model.gguf");
        Run badTopP = run("generate", "--top-p", "1.5", "-n", "1");
        assertThat(badTopP.exitCode()).isEqualTo(2);
        assertThat(badTopP.err()).contains("top_p").contains("1.5");
        Run badGrammar = run("generate", "--grammar", "root ::= (", "-n", "1");
        assertThat(badGrammar.exitCode()).isEqualTo(2);
        assertThat(badGrammar.err()).contains("line 1");
        Run legacy = run(
                "inspect",
                "--model",
                SHARED.resolve("models/TinyLLama-v0/TinyLLama-v0.ggmlv3.q4_0.bin")
                        .toString());
        assertThat(legacy.err()).contains("ggjt");
    }

    /** One declaration of the speculative flags: generate's and serve's help show the same lines for them. */
    @Test
    void generateAndServeShareTheSpeculativeFlags() {
        List<String> generate = speculativeHelp(run("generate", "--help").out());
        List<String> serve = speculativeHelp(run("serve", "--help").out());
        assertThat(generate)
                .anyMatch(line -> line.contains("--draft-tree-nodes=N") && line.contains("(default: 24)"))
                .anyMatch(line -> line.contains("--draft-p-min=P"))
                .hasSizeGreaterThanOrEqualTo(9);
        assertThat(serve).isEqualTo(generate);
    }

    /** The help lines of the speculative options (each option's line and its wrapped description). */
    private static List<String> speculativeHelp(String help) {
        List<String> lines = List.of(help.split("\n"));
        List<String> speculative = new java.util.ArrayList<>();
        boolean inside = false;
        for (String line : lines) {
            if (line.matches(" {0,8}-.*")) { // an option's first line; its wrapped description is indented further
                inside = line.strip()
                        .matches(
                                "--(spec|draft-model|draft-layers|draft-max|draft-min|draft-p-min|draft-tree-nodes|drafts"
                                        + "|lookup-ngram)=.*");
            }
            if (inside) {
                speculative.add(line);
            }
        }
        return speculative;
    }

    @Test
    void serveRefusesBadSpeculativeFlagsBeforeStarting() {
        Run tree = run("serve", "--spec", "tree", "--port", "0");
        assertThat(tree.exitCode()).isEqualTo(2);
        assertThat(tree.err()).contains("--spec tree needs --draft-model FILE");
        Run treeNodes = run("serve", "--spec", "lookup", "--draft-tree-nodes", "0", "--port", "0");
        assertThat(treeNodes.exitCode()).isEqualTo(2);
        assertThat(treeNodes.err()).contains("--draft-tree-nodes").contains("got 0");
        Run drafts = run("serve", "--spec", "lookup", "--drafts", "65", "--port", "0");
        assertThat(drafts.exitCode()).isEqualTo(2);
        assertThat(drafts.err()).contains("--drafts").contains("got 65");
        Run draftMax = run("serve", "--spec", "lookup", "--draft-max", "0", "--port", "0");
        assertThat(draftMax.exitCode()).isEqualTo(2);
        assertThat(draftMax.err()).contains("--draft-max").contains("got 0");
        Run noDraftModel = run("serve", "--spec", "draft", "--port", "0");
        assertThat(noDraftModel.exitCode()).isEqualTo(2);
        assertThat(noDraftModel.err()).contains("--spec draft needs --draft-model FILE");
        Run pMin = run("serve", "--spec", "recycle", "--draft-p-min", "2", "--port", "0");
        assertThat(pMin.exitCode()).isEqualTo(2);
        assertThat(pMin.err()).contains("--draft-p-min").contains("got 2.0");
        Run help = run("serve", "--help");
        assertThat(help.out())
                .contains(
                        "--spec=MODE", "--draft-model=FILE", "--lookup-ngram=N", "--draft-tree-nodes=N", "--drafts=K");
    }

    @Test
    void inspectReportsHyperParametersFromMetadata() throws Exception {
        Run run = run(
                "inspect",
                "--model",
                SHARED.resolve("models/synthetic/synth-qwen2-tiny-q4_k.gguf").toString(),
                "--json");
        JsonNode json = JSON.readTree(run.out());
        assertThat(json.get("architecture").asText()).isEqualTo("qwen2");
        assertThat(json.get("hyper_parameters").get("head_count_kv").asInt()).isEqualTo(2);
        assertThat(json.get("hyper_parameters").get("rope_style").asText()).isEqualTo("neox");
        assertThat(json.get("tensor_types").get("Q4_K").asInt()).isPositive();
    }
}
