package org.logitlab.speculative;

import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.logitlab.constraint.Constraint;
import org.logitlab.generation.GeneratedToken;
import org.logitlab.generation.GenerationResult;
import org.logitlab.generation.Generator;
import org.logitlab.sampling.SamplerChain;
import org.logitlab.session.Logits;
import org.logitlab.session.Session;
import org.logitlab.tokenizer.Tokenizer;

/**
 * Draft-then-verify generation (Leviathan et al. 2023): each round a {@link Drafter} proposes a tree, the
 * target evaluates the pending token plus the whole tree in one forward pass (a tree attention mask for
 * trees), and a {@link Verifier} keeps a path and draws the next token so that the output is distributed
 * exactly as the chain's plain sampling (identical to greedy decoding at temperature 0). Tokens and results
 * are those of {@link org.logitlab.generation.Generator}; the reported log-probs are the target's, read from
 * the verification pass's rows.
 *
 * <p>With a {@link Constraint} every target distribution p is the constrained one: the chain shapes the row masked by
 * the constraint's state at that node (after the committed text and the drafted path to it), exactly as {@link
 * Generator} masks before its chain, so forbidden tokens get p = 0; end of generation is allowed only where the
 * constraint allows it, i.e. where the text is complete. A draft model masks its q with the same states, and
 * deterministic drafts the constraint forbids are cut from the tree before the target evaluates it ({@link
 * DraftConstraint}). The verifiers then see masked, renormalised p and q, so their exactness carries over unchanged,
 * and the reported log-probs stay those of Generator: raw ones from the unmasked row, post-chain ones from the masked.
 */
public final class SpeculativeGenerator {
    private final Session session;
    private final Tokenizer tokenizer;
    private final SamplerChain chain;
    private final Drafter drafter;
    private final Verifier verifier;
    private final DraftLength length;
    private final Constraint constraint;
    private final RandomGenerator random;
    private SpeculativeStatistics lastStatistics = new SpeculativeStatistics(0, 0, 0, 0, 0);

    public SpeculativeGenerator(
            Session session,
            Tokenizer tokenizer,
            SamplerChain chain,
            Drafter drafter,
            Verifier verifier,
            DraftLength length) {
        this(session, tokenizer, chain, drafter, verifier, length, null);
    }

    /**
     * @param length draft length settings, or null for the defaults of the drafter's kind ({@link
     *     DraftLength#defaults(DrafterKind)})
     * @param constraint grammar/JSON Schema/regex the output must follow, or null; applied as {@link
     *     Generator#Generator(Session, Tokenizer, SamplerChain, Constraint)} applies it, and advanced past every emitted
     *     token (single-owner, like the session)
     */
    public SpeculativeGenerator(
            Session session,
            Tokenizer tokenizer,
            SamplerChain chain,
            Drafter drafter,
            Verifier verifier,
            DraftLength length,
            Constraint constraint) {
        if (session == null || tokenizer == null || chain == null || drafter == null || verifier == null) {
            throw new IllegalArgumentException("session, tokenizer, chain, drafter and verifier must not be null");
        }
        ChainShaping.of(chain); // refuses unsupported chains before any work
        this.session = session;
        this.tokenizer = tokenizer;
        this.chain = chain;
        this.drafter = drafter;
        this.verifier = verifier;
        this.length = length == null ? DraftLength.defaults(DrafterKind.of(drafter)) : length;
        this.constraint = constraint;
        this.random = VerificationRound.randomFor(chain);
    }

    /** The statistics of the last {@link #generate} call. */
    public SpeculativeStatistics lastStatistics() {
        return lastStatistics;
    }

