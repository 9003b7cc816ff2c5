package org.logitlab.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.logitlab.analysis.scoring.ScoringOptions;
import org.logitlab.analysis.scoring.TextScorer;
import org.logitlab.constraint.Constraint;
import org.logitlab.distribution.Distribution;
import org.logitlab.generation.Generator;
import org.logitlab.gguf.GgufTensor;
import org.logitlab.model.Model;
import org.logitlab.sampling.SamplerChain;
import org.logitlab.sampling.SamplerChains;
import org.logitlab.sampling.SamplerSettings;
import org.logitlab.session.Logits;
import org.logitlab.session.Session;
import org.logitlab.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Measure prompt processing (pp) and generation (tg) speed like llama-bench's pp512/tg128,",
            "plus the machine's memory read bandwidth and decode speed as a fraction of its limit.",
            "--json prints llama-bench's JSON shape (an array, one object per test) for side-by-side comparison.",
            "With --grammar, --grammar-file, --json-schema or --regex: also seeded sampled generation (llama.cpp's",
            "default chain) without and with that constraint, alternating per repetition, and the median ratio."
        })
final class BenchCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Mixin
    ThreadOptions threadOptions;

    @Option(
            names = {"-p", "--prompt-tokens"},
            defaultValue = "512",
            description = "Prompt length of the pp test; 0 skips it (default: ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(
            names = {"-n", "--gen-tokens"},
            defaultValue = "128",
            description = "Tokens of the tg test; 0 skips it (default: ${DEFAULT-VALUE}).")
    int generateTokens;

    @Option(
            names = {"-r", "--repetitions"},
            defaultValue = "5",
            description = "Timed repetitions per test, after one warm-up (default: ${DEFAULT-VALUE}).")
    int repetitions;

    @Option(
            names = "--top-logprobs",
            defaultValue = "0",
            description =
                    "Also compute the top-N log-probs of every generated token (measures their cost; default: off).")
    int topLogprobs;

    @Option(
            names = "--bandwidth-mib",
            defaultValue = "1024",
            description = "Buffer for the bandwidth measurement in MiB; 0 skips it (default: ${DEFAULT-VALUE}).")
    int bandwidthMebibytes;

    @Option(
            names = "--score",
            description = {
                "Also time TextScorer (the one scoring pass of `score`: records and statistics at every position) on"
                        + " the pp prompt, against prefill with logits at every position (the same forward pass)."
            })
    boolean score;

    @Mixin
    ConstraintOptions constraintOptions;

    @Option(names = "--json", description = "Print llama-bench-style JSON.")
    boolean json;

    /**
     * One test's repetitions.
     *
     * @param name the test's label (pp512, tg128, ...)
     * @param tokens tokens processed in each repetition (constrained generations may stop early)
     */
    private record Result(String name, int prompt, int generated, List<Double> seconds, List<Integer> tokens) {
        double[] tokensPerSecond() {
            return IntStream.range(0, seconds.size())
                    .mapToDouble(i -> tokens.get(i) / seconds.get(i))
                    .toArray();
        }
    }

    /** Keeps the top-N results observable so the JIT cannot drop their computation. */
    private long checksum;

    @Override
    public Integer call() throws Exception {
        CliValidation.requireAtLeast("--prompt-tokens", promptTokens, 0);
        CliValidation.requireAtLeast("--gen-tokens", generateTokens, 0);
        CliValidation.requireAtLeast("--repetitions", repetitions, 1);
        CliValidation.requireAtLeast("--top-logprobs", topLogprobs, 0);
        int threads = threadOptions.apply();
        try (Model model = modelOptions.load()) {
            int needed = Math.max(promptTokens, generateTokens + 1);
            if (needed > model.config().contextLength()) {
                throw new IllegalArgumentException("the test needs " + needed + " positions but the model's context is "
                        + model.config().contextLength());
            }
            long weightBytes = model.file().tensors().values().stream()
                    .mapToLong(t -> t.data().byteSize())
                    .sum();
            long parameters = model.file().tensors().values().stream()
                    .mapToLong(GgufTensor::elementCount)
                    .sum();
            List<Result> results = new ArrayList<>();
            if (promptTokens > 0) {
                results.addAll(repeat(List.of(run(model, promptTokens, 0))));
            }
            if (generateTokens > 0) {
                results.addAll(repeat(List.of(run(model, 0, generateTokens))));
            }
            if (score) {
                CliValidation.requireAtLeast("--prompt-tokens (with --score)", promptTokens, 2);
                results.addAll(repeat(List.of(prefillAllPositions(model), score(model))));
            }
            Constraint constraint = constraintOptions.build(model.tokenizer());
            if (constraint != null) {
                CliValidation.requireAtLeast("--gen-tokens (with a constraint)", generateTokens, 1);
                results.addAll(repeat(List.of(sample(model, null), sample(model, constraint))));
            }
            double bandwidth =
                    bandwidthMebibytes > 0 ? MemoryBandwidth.measure((long) bandwidthMebibytes << 20, threads, 5) : 0;
            String modelType = model.config().architecture().ggufName() + " " + dominantType(model);
            if (json) {
                ArrayNode array = JsonOutput.MAPPER.createArrayNode();
                for (Result result : results) {
                    double[] rates = result.tokensPerSecond();
                    ObjectNode test = array.addObject();
                    test.put("build_commit", "logitlab");
                    test.put("model_filename", model.source());
                    test.put("model_type", modelType);
                    test.put("model_size", weightBytes);
                    test.put("model_n_params", parameters);
                    test.put("n_threads", threads);
                    test.put("test", result.name());
                    test.put("n_prompt", result.prompt());
                    test.put("n_gen", result.generated());
                    test.put("top_logprobs", topLogprobs);
                    test.put("avg_ns", (long)
                            (mean(result.seconds().stream().mapToDouble(d -> d).toArray()) * 1e9));
                    test.put("stddev_ns", (long) (stddev(result.seconds().stream()
                                    .mapToDouble(d -> d)
                                    .toArray())
                            * 1e9));
                    test.put("avg_ts", mean(rates));
                    test.put("stddev_ts", stddev(rates));
                    ArrayNode samples = test.putArray("samples_ts");
                    for (double rate : rates) {
                        samples.add(rate);
                    }
                    if (bandwidth > 0) {
                        test.put("memory_bandwidth_bytes_per_s", bandwidth);
                        if (result.generated() > 0) {
                            test.put("bandwidth_fraction", mean(rates) * weightBytes / bandwidth);
                        }
                    }
                }
                System.out.println(JsonOutput.pretty(array));
            } else {
                System.out.printf(
                        "model: %s (%s, %.1f MiB, %,d parameters), threads: %d%n",
                        model.source(), modelType, weightBytes / 1048576.0, parameters, threads);
                for (Result result : results) {
                    double[] rates = result.tokensPerSecond();
                    System.out.printf("%-18s %10.2f ± %.2f tokens/s%n", result.name(), mean(rates), stddev(rates));
                    if (result.generated() > 0 && bandwidth > 0) {
                        double limit = bandwidth / weightBytes;
                        System.out.printf(
                                "         %.1f%% of the bandwidth limit (%.1f GB/s / %.1f MiB per token = %.1f tokens/s)%n",
                                100 * mean(rates) / limit, bandwidth / 1e9, weightBytes / 1048576.0, limit);
                    }
                }
                if (score) {
                    printRatio(results, "score" + promptTokens, "pp" + promptTokens + " all logits");
                    printRatio(results, "score" + promptTokens, "pp" + promptTokens);
                }
                if (constraint != null) {
                    printRatio(results, "tg" + generateTokens + " constrained", "tg" + generateTokens + " sampled");
                }
                if (bandwidth > 0) {
                    System.out.printf("memory read bandwidth: %.2f GB/s (%d threads)%n", bandwidth / 1e9, threads);
                }
            }
            return checksum == Long.MIN_VALUE ? 1 : 0;
        }
    }

    /** The per-repetition ratios of two interleaved tests' speeds: median and range. */
    private static void printRatio(List<Result> results, String numerator, String denominator) {
        double[] top = find(results, numerator).tokensPerSecond();
        double[] bottom = find(results, denominator).tokensPerSecond();
        double[] ratios = IntStream.range(0, top.length)
                .mapToDouble(i -> top[i] / bottom[i])
                .sorted()
                .toArray();
        System.out.printf(
                "%s / %s: median %.3f (per repetition %.3f–%.3f)%n",
                numerator, denominator, median(ratios), ratios[0], ratios[ratios.length - 1]);
    }

    private static Result find(List<Result> results, String name) {
        return results.stream()
                .filter(r -> r.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no test named " + name));
    }

    /** Random tokens of the pp test, the same for every test that uses them. */
    private int[] promptTokens(Model model) {
        return new SplittableRandom(1234)
                .ints(promptTokens, 0, model.config().vocabularySize())
                .toArray();
    }

    /** The forward pass a scoring pass runs: the pp prompt with logits at every position. */
    private Test prefillAllPositions(Model model) {
        int[] tokens = promptTokens(model);
        Session session = model.newSession(tokens.length);
        return new Test("pp" + tokens.length + " all logits", tokens.length, 0, () -> {
            session.truncate(0);
            long start = System.nanoTime();
            checksum += session.append(tokens, true).positions();
            return new Timed(tokens.length, System.nanoTime() - start);
        });
    }

    /** {@link TextScorer} over the pp prompt as one window: the forward pass plus every position's record. */
    private Test score(Model model) {
        int[] tokens = promptTokens(model);
        TextScorer scorer = new TextScorer(model, ScoringOptions.DEFAULT.withWindow(tokens.length, tokens.length));
        return new Test("score" + tokens.length, tokens.length, 0, () -> {
            long start = System.nanoTime();
            checksum += scorer.score("", tokens).records().size();
            return new Timed(tokens.length, System.nanoTime() - start);
        });
    }

    /**
     * Sampled generation with llama.cpp's default chain after BOS, with or without {@code constraint}: as many
     * seeded generations as it takes to produce the tg test's token count (constrained output may end early), timed
     * without the sessions' allocation.
     */
    private Test sample(Model model, Constraint constraint) {
        Tokenizer tokenizer = model.tokenizer();
        int[] bos = tokenizer.encode("", true, false);
        int[] start = bos.length > 0 ? bos : new int[] {0}; // a model without BOS starts from token 0
        int context = start.length + generateTokens;
        long[] seed = {0};
        String name = "tg" + generateTokens + (constraint == null ? " sampled" : " constrained");
        return new Test(name, 0, generateTokens, () -> {
            int produced = 0;
            long nanos = 0;
            while (produced < generateTokens) {
                Session session = model.newSession(context);
                SamplerChain chain = SamplerChains.create(
                        SamplerSettings.builder().seed(seed[0]++).build(),
                        model.config().vocabularySize(),
                        context);
                Generator generator =
                        new Generator(session, tokenizer, chain, constraint == null ? null : constraint.copy());
                long begin = System.nanoTime();
                produced += generator
                        .generate(start, generateTokens - produced, 0, token -> {})
                        .tokens()
                        .size();
                nanos += System.nanoTime() - begin;
            }
            return new Timed(produced, nanos);
        });
    }

    /** What one repetition did: tokens processed, and the time they took (set-up excluded). */
    private record Timed(int tokens, long nanos) {}

    private interface Repetition {
        Timed run();
    }

    /** A test: what one repetition does, and the token counts it reports. */
    private record Test(String name, int prompt, int generated, Repetition repetition) {}

    /**
     * One warm-up and {@code repetitions} timed runs of each test. Tests compared with each other are passed
     * together and run in turn within each repetition, so a slow spell of a shared machine hits both alike.
     */
    private List<Result> repeat(List<Test> tests) {
        List<List<Double>> seconds = new ArrayList<>();
        List<List<Integer>> tokens = new ArrayList<>();
        for (int t = 0; t < tests.size(); t++) {
            seconds.add(new ArrayList<>());
            tokens.add(new ArrayList<>());
        }
        for (int index = -1; index < repetitions; index++) {
            for (int t = 0; t < tests.size(); t++) {
                Test test = tests.get(t);
                Timed timed = test.repetition().run();
                double elapsed = timed.nanos() / 1e9;
                if (index >= 0) {
                    seconds.get(t).add(elapsed);
                    tokens.get(t).add(timed.tokens());
                }
                System.err.printf("bench: %s repetition %d/%d: %.3f s%n", test.name(), index + 1, repetitions, elapsed);
            }
        }
        List<Result> results = new ArrayList<>();
        for (int t = 0; t < tests.size(); t++) {
            Test test = tests.get(t);
            results.add(new Result(test.name(), test.prompt(), test.generated(), seconds.get(t), tokens.get(t)));
        }
        return results;
    }

    /** llama-bench's pp (prompt of random tokens, logits for the last position) or tg (one token at a time). */
    private Test run(Model model, int prompt, int generated) {
        SplittableRandom random = new SplittableRandom(1234);
        int vocabulary = model.config().vocabularySize();
        String name = prompt > 0 ? "pp" + prompt : "tg" + generated;
        return new Test(name, prompt, generated, () -> {
            Session session = model.newSession(Math.max(prompt, generated + 1));
            if (prompt > 0) {
                int[] tokens = random.ints(prompt, 0, vocabulary).toArray();
                long start = System.nanoTime();
                session.append(tokens, false);
                return new Timed(prompt, System.nanoTime() - start);
            }
            session.append(new int[] {random.nextInt(vocabulary)}, false);
            long start = System.nanoTime();
            for (int i = 0; i < generated; i++) {
                Logits logits = session.append(new int[] {random.nextInt(vocabulary)}, false);
                if (topLogprobs > 0) {
                    // the same work a client asking for top-N log-probs causes: softmax + partial top-N
                    Distribution next = Distribution.of(logits.data(), logits.lastOffset(), vocabulary);
                    checksum += next.topK(topLogprobs).get(0).id();
                }
            }
            return new Timed(generated, System.nanoTime() - start);
        });
    }

    private static String dominantType(Model model) {
        return model.file().tensors().values().stream()
                .filter(t -> t.shape().length >= 2)
                .collect(java.util.stream.Collectors.groupingBy(
                        t -> t.type().name(),
                        java.util.stream.Collectors.summingLong(t -> t.data().byteSize())))
                .entrySet()
                .stream()
                .max(java.util.Map.Entry.comparingByValue())
                .map(java.util.Map.Entry::getKey)
                .orElse("?");
    }

    static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    static double stddev(double[] values) {
        if (values.length < 2) {
            return 0;
        }
        double mean = mean(values);
        double sum = 0;
        for (double v : values) {
            sum += (v - mean) * (v - mean);
        }
        return Math.sqrt(sum / (values.length - 1));
    }
}
