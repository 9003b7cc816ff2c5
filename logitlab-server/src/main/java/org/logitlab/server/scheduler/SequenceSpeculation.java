package org.logitlab.server.scheduler;

import java.util.Arrays;
import java.util.function.IntPredicate;
import java.util.random.RandomGenerator;
import org.logitlab.constraint.Constraint;
import org.logitlab.model.Model;
import org.logitlab.sampling.SamplerChain;
import org.logitlab.session.Logits;
import org.logitlab.session.Session;
import org.logitlab.speculative.AcceptanceHistory;
import org.logitlab.speculative.ChainShaping;
import org.logitlab.speculative.DraftConstraint;
import org.logitlab.speculative.DraftModelDrafter;
import org.logitlab.speculative.DraftRequest;
import org.logitlab.speculative.DraftTree;
import org.logitlab.speculative.Drafter;
import org.logitlab.speculative.PromptLookupDrafter;
import org.logitlab.speculative.RecursiveRejectionVerifier;
import org.logitlab.speculative.SpeculativeSamplingVerifier;
import org.logitlab.speculative.SpeculativeStatistics;
import org.logitlab.speculative.TokenRecyclingDrafter;
import org.logitlab.speculative.Verification;
import org.logitlab.speculative.VerificationRound;
import org.logitlab.speculative.Verifier;

/**
 * One sequence's speculative decoding inside the batched scheduler (draft then verify, Leviathan et al. 2023).
 * Before a decode step the sequence's drafter proposes a draft after the pending token — a chain, or a tree in the
 * tree and multi modes — and the step evaluates pending token + draft in the shared forward pass (a tree with its
 * tree attention mask); after it, {@link VerificationRound} — the code {@link
 * org.logitlab.speculative.SpeculativeGenerator} runs, with the verifier {@code generate} uses for the mode — keeps a
 * path of the draft and the token after it, emitting each with the target's own row, so tokens and log-probs are
 * those of plain decoding at temperature 0 and follow its distribution otherwise. The cache keeps exactly the
 * emitted path.
 *
 * <p>Under the sequence's grammar/regex/JSON Schema constraint drafting and verification compose with it as in
 * {@code SpeculativeGenerator}: the drafter gets the constraint (a draft model masks its q with it), deterministic
 * drafts the constraint forbids are cut before the step ({@link DraftConstraint#prune}), and verification masks every
 * target row by the constraint's state at its node ({@link DraftConstraint}), so the emitted tokens are those of the
 * plain constrained path. The constraint is the sequence's own object: this class advances it by every emitted token
 * (and nothing else advances it while speculation runs), so it always stands at the end of the emitted text.
 *
 * <p>Everything here depends only on this sequence's own history — its drafter (Token Recycling's successor
 * table included) is its own, and draft lengths follow its own acceptance ({@link AcceptanceHistory}), not the
 * measured cost of passes, which depends on the other traffic — so a seeded request reproduces alone or under
 * load, as without speculation. Owned by the engine thread.
 */
final class SequenceSpeculation {
    private final SpeculationSettings settings;
    private final Drafter drafter;
    private final ChainShaping shaping;
    private final RandomGenerator random;
    private final Verifier verifier;
    /** The sequence's constraint, at the end of the emitted text; null when unconstrained. */
    private final Constraint constraint;

    private final IntPredicate endsGeneration;
    /** Bounds model-free drafts by past acceptance; null when the drafter estimates it or p-min is 0. */
    private final AcceptanceHistory history;

    private final SpeculationCounters counters;
    private final int[] context;
    private int contextSize;
    private DraftTree draft = DraftTree.empty();
    private int drafted, accepted, rounds, targetPasses;

