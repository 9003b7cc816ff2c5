package org.logitlab.speculative;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.logitlab.constraint.Constraint;
import org.logitlab.distribution.Distribution;
import org.logitlab.generation.FinishReason;
import org.logitlab.generation.GeneratedToken;
import org.logitlab.generation.GenerationResult;
import org.logitlab.sampling.Candidates;
import org.logitlab.sampling.SamplerChain;
import org.logitlab.sampling.SequenceStatistics;
import org.logitlab.sampling.TokenLogProbs;
import org.logitlab.tokenizer.StreamingDecoder;
import org.logitlab.tokenizer.Tokenizer;

/**
 * The output side of one speculative generation: every emitted token gets the same log-probs, text piece and
 * stopping checks as in {@link org.logitlab.generation.Generator}, computed from the target row it was chosen
 * at, and is told to the chain and the constraint (if any), which thereby always stand at the end of the emitted
 * text.
 */
final class EmittedTokens {
    private final int[] prompt;
    private final int maxTokens;
    private final int topLogProbs;
    private final int contextLength;
    private final Tokenizer tokenizer;
    private final SamplerChain chain;
    private final ChainShaping shaping;
    private final Consumer<GeneratedToken> onToken;
    private final Constraint constraint;
    private final StreamingDecoder decoder;
    private final List<GeneratedToken> generated = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();
    private final int[] context;
    private int contextSize;
    private SequenceStatistics statistics = SequenceStatistics.EMPTY;
    private FinishReason reason = FinishReason.LENGTH;
    private boolean finished;

    EmittedTokens(
            int[] prompt,
            int maxTokens,
            int topLogProbs,
            int contextLength,
            Tokenizer tokenizer,
            SamplerChain chain,
            ChainShaping shaping,
            Consumer<GeneratedToken> onToken,
            Constraint constraint) {
        this.prompt = prompt;
        this.maxTokens = maxTokens;
        this.topLogProbs = topLogProbs;
        this.contextLength = contextLength;
        this.tokenizer = tokenizer;
        this.chain = chain;
        this.shaping = shaping;
        this.onToken = onToken;
        this.constraint = constraint;
        this.decoder = new StreamingDecoder(tokenizer);
        this.context = Arrays.copyOf(prompt, prompt.length + maxTokens);
        this.contextSize = prompt.length;
    }

    /** Tokens still wanted; 0 once generation has finished. */
    int remaining() {
        return finished ? 0 : maxTokens - generated.size();
    }

    boolean finished() {
        return finished || generated.size() >= maxTokens;
    }

    /** Prompt and generated tokens so far. */
    int[] context() {
        return Arrays.copyOf(context, contextSize);
    }

    /**
     * Emits {@code token}, chosen at the target row {@code logits[offset, offset + vocabulary)} whose shaped
     * candidates are {@code shaped} (the live view of this generation's shaping for that row, masked by the
     * constraint when there is one; the reported raw log-probs stay the unconstrained model's, as in Generator).
     *
     * @return true when generation is finished (end of generation, length or context reached)
     */
    boolean emit(int token, float[] logits, int offset, Candidates shaped) {
        if (constraint != null) {
            constraint.accept(token); // throws if a forbidden token ever got this far
        }
        TokenLogProbs logProbs =
                TokenLogProbs.of(token, Distribution.of(logits, offset, shaping.vocabularySize()), shaped, topLogProbs);
        chain.accept(token); // the shaping is told by VerificationRound
        statistics = statistics.plus(logProbs.logProb());
        boolean endOfGeneration = tokenizer.isEndOfGeneration(token);
        String piece = endOfGeneration ? "" : decoder.accept(token);
        text.append(piece);
        int position = prompt.length + generated.size();
        GeneratedToken step = new GeneratedToken(token, position, piece, logProbs);
        generated.add(step);
        context[contextSize++] = token;
        onToken.accept(step);
        if (endOfGeneration) {
            reason = FinishReason.STOP;
            finished = true;
        } else if (generated.size() == maxTokens) {
            finished = true;
        } else if (position >= contextLength) {
            reason = FinishReason.CONTEXT_FULL;
            finished = true;
        }
        return finished;
    }

    int count() {
        return generated.size();
    }

    GenerationResult result() {
        text.append(decoder.flush());
        return new GenerationResult(prompt.clone(), List.copyOf(generated), text.toString(), reason, statistics);
    }
}
