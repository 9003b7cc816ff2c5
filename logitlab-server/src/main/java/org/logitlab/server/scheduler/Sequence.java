package org.logitlab.server.scheduler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.function.Consumer;
import org.logitlab.constraint.Constraint;
import org.logitlab.distribution.Distribution;
import org.logitlab.model.Model;
import org.logitlab.sampling.Candidates;
import org.logitlab.sampling.SamplerChain;
import org.logitlab.sampling.SamplerChains;
import org.logitlab.sampling.TokenLogProbs;
import org.logitlab.session.Logits;
import org.logitlab.session.Session;
import org.logitlab.tokenizer.StreamingDecoder;
import org.logitlab.tokenizer.Tokenizer;

/**
 * One running sequence on the engine thread: its session (KV cache), sampler chain and streaming decoder. It
 * does per step exactly what {@link org.logitlab.generation.Generator} does per token — the prompt in one
 * pass, then sample from the raw logits with the chain, report raw log-probs, decode UTF-8 safely — but step
 * by step, so the {@link Scheduler} can interleave many sequences. With a constraint, tokens it disallows get a
 * logit of −∞ before the chain runs, again as in {@code Generator}. Owned by the engine thread.
 *
 * <p>With speculation ({@link SequenceSpeculation}) a decode step evaluates the pending token plus a draft and may
 * emit several tokens; each is reported exactly as a plainly sampled one, also under a constraint (verification masks
 * the target's rows by it as this class does). Chains speculation cannot verify (Mirostat, XTC) decode plainly.
 *
 * <p>Either way the constraint is advanced exactly once per emitted token: by {@link #sampleAllowed} when decoding
 * plainly, by the speculation's verification otherwise.
 */
final class Sequence {
    private final SequenceRequest request;
    private final Consumer<SequenceEvent> events;
    private final Tokenizer tokenizer;
    private final Session session;
    private final SamplerChain chain;
    private final StreamingDecoder decoder;
    private final StopSequences stopSequences;
    private final Constraint constraint;
    private final float[] maskedLogits;
    private final BitSet allowedTokens;
    private final int vocabulary;
    private final SequenceSpeculation speculation;
    /** The step to run next (plain decoding, the prompt), or the one just run. */
    private StepInput step;

    private boolean prefilled;
    private int generated;
    private boolean finished;
    private String finishReason;

    /**
     * @param draftModel the server's draft model, or null
     * @param counters the scheduler's speculation counters, updated as this sequence speculates
     */
    Sequence(
            Model model,
            Model draftModel,
            SequenceRequest request,
            int contextLength,
            Consumer<SequenceEvent> events,
            SpeculationCounters counters) {
        this.request = request;
        this.events = events;
        this.tokenizer = model.tokenizer();
        this.vocabulary = model.config().vocabularySize();
        this.session = model.newSession(contextLength);
        this.chain = SamplerChains.create(
                request.settings(),
                vocabulary,
                contextLength,
                this::tokenText,
                text -> tokenizer.encode(text, false, false));
        this.decoder = new StreamingDecoder(tokenizer);
        this.stopSequences = new StopSequences(request.stop());
        this.constraint = request.constraint();
        this.maskedLogits = constraint == null ? null : new float[vocabulary];
        this.allowedTokens = constraint == null ? null : new BitSet(vocabulary);
        int[] prompt = request.promptTokens().clone();
        this.step = new StepInput(session, prompt, request.echoPrompt());
        for (int token : prompt) {
            chain.accept(token); // penalties and DRY see the prompt, as in llama.cpp (and Generator)
        }
        boolean speculative = request.speculation().enabled() && SequenceSpeculation.unsupportedReason(chain) == null;
        this.speculation = speculative
                ? new SequenceSpeculation(
                        request.speculation(),
                        model,
                        draftModel,
                        chain,
                        constraint,
                        request.promptTokens(),
                        request.maxTokens(),
                        contextLength,
                        counters)
                : null;
    }

