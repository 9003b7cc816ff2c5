package org.logitlab.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.logitlab.distribution.Distribution;
import org.logitlab.gguf.GgufTensor;
import org.logitlab.model.Model;
import org.logitlab.session.Logits;
import org.logitlab.session.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Measure prompt processing (pp) and generation (tg) speed like llama-bench's pp512/tg128,",
            "plus the machine's memory read bandwidth and decode speed as a fraction of its limit.",
            "--json prints llama-bench's JSON shape (an array, one object per test) for side-by-side comparison."
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

    @Option(names = "--json", description = "Print llama-bench-style JSON.")
    boolean json;

    private record Result(int prompt, int generated, List<Double> seconds) {
        int tokens() {
            return prompt + generated;
        }

        double[] tokensPerSecond() {
            return seconds.stream().mapToDouble(s -> tokens() / s).toArray();
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
                results.add(run(model, promptTokens, 0));
            }
            if (generateTokens > 0) {
                results.add(run(model, 0, generateTokens));
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
                    String test = result.prompt() > 0 ? "pp" + result.prompt() : "tg" + result.generated();
                    System.out.printf("%-8s %10.2f ± %.2f tokens/s%n", test, mean(rates), stddev(rates));
                    if (result.generated() > 0 && bandwidth > 0) {
                        double limit = bandwidth / weightBytes;
                        System.out.printf(
                                "         %.1f%% of the bandwidth limit (%.1f GB/s / %.1f MiB per token = %.1f tokens/s)%n",
                                100 * mean(rates) / limit, bandwidth / 1e9, weightBytes / 1048576.0, limit);
                    }
                }
                if (bandwidth > 0) {
                    System.out.printf("memory read bandwidth: %.2f GB/s (%d threads)%n", bandwidth / 1e9, threads);
                }
            }
            return checksum == Long.MIN_VALUE ? 1 : 0;
        }
    }

    private Result run(Model model, int prompt, int generated) {
        SplittableRandom random = new SplittableRandom(1234);
        int vocabulary = model.config().vocabularySize();
        List<Double> seconds = new ArrayList<>();
        for (int repetition = -1; repetition < repetitions; repetition++) {
            Session session = model.newSession(Math.max(prompt, generated + 1));
            long start;
            if (prompt > 0) {
                int[] tokens = random.ints(prompt, 0, vocabulary).toArray();
                start = System.nanoTime();
                session.append(tokens, false);
            } else {
                session.append(new int[] {random.nextInt(vocabulary)}, false);
                start = System.nanoTime();
                for (int i = 0; i < generated; i++) {
                    Logits logits = session.append(new int[] {random.nextInt(vocabulary)}, false);
                    if (topLogprobs > 0) {
                        // the same work a client asking for top-N log-probs causes: softmax + partial top-N
                        Distribution next = Distribution.of(logits.data(), logits.lastOffset(), vocabulary);
                        checksum += next.topK(topLogprobs).get(0).id();
                    }
                }
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            if (repetition >= 0) {
                seconds.add(elapsed);
            }
            System.err.printf(
                    "bench: %s repetition %d/%d: %.3f s%n",
                    prompt > 0 ? "pp" + prompt : "tg" + generated, repetition + 1, repetitions, elapsed);
        }
        return new Result(prompt, generated, seconds);
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
