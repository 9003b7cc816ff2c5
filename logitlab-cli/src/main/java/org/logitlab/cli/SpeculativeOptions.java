package org.logitlab.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Consumer;
import org.logitlab.constraint.Constraint;
import org.logitlab.generation.GeneratedToken;
import org.logitlab.generation.GenerationResult;
import org.logitlab.generation.Generator;
import org.logitlab.model.Model;
import org.logitlab.sampling.SamplerChain;
import org.logitlab.server.DraftSource;
import org.logitlab.speculative.DraftLength;
import org.logitlab.speculative.DraftModelDrafter;
import org.logitlab.speculative.Drafter;
import org.logitlab.speculative.DrafterKind;
import org.logitlab.speculative.PromptLookupDrafter;
import org.logitlab.speculative.RecursiveRejectionVerifier;
import org.logitlab.speculative.SpeculativeGenerator;
import org.logitlab.speculative.SpeculativeSamplingVerifier;
import org.logitlab.speculative.SpeculativeStatistics;
import org.logitlab.speculative.TokenRecyclingDrafter;
import org.logitlab.speculative.Verifier;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code generate}'s speculative decoding: the flags it shares with {@code serve} ({@link
 * SpeculativeDecodingOptions}) and {@code --compare}. Without {@code --spec} generation is plain; with it the
 * output is the same (token for token at --temp 0, in distribution otherwise), also under --grammar,
 * --json-schema or --regex, and statistics go to stderr (and into --json).
 */
final class SpeculativeOptions {
    @Mixin
    SpeculativeDecodingOptions options;

    /** Timed plain/speculative pairs of {@code --compare}, after one untimed warm-up run of each. */
    static final int COMPARE_PAIRS = 3;

    @Option(
            names = "--compare",
            description = "Also time plain decoding: after one warm-up run of each, plain and speculative runs"
                    + " alternate (3 pairs) and the median speedup of the pairs is reported. Speeds are decode"
                    + " speeds, from the first generated token on (the prompt's prefill is excluded, as in"
                    + " llama.cpp's timings).")
    boolean compare;

    private SpeculativeStatistics statistics;
    /** Tokens/s of the (last) speculative run, or the median over --compare's pairs. */
    private double tokensPerSecond;
    /** Median plain tokens/s and per-pair speedup of --compare; NaN without it. */
    private double plainTokensPerSecond = Double.NaN;

    private double speedup = Double.NaN;

    boolean enabled() {
        return options.mode != null;
    }

    /**
     * Runs speculative generation; {@code freshChain} gives an independent chain with the same settings, and every
     * run gets its own copy of {@code constraint} (null = unconstrained) in its initial state.
     */
    GenerationResult generate(
            Model model,
            int context,
            java.util.function.Supplier<SamplerChain> freshChain,
            Constraint constraint,
            int[] prompt,
            int maxTokens,
            int logprobs,
            Consumer<GeneratedToken> onToken)
            throws IOException {
        String mode = options.mode;
        CliValidation.requireAtLeast("--lookup-ngram", options.lookupNgram, 1);
        CliValidation.requireAtLeast("--drafts", options.drafts, 1);
        DrafterKind kind =
                switch (mode) {
                    case "lookup" -> DrafterKind.PROMPT_LOOKUP;
                    case "recycle" -> DrafterKind.TOKEN_RECYCLING;
                    case "draft", "tree", "multi" -> DrafterKind.DRAFT_MODEL;
                    default ->
                        throw new IllegalArgumentException(
                                "--spec must be one of draft, tree, multi, lookup, recycle; got '" + mode + "'");
                };
        double pMin = options.draftPMin != null ? options.draftPMin : DraftLength.defaultPMin(kind);
        DraftLength length = new DraftLength(options.draftMax, options.draftMin, pMin, options.treeNodes);
        Model draft = null;
        if (kind == DrafterKind.DRAFT_MODEL) {
            DraftSource source = DraftSource.of(options.draftModel, options.draftLayers);
            if (source == null) {
                throw new IllegalArgumentException("--spec " + mode + " needs --draft-model FILE or --draft-layers N");
            }
            draft = source.open(model);
        }
        // With --compare: run 0 warms up both paths untimed, then plain and speculative alternate, so a slow spell
        // of the machine or the JIT's progress hits both alike; speeds use each run's own token count (at T > 0
        // plain and speculative runs may stop at different lengths) and, like llama.cpp's "decoded N tokens"
        // timings, start at the first generated token: the prompt's prefill is the same in both and is not
        // what speculation speeds up.
        int runs = compare ? 1 + COMPARE_PAIRS : 1;
        double[] plainRates = new double[runs];
        double[] rates = new double[runs];
        GenerationResult result = null;
        for (int run = 0; run < runs; run++) {
            if (compare) {
                DecodeClock clock = new DecodeClock(token -> {});
                GenerationResult plain = new Generator(
                                model.newSession(context), model.tokenizer(), freshChain.get(), copy(constraint))
                        .generate(prompt, maxTokens, logprobs, clock);
                plainRates[run] = clock.tokensPerSecond(plain.tokens().size());
            }
            SpeculativeGenerator generator = new SpeculativeGenerator(
                    model.newSession(context),
                    model.tokenizer(),
                    freshChain.get(),
                    drafter(model, draft, context, length),
                    verifier(),
                    length,
                    copy(constraint));
            boolean last = run == runs - 1;
            DecodeClock clock = new DecodeClock(last ? onToken : token -> {});
            result = generator.generate(prompt, maxTokens, logprobs, clock);
            rates[run] = clock.tokensPerSecond(result.tokens().size());
            statistics = generator.lastStatistics();
        }
        if (compare) {
            double[] ratios = new double[COMPARE_PAIRS];
            for (int pair = 0; pair < COMPARE_PAIRS; pair++) {
                ratios[pair] = rates[pair + 1] / plainRates[pair + 1];
            }
            speedup = BenchCommand.median(ratios);
            plainTokensPerSecond = BenchCommand.median(java.util.Arrays.copyOfRange(plainRates, 1, runs));
            tokensPerSecond = BenchCommand.median(java.util.Arrays.copyOfRange(rates, 1, runs));
        } else {
            tokensPerSecond = rates[0];
        }
        return result;
    }

