package org.logitlab.speculative;

import java.util.ArrayList;
import java.util.List;
import org.logitlab.sampling.Candidates;
import org.logitlab.sampling.DistributionSampler;
import org.logitlab.sampling.GreedySampler;
import org.logitlab.sampling.Sampler;
import org.logitlab.sampling.SamplerChain;
import org.logitlab.sampling.XtcSampler;

/**
 * The distribution a {@link SamplerChain} samples from, without picking: every sampler of the chain but the
 * last applied to a logits row, as a dense probability vector. Speculative sampling must verify against
 * exactly this distribution (and shape the draft's q the same way) for its output to equal plain sampling
 * with the same chain (Leviathan et al. 2023, §2.3: the method applies to any transformed distribution).
 *
 * <p>Stateful shaping samplers (penalties, DRY) are supported: they see the accepted history, and {@link
 * #copy()} gives the state at a draft position by accepting the drafted prefix into a copy. Refused: chains
 * ending in Mirostat (its truncation and its μ update depend on each pick, so there is no fixed distribution
 * to verify against) and XTC (it draws its own coin inside every apply, so one position has no single
 * distribution that both the verifier and the reported log-probs could share).
 */
public final class ChainShaping {
    private final int vocabularySize;
    private final List<Sampler> shapers;
    private final boolean greedy;
    private final Candidates candidates = new Candidates();
    private final GreedySampler greedyPicker = new GreedySampler();

    private ChainShaping(int vocabularySize, List<Sampler> shapers, boolean greedy) {
        this.vocabularySize = vocabularySize;
        this.shapers = shapers;
        this.greedy = greedy;
    }

    /** The shaping of {@code chain} with copies of its samplers' current state. */
    public static ChainShaping of(SamplerChain chain) {
        String unsupported = unsupportedReason(chain);
        if (unsupported != null) {
            throw new IllegalArgumentException(unsupported);
        }
        List<Sampler> samplers = chain.samplers();
        List<Sampler> shapers = new ArrayList<>(samplers.size() - 1);
        for (Sampler sampler : samplers.subList(0, samplers.size() - 1)) {
            shapers.add(sampler.copy());
        }
        return new ChainShaping(chain.vocabularySize(), shapers, samplers.getLast() instanceof GreedySampler);
    }

    /**
     * Why speculative decoding cannot verify against {@code chain} (see the class comment), or null when it can;
     * lets a caller fall back to plain decoding instead of failing.
     */
    public static String unsupportedReason(SamplerChain chain) {
        if (chain == null) {
            throw new IllegalArgumentException("chain must not be null");
        }
        List<Sampler> samplers = chain.samplers();
        Sampler picker = samplers.getLast();
        if (!(picker instanceof GreedySampler) && !(picker instanceof DistributionSampler)) {
            return "speculative decoding needs a chain ending in 'greedy' or 'dist', got '" + picker.name()
                    + "' (Mirostat's distribution depends on each pick; use --mirostat 0)";
        }
        for (Sampler sampler : samplers.subList(0, samplers.size() - 1)) {
            if (sampler instanceof XtcSampler xtc && xtc.isActive()) {
                return "speculative decoding does not support the sampler 'xtc' (it draws a random coin inside every"
                        + " apply); use --xtc-probability 0";
            }
        }
        return null;
    }

    /** A shaping over {@code vocabularySize} tokens that only normalises (temperature 1, nothing removed). */
    public static ChainShaping identity(int vocabularySize, boolean greedy) {
        return new ChainShaping(vocabularySize, List.of(), greedy);
    }

    public int vocabularySize() {
        return vocabularySize;
    }

    /** True when the chain ends in {@code greedy}: the target is then a point mass on the greedy pick. */
    public boolean greedy() {
        return greedy;
    }

    /** Tells every stateful shaper the emitted token (penalties, DRY). */
    public void accept(int token) {
        for (Sampler shaper : shapers) {
            shaper.accept(token);
        }
    }

    /** An independent shaping with the same history. */
    public ChainShaping copy() {
        List<Sampler> copies = new ArrayList<>(shapers.size());
        for (Sampler shaper : shapers) {
            copies.add(shaper.copy());
        }
        return new ChainShaping(vocabularySize, copies, greedy);
    }

    /** Applies the shapers to {@code logits[offset, offset + vocabularySize)}; a live view, valid until the next call. */
    public Candidates shape(float[] logits, int offset) {
        candidates.fill(logits, offset, vocabularySize);
        for (Sampler shaper : shapers) {
            shaper.apply(candidates);
        }
        return candidates;
    }

    /**
     * The greedy chain's pick among candidates {@link #shape} returned (the first highest logit, as {@link
     * GreedySampler}); the candidates stay valid for reporting log-probs.
     */
    public int greedyPick(Candidates shaped) {
        greedyPicker.apply(shaped);
        return shaped.selectedId();
    }

    /**
     * The distribution the chain would sample from at this row, dense over the vocabulary (0 for removed
     * tokens); a point mass on the greedy pick when the chain ends in {@code greedy}.
     */
    public double[] probabilities(float[] logits, int offset) {
        Candidates shaped = shape(logits, offset);
        double[] probabilities = new double[vocabularySize];
        if (greedy) {
            greedyPicker.apply(shaped);
            probabilities[shaped.selectedId()] = 1.0;
            return probabilities;
        }
        for (int i = 0; i < shaped.size(); i++) {
            probabilities[shaped.id(i)] = shaped.probability(i);
        }
        return probabilities;
    }
}