    /**
     * @param chain the sequence's chain with the prompt accepted; its shaping is copied, and its seed seeds the
     *     verification's draws
     * @param draftModel the server's draft model (needed by {@link SpeculativeMode#needsDraftModel() draft, tree and
     *     multi})
     * @param constraint the sequence's constraint with nothing generated yet, or null; advanced here by every emitted
     *     token
     */
    SequenceSpeculation(
            SpeculationSettings settings,
            Model target,
            Model draftModel,
            SamplerChain chain,
            Constraint constraint,
            int[] prompt,
            int maxTokens,
            int contextLength,
            SpeculationCounters counters) {
        this.settings = settings;
        this.drafter = drafter(settings, target, draftModel, contextLength);
        // as generate: standard speculative sampling for chains, recursive rejection for trees and multiple drafts
        this.verifier =
                settings.mode().draftsTrees() ? new RecursiveRejectionVerifier() : new SpeculativeSamplingVerifier();
        this.shaping = ChainShaping.of(chain);
        this.random = VerificationRound.randomFor(chain);
        this.constraint = constraint;
        this.endsGeneration = target.tokenizer()::isEndOfGeneration;
        this.history = drafter.estimatesAcceptance() || settings.effectiveDraftPMin() == 0.0
                ? null
                : new AcceptanceHistory(settings.draftMax());
        this.counters = counters;
        this.context = Arrays.copyOf(prompt, prompt.length + maxTokens);
        this.contextSize = prompt.length;
        counters.sequences.incrementAndGet();
    }

    private static Drafter drafter(SpeculationSettings settings, Model target, Model draftModel, int contextLength) {
        if (settings.mode().needsDraftModel() && draftModel == null) {
            throw new IllegalArgumentException("speculative mode '"
                    + settings.mode().label() + "' needs the server to be started with --draft-model FILE");
        }
        return switch (settings.mode()) {
            case LOOKUP -> new PromptLookupDrafter(settings.lookupNgram(), 1);
            case RECYCLE -> {
                // a chain: every depth has one child, the most likely successor seen (Token Recycling's top-1)
                int[] branching = new int[settings.draftMax()];
                Arrays.fill(branching, 1);
                yield new TokenRecyclingDrafter(target.config().vocabularySize(), 1, branching);
            }
            case DRAFT -> draftModelDrafter(settings, target, draftModel, contextLength, DraftModelDrafter.Shape.CHAIN);
            case TREE -> draftModelDrafter(settings, target, draftModel, contextLength, DraftModelDrafter.Shape.TREE);
            case MULTI -> draftModelDrafter(settings, target, draftModel, contextLength, DraftModelDrafter.Shape.MULTI);
            case OFF -> throw new IllegalArgumentException("speculation is off");
        };
    }

    private static Drafter draftModelDrafter(
            SpeculationSettings settings,
            Model target,
            Model draftModel,
            int contextLength,
            DraftModelDrafter.Shape shape) {
        return new DraftModelDrafter(
                target, draftModel, contextLength, shape, settings.draftLength(), settings.drafts());
    }

    /**
     * Drafts after the pending token (the last emitted one, not yet in the cache) and returns the decode step: the
     * pending token followed by a linear draft, or by a draft tree hanging below it (evaluated with a tree attention
     * mask; the pending token is the tree's node 0).
     *
     * @param remaining tokens the sequence may still emit (≥ 1); a round emits at most the draft's depth + 1
     */
    StepInput step(Session session, int remaining) {
        int room = session.contextLength() - session.length() - 1; // cache slots for draft nodes
        int depth = Math.min(settings.draftMax(), Math.min(remaining - 1, room));
        if (history != null && depth > 0) {
            depth = history.depth(depth, settings.draftMin(), settings.effectiveDraftPMin());
        }
        // a chain's budget is its depth; a tree's is its node budget, bounded by the room left in the cache
        int nodes = settings.mode().draftsTrees() ? Math.min(room, settings.treeNodes()) : depth;
        draft = depth <= 0 || nodes <= 0
                ? DraftTree.empty()
                : drafter.draft(new DraftRequest(
                        Arrays.copyOf(context, contextSize), depth, nodes, shaping, random, constraint));
        if (constraint != null) {
            // as in SpeculativeGenerator: the step and the acceptance history see only what can be accepted
            draft = DraftConstraint.prune(draft, constraint, endsGeneration);
        }
        int size = draft.size();
        int[] tokens = new int[1 + size];
        tokens[0] = context[contextSize - 1];
        System.arraycopy(draft.tokens(), 0, tokens, 1, size);
        if (draft.isChain()) {
            return new StepInput(session, tokens, size > 0);
        }
        int[] parents = new int[1 + size];
        parents[0] = -1;
        for (int node = 0; node < size; node++) {
            parents[node + 1] = draft.parents()[node] + 1; // the draft's roots hang below the pending token
        }
        return new StepInput(session, tokens, parents, true);
    }

