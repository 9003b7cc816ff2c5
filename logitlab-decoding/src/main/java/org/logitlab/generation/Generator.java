package org.logitlab.generation;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.logitlab.constraint.Constraint;
import org.logitlab.constraint.ConstraintMask;
import org.logitlab.distribution.Distribution;
import org.logitlab.sampling.SamplerChain;
import org.logitlab.sampling.SequenceStatistics;
import org.logitlab.sampling.TokenLogProbs;
import org.logitlab.session.Logits;
import org.logitlab.session.Session;
import org.logitlab.tokenizer.StreamingDecoder;
import org.logitlab.tokenizer.Tokenizer;

/**
 * Autoregressive generation: the prompt in one batched pass, then one token per step drawn by a
 * {@link SamplerChain}, each reported with its raw and post-sampler log-probabilities. The raw distribution
 * is the one the model computed anyway, so log-probs cost no extra forward pass.
 */
public final class Generator {
    private final Session session;
    private final Tokenizer tokenizer;
    private final SamplerChain chain;
    private final Constraint constraint;

    /** @param session a session (usually empty) the prompt is appended to; owned by the caller */
    public Generator(Session session, Tokenizer tokenizer, SamplerChain chain) {
        this(session, tokenizer, chain, null);
    }

    /**
     * @param constraint grammar/JSON Schema/regex the output must follow, or null. Disallowed tokens get a
     *     logit of −∞ before the chain runs, so the chain samples from the model's distribution restricted to
     *     the language; reported raw log-probs stay the unconstrained model's.
     */
    public Generator(Session session, Tokenizer tokenizer, SamplerChain chain, Constraint constraint) {
        this.session = session;
        this.tokenizer = tokenizer;
        this.chain = chain;
        this.constraint = constraint;
    }

    /** The checks every generator applies to {@code generate}'s arguments, with messages naming the field. */
    public static void validateArguments(int[] prompt, int maxTokens, int topLogProbs) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("prompt must contain at least one token");
        }
        if (maxTokens < 0) {
            throw new IllegalArgumentException("max_tokens must be >= 0, got " + maxTokens);
        }
        if (topLogProbs < 0) {
            throw new IllegalArgumentException("logprobs must be >= 0, got " + topLogProbs);
        }
    }

    /**
     * @param maxTokens at most this many tokens are generated (also bounded by the context)
     * @param topLogProbs alternatives reported per token in each view (0 = none)
     * @param onToken called for every token as soon as it is sampled (streaming)
     */
    public GenerationResult generate(int[] prompt, int maxTokens, int topLogProbs, Consumer<GeneratedToken> onToken) {
        validateArguments(prompt, maxTokens, topLogProbs);
        for (int token : prompt) {
            chain.accept(token); // penalties and DRY see the prompt, as in llama.cpp
        }
        Logits logits = session.append(prompt, false);
        StreamingDecoder decoder = new StreamingDecoder(tokenizer);
        List<GeneratedToken> generated = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        SequenceStatistics statistics = SequenceStatistics.EMPTY;
        FinishReason reason = FinishReason.LENGTH;
        int vocabulary = logits.vocabularySize();
        float[] masked = constraint == null ? null : new float[vocabulary];
        ConstraintMask mask = constraint == null ? null : new ConstraintMask(vocabulary);
        while (generated.size() < maxTokens) {
            float[] data = logits.data();
            int offset = logits.lastOffset();
            int token;
            if (constraint == null) {
                token = chain.sample(data, offset);
            } else {
                if (!mask.apply(constraint, data, offset, masked)) {
                    throw new IllegalStateException(
                            "the constraint allows no token after " + generated.size() + " tokens");
                }
                token = chain.sample(masked, 0);
                constraint.accept(token);
            }
            chain.accept(token);
            Distribution raw = Distribution.of(data, offset, vocabulary);
            TokenLogProbs logProbs = TokenLogProbs.of(token, raw, chain.candidates(), topLogProbs);
            statistics = statistics.plus(logProbs.logProb());
            boolean endOfGeneration = tokenizer.isEndOfGeneration(token);
            String piece = endOfGeneration ? "" : decoder.accept(token);
            text.append(piece);
            GeneratedToken step = new GeneratedToken(token, session.length(), piece, logProbs);
            generated.add(step);
            onToken.accept(step);
            if (endOfGeneration) {
                reason = FinishReason.STOP;
                break;
            }
            if (generated.size() == maxTokens) {
                break;
            }
            if (session.length() >= session.contextLength()) {
                reason = FinishReason.CONTEXT_FULL;
                break;
            }
            logits = session.append(new int[] {token}, false);
        }
        String tail = decoder.flush();
        text.append(tail);
        return new GenerationResult(prompt.clone(), List.copyOf(generated), text.toString(), reason, statistics);
    }
}