    /**
     * Passes tokens on and times decoding: from the first generated token (the prompt's prefill and the first
     * sample are behind it) to the last.
     */
    private static final class DecodeClock implements Consumer<GeneratedToken> {
        private final Consumer<GeneratedToken> next;
        private long first;
        private long last;

        DecodeClock(Consumer<GeneratedToken> next) {
            this.next = next;
        }

        @Override
        public void accept(GeneratedToken token) {
            long now = System.nanoTime();
            if (first == 0) {
                first = now;
            }
            last = now;
            next.accept(token);
        }

        /** Tokens after the first per second of decoding; NaN with fewer than two tokens. */
        double tokensPerSecond(int tokens) {
            return tokens < 2 || last == first ? Double.NaN : (tokens - 1) / ((last - first) / 1e9);
        }
    }

    private static Constraint copy(Constraint constraint) {
        return constraint == null ? null : constraint.copy();
    }

    private Drafter drafter(Model model, Model draft, int context, DraftLength length) {
        int drafts = options.drafts;
        return switch (options.mode) {
            case "lookup" -> new PromptLookupDrafter(options.lookupNgram, 1);
            case "recycle" -> TokenRecyclingDrafter.withDefaults(model.config().vocabularySize());
            case "draft" -> new DraftModelDrafter(model, draft, context, DraftModelDrafter.Shape.CHAIN, length, drafts);
            case "tree" -> new DraftModelDrafter(model, draft, context, DraftModelDrafter.Shape.TREE, length, drafts);
            default -> new DraftModelDrafter(model, draft, context, DraftModelDrafter.Shape.MULTI, length, drafts);
        };
    }

    private Verifier verifier() {
        return options.mode.equals("lookup") || options.mode.equals("draft")
                ? new SpeculativeSamplingVerifier()
                : new RecursiveRejectionVerifier();
    }

    void report(PrintStream err) {
        err.println(String.format(
                Locale.ROOT,
                "spec %s: acceptance %.3f, mean accepted length %.2f, %d target forward passes for %d tokens (%.2f tokens/pass),"
                        + " decoding %.1f tokens/s%s",
                options.mode,
                statistics.acceptanceRate(),
                statistics.meanAcceptedLength(),
                statistics.targetForwardPasses(),
                statistics.generatedTokens(),
                statistics.tokensPerTargetPass(),
                tokensPerSecond,
                Double.isNaN(speedup)
                        ? ""
                        : String.format(
                                Locale.ROOT,
                                "; plain %.1f tokens/s, speedup %.2fx (medians of %d alternating pairs)",
                                plainTokensPerSecond,
                                speedup,
                                COMPARE_PAIRS)));
    }

    void addJson(ObjectNode root) {
        ObjectNode node = root.putObject("speculative");
        node.put("mode", options.mode);
        node.put("drafted_tokens", statistics.draftedTokens());
        node.put("accepted_tokens", statistics.acceptedTokens());
        node.put("acceptance_rate", statistics.acceptanceRate());
        node.put("mean_accepted_length", statistics.meanAcceptedLength());
        node.put("target_forward_passes", statistics.targetForwardPasses());
        node.put("tokens_per_second", tokensPerSecond);
        if (!Double.isNaN(speedup)) {
            node.put("plain_tokens_per_second", plainTokensPerSecond);
            node.put("speedup", speedup);
        }
    }
}