    /** Same contract as {@link org.logitlab.generation.Generator#generate}. */
    public GenerationResult generate(int[] prompt, int maxTokens, int topLogProbs, Consumer<GeneratedToken> onToken) {
        Generator.validateArguments(prompt, maxTokens, topLogProbs);
        for (int token : prompt) {
            chain.accept(token);
        }
        ChainShaping shaping = ChainShaping.of(chain);
        Logits rootRows = session.append(prompt, false);
        drafter.observe(new int[] {prompt[prompt.length - 1]}, rootRows);
        EmittedTokens output = new EmittedTokens(
                prompt,
                maxTokens,
                topLogProbs,
                session.contextLength(),
                tokenizer,
                chain,
                shaping,
                onToken,
                constraint);
        int pending = -1;
        int drafted = 0, accepted = 0, steps = 0, passes = 1;
        int committed = session.length();
        AcceptanceHistory history = new AcceptanceHistory(length.draftMax());
        PassCosts costs = new PassCosts();
        // Drafters without their own estimate are bounded by past acceptance and measured pass costs; pMin = 0
        // means "never stop drafting early" (DraftLength), so then neither bound applies.
        boolean adaptive = !drafter.estimatesAcceptance() && length.pMin() > 0;
        while (!output.finished()) {
            int prefix = pending < 0 ? 0 : 1;
            int room = session.contextLength() - committed - prefix;
            int depth = Math.min(length.draftMax(), output.remaining() - 1);
            if (adaptive) {
                depth = history.depth(depth, length.draftMin(), length.pMin());
            }
            // Drafters copy the shaping before changing it (DraftRequest's contract), so no copy is made here.
            DraftTree tree = depth <= 0 || room <= 0
                    ? DraftTree.empty()
                    : drafter.draft(new DraftRequest(
                            output.context(), depth, Math.min(room, length.treeNodes()), shaping, random, constraint));
            if (constraint != null) {
                // Before the depth cut, so the acceptance history and cost model judge what will be verified.
                tree = DraftConstraint.prune(tree, constraint, tokenizer::isEndOfGeneration);
            }
            if (adaptive && prefix > 0) {
                int profitable = history.profitableDepth(tree, prefix, costs);
                tree = tree.truncatedToDepth(Math.max(profitable, length.draftMin()));
            }
            int[] evaluated = evaluatedTokens(pending, tree);
            // Rows: the root's (the pending token's, or the prompt's last) and one per tree node after it.
            Logits nodeRows = rootRows;
            if (evaluated.length > 0) {
                long start = System.nanoTime();
                nodeRows = tree.isChain()
                        ? session.append(evaluated, true)
                        : session.appendTree(evaluated, withRootNode(pending, tree.parents()));
                costs.record(evaluated.length, System.nanoTime() - start);
                passes++;
                drafter.observe(evaluated, nodeRows);
                if (pending >= 0) {
                    rootRows = nodeRows;
                }
            }
            drafted += tree.size();
            steps += tree.isEmpty() ? 0 : 1;
            Verification verification = VerificationRound.run(
                    tree,
                    VerificationRound.TargetRows.of(rootRows, 0, nodeRows, prefix),
                    shaping,
                    constraint == null ? null : new DraftConstraint(tree, constraint, tokenizer::isEndOfGeneration),
                    verifier,
                    random,
                    output::emit);
            accepted += verification.acceptedCount();
            if (!tree.isEmpty()) {
                history.record(tree.depth(), verification.acceptedCount());
            }
            if (output.finished()) {
                break;
            }
            int[] path = verification.acceptedNodes();
            commit(pending, tree, path, committed);
            committed += prefix + path.length;
            pending = verification.nextToken();
        }
        lastStatistics = new SpeculativeStatistics(drafted, accepted, steps, passes, output.count());
        return output.result();
    }

    /** The pending token (not yet evaluated) followed by the tree's tokens. */
    private static int[] evaluatedTokens(int pending, DraftTree tree) {
        if (pending < 0) {
            return tree.tokens();
        }
        int[] tokens = new int[tree.size() + 1];
        tokens[0] = pending;
        System.arraycopy(tree.tokens(), 0, tokens, 1, tree.size());
        return tokens;
    }

    /** Parents with the pending token as node 0, the parent of the tree's roots. */
    private static int[] withRootNode(int pending, int[] parents) {
        if (pending < 0) {
            return parents;
        }
        int[] shifted = new int[parents.length + 1];
        shifted[0] = -1;
        for (int node = 0; node < parents.length; node++) {
            shifted[node + 1] = parents[node] + 1;
        }
        return shifted;
    }

    /** Keeps the pending token and the accepted path in the target's cache, dropping every other draft. */
    private void commit(int pending, DraftTree tree, int[] path, int committed) {
        int prefix = pending < 0 ? 0 : 1;
        if (prefix + tree.size() == 0) {
            return;
        }
        if (tree.isChain()) {
            session.truncate(committed + prefix + path.length);
            return;
        }
        int[] nodes = new int[prefix + path.length];
        for (int index = 0; index < path.length; index++) {
            nodes[prefix + index] = path[index] + prefix;
        }
        session.acceptTreePath(nodes);
    }
}