    private String tokenText(int id) {
        return new String(tokenizer.tokenBytes(id), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** This step's work, or null when the sequence needs no forward pass (it ended). */
    StepInput nextStep() {
        if (finished) {
            return null;
        }
        if (speculation != null && prefilled) {
            step = speculation.step(session, request.maxTokens() - generated);
        }
        return step;
    }

    boolean finished() {
        return finished;
    }

    int length() {
        return session.length();
    }

    /**
     * Consumes this sequence's logits of the step just run: scores, samples (or verifies a draft), reports.
     *
     * @return tokens generated by this step (0 or 1; with speculation up to the draft's length + 1)
     */
    int accept(Logits logits) {
        int before = generated;
        consume(logits);
        if (finished) {
            reportFinished();
        }
        return generated - before;
    }

    private void consume(Logits logits) {
        boolean prompt = !prefilled;
        if (!prefilled) {
            prefilled = true;
            if (request.echoPrompt()) {
                events.accept(new SequenceEvent.PromptScored(request.choice(), scorePrompt(logits)));
            }
            if (request.maxTokens() == 0) {
                finish("length");
                return;
            }
        }
        if (constraint != null && constraintExhausted()) {
            finish("stop"); // the text is complete and nothing may follow it
            return;
        }
        if (speculation != null) {
            speculation.verify(step, logits, prompt, this::emit);
            return;
        }
        float[] data = logits.data();
        int offset = logits.lastOffset();
        int token = constraint == null ? chain.sample(data, offset) : sampleAllowed(data, offset);
        chain.accept(token);
        if (!emit(token, data, offset, chain.candidates())) {
            step = new StepInput(session, new int[] {token}, false);
        }
    }

    /**
     * Reports {@code token}, chosen at the row {@code data[offset, offset + vocabulary)} from {@code candidates},
     * with the row's raw log-probs.
     *
     * @return true when the sequence has finished (end of generation, stop sequence, length)
     */
    private boolean emit(int token, float[] data, int offset, Candidates candidates) {
        Distribution raw = Distribution.of(data, offset, vocabulary);
        TokenLogProbs logProbs = TokenLogProbs.of(token, raw, candidates, request.topLogProbs());
        generated++;
        if (tokenizer.isEndOfGeneration(token)) {
            finish("stop");
            return true;
        }
        String released = stopSequences.accept(decoder.accept(token));
        ScoredToken scored = new ScoredToken(
                token,
                logProbs.logProb(),
                logProbs.topRaw(),
                request.distributionStatistics() ? raw.entropy() : Double.NaN,
                request.distributionStatistics() ? raw.kurtosis() : Double.NaN);
        events.accept(new SequenceEvent.TokenGenerated(request.choice(), scored, released));
        if (stopSequences.stopped()) {
            finish("stop");
        } else if (generated >= request.maxTokens()
                || request.promptTokens().length + generated > session.contextLength()) {
            // the next token would need a cache position past the context (the pending token is not in it yet)
            finish("length");
        } else if (constraint != null && constraintExhausted()) {
            finish("stop"); // so a speculative round never asks for a row the constraint allows nothing in
        }
        return finished;
    }

    /**
     * Whether the text is complete and the constraint allows no token after it, not even an end of generation (a
     * vocabulary without one). Cheap unless the text is complete.
     */
    private boolean constraintExhausted() {
        if (!constraint.isComplete()) {
            return false;
        }
        constraint.allowedTokens(allowedTokens);
        return allowedTokens.isEmpty();
    }

    /**
     * Samples from the model's distribution restricted to the constraint's language: the chain sees −∞ for every
     * disallowed token, exactly as {@link org.logitlab.generation.Generator} masks. The raw logits stay untouched,
     * so reported log-probs are the unconstrained model's. The text is not complete-and-exhausted here ({@link
     * #consume} has finished such a sequence).
     */
    private int sampleAllowed(float[] data, int offset) {
        constraint.allowedTokens(allowedTokens);
        if (allowedTokens.isEmpty()) {
            throw new IllegalStateException("the constraint allows no token after " + generated + " tokens");
        }
        Arrays.fill(maskedLogits, Float.NEGATIVE_INFINITY);
        for (int id = allowedTokens.nextSetBit(0); id >= 0 && id < vocabulary; id = allowedTokens.nextSetBit(id + 1)) {
            maskedLogits[id] = data[offset + id];
        }
        int token = chain.sample(maskedLogits, 0);
        constraint.accept(token);
        return token;
    }

    private List<ScoredToken> scorePrompt(Logits logits) {
        int[] prompt = request.promptTokens();
        List<ScoredToken> scored = new ArrayList<>(prompt.length);
        scored.add(new ScoredToken(prompt[0], null, List.of(), Double.NaN, Double.NaN));
        for (int i = 1; i < prompt.length; i++) {
            // row i - 1 is the distribution after prompt[0..i-1], i.e. the prediction of prompt[i]
            Distribution distribution = Distribution.of(logits.data(), logits.offset(i - 1), vocabulary);
            boolean statistics = request.distributionStatistics();
            scored.add(new ScoredToken(
                    prompt[i],
                    distribution.logProb(prompt[i]),
                    request.topLogProbs() == 0 ? List.of() : distribution.topK(request.topLogProbs()),
                    statistics ? distribution.entropy() : Double.NaN,
                    statistics ? distribution.kurtosis() : Double.NaN));
        }
        return scored;
    }

    /** Ends the sequence; the Finished event follows once the step is done ({@link #accept}). */
    private void finish(String reason) {
        finished = true;
        finishReason = reason;
    }

    /** Reports the end after the whole step, so a speculative round's statistics include that round. */
    private void reportFinished() {
        String trailing = stopSequences.stopped() ? "" : stopSequences.accept(decoder.flush()) + stopSequences.flush();
        events.accept(new SequenceEvent.Finished(
                request.choice(),
                trailing,
                finishReason,
                request.promptTokens().length,
                generated,
                speculation == null ? null : speculation.statistics(generated)));
    }

    void fail(RuntimeException error) {
        finished = true;
        events.accept(new SequenceEvent.Failed(request.choice(), error));
    }
}