    /**
     * Verifies the step's rows, emits the round's tokens to {@code sink} and commits what was kept to the session's
     * cache: rejected tokens of a linear draft are truncated, of a tree only the pending token and the accepted path
     * are kept ({@link Session#acceptTreePath}). For the prompt's step there is no draft: the first token is drawn
     * from the prompt's last row.
     *
     * @param step the step just run (the prompt's, or one {@link #step} returned)
     * @param logits its rows (all of them for a decode step)
     * @param prompt whether this was the prompt's step (no draft; with an echoed prompt, every prompt row)
     */
    void verify(StepInput step, Logits logits, boolean prompt, VerificationRound.TokenSink sink) {
        targetPasses++;
        counters.targetPasses.incrementAndGet();
        DraftTree round = prompt ? DraftTree.empty() : draft;
        draft = DraftTree.empty();
        int[] evaluated = step.tokens();
        int rows = logits.positions();
        drafter.observe(Arrays.copyOfRange(evaluated, evaluated.length - rows, evaluated.length), logits);
        VerificationRound.TargetRows targetRows = prompt
                ? VerificationRound.TargetRows.of(logits, rows - 1, logits, rows)
                : VerificationRound.TargetRows.of(logits, 0, logits, 1);
        // the states over the round's draft, from the constraint's state at the root (copied before any emitting)
        DraftConstraint states = constraint == null ? null : new DraftConstraint(round, constraint, endsGeneration);
        Verification verification = VerificationRound.run(
                round, targetRows, shaping, states, verifier, random, (token, data, offset, shaped) -> {
                    if (constraint != null) {
                        constraint.accept(token); // throws if a forbidden token ever got this far
                    }
                    context[contextSize++] = token;
                    counters.generatedTokens.incrementAndGet();
                    return sink.emit(token, data, offset, shaped);
                });
        commit(step, round, verification.acceptedNodes());
        if (!round.isEmpty()) {
            drafted += round.size();
            accepted += verification.acceptedCount();
            rounds++;
            counters.draftedTokens.addAndGet(round.size());
            counters.acceptedTokens.addAndGet(verification.acceptedCount());
            counters.rounds.incrementAndGet();
            if (history != null) {
                history.record(round.depth(), verification.acceptedCount());
            }
        }
    }

    /** Keeps the pending token and the accepted path of the round's draft in the cache, dropping every other draft. */
    private static void commit(StepInput step, DraftTree round, int[] path) {
        Session session = step.session();
        if (step.parents() == null) {
            session.truncate(session.length() - (round.size() - path.length));
            return;
        }
        int[] nodes = new int[1 + path.length];
        for (int index = 0; index < path.length; index++) {
            nodes[1 + index] = path[index] + 1; // node 0, the pending token, is always kept
        }
        session.acceptTreePath(nodes);
    }

    SpeculativeStatistics statistics(int generatedTokens) {
        return new SpeculativeStatistics(drafted, accepted, rounds, targetPasses, generatedTokens);
    }

    /** Why {@code chain} cannot be verified (Mirostat, XTC), or null; such sequences decode plainly. */
    static String unsupportedReason(SamplerChain chain) {
        return ChainShaping.unsupportedReason(chain);
    }
}
