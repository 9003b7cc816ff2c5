package org.logitlab.speculative;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.logitlab.distribution.Distribution;
import org.logitlab.generation.FinishReason;
import org.logitlab.generation.GeneratedToken;
import org.logitlab.generation.GenerationResult;
import org.logitlab.sampling.DistributionSampler;
import org.logitlab.sampling.SamplerChain;
import org.logitlab.sampling.SequenceStatistics;
import org.logitlab.sampling.TokenLogProbs;
import org.logitlab.session.Logits;
import org.logitlab.session.Session;
import org.logitlab.tokenizer.StreamingDecoder;
import org.logitlab.tokenizer.Tokenizer;

/**
 * Draft-then-verify generation (Leviathan et al. 2023): each round a {@link Drafter} proposes a tree, the
 * target evaluates the pending token plus the whole tree in one forward pass (a tree attention mask for
 * trees), and a {@link Verifier} keeps a path and draws the next token so that the output is distributed
 * exactly as the chain's plain sampling (identical to greedy decoding at temperature 0). Tokens and results
 * are those of {@link org.logitlab.generation.Generator}; the reported log-probs are the target's, read from
 * the verification pass's rows.
 */
public final class SpeculativeGenerator {
    private static final String RANDOM_ALGORITHM = "Xoshiro256PlusPlus";

    private final Session session;
    private final Tokenizer tokenizer;
    private final SamplerChain chain;
    private final Drafter drafter;
    private final Verifier verifier;
    private final DraftLength length;
    private final RandomGenerator random;
    private SpeculativeStatistics lastStatistics = new SpeculativeStatistics(0, 0, 0, 0, 0);

    public SpeculativeGenerator(
            Session session,
            Tokenizer tokenizer,
            SamplerChain chain,
            Drafter drafter,
            Verifier verifier,
            DraftLength length) {
        if (session == null || tokenizer == null || chain == null || drafter == null || verifier == null) {
            throw new IllegalArgumentException("session, tokenizer, chain, drafter and verifier must not be null");
        }
        ChainShaping.of(chain); // refuses unsupported chains before any work
        this.session = session;
        this.tokenizer = tokenizer;
        this.chain = chain;
        this.drafter = drafter;
        this.verifier = verifier;
        this.length = length == null ? DraftLength.defaults() : length;
        long seed = chain.samplers().getLast() instanceof DistributionSampler dist ? dist.seed() : 0L;
        this.random = RandomGeneratorFactory.of(RANDOM_ALGORITHM).create(seed);
    }

    /** The statistics of the last {@link #generate} call. */
    public SpeculativeStatistics lastStatistics() {
        return lastStatistics;
    }

    /** Same contract as {@link org.logitlab.generation.Generator#generate}. */
    public GenerationResult generate(int[] prompt, int maxTokens, int topLogProbs, Consumer<GeneratedToken> onToken) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("prompt must contain at least one token");
        }
        if (maxTokens < 0) {
            throw new IllegalArgumentException("max_tokens must be >= 0, got " + maxTokens);
        }
        if (topLogProbs < 0) {
            throw new IllegalArgumentException("logprobs must be >= 0, got " + topLogProbs);
        }
        for (int token : prompt) {
            chain.accept(token);
        }
        ChainShaping shaping = ChainShaping.of(chain);
        Logits rootRows = session.append(prompt, false);
        drafter.observe(new int[] {prompt[prompt.length - 1]}, rootRows);
        int pending = -1;
        int drafted = 0, accepted = 0, steps = 0, passes = 1;
        int vocabulary = rootRows.vocabularySize();
        int[] context = Arrays.copyOf(prompt, prompt.length + maxTokens);
        int contextSize = prompt.length;
        StreamingDecoder decoder = new StreamingDecoder(tokenizer);
        List<GeneratedToken> generated = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        SequenceStatistics statistics = SequenceStatistics.EMPTY;
        FinishReason reason = FinishReason.LENGTH;
        int committed = session.length();
        while (generated.size() < maxTokens) {
            int prefix = pending < 0 ? 0 : 1;
            int room = session.contextLength() - committed - prefix;
            int depth = Math.min(length.draftMax(), maxTokens - generated.size() - 1);
            DraftTree tree = depth <= 0 || room <= 0
                    ? DraftTree.empty()
                    : drafter.draft(
                            new DraftRequest(Arrays.copyOf(context, contextSize), depth, room, shaping.copy(), random));
            int[] evaluated = evaluatedTokens(pending, tree);
            // Rows: the root's (the pending token's, or the prompt's last) and one per tree node after it.
            Logits nodeRows = rootRows;
            if (evaluated.length > 0) {
                nodeRows = tree.isChain()
                        ? session.append(evaluated, true)
                        : session.appendTree(evaluated, withRootNode(pending, tree.parents()));
                passes++;
                drafter.observe(evaluated, nodeRows);
                if (pending >= 0) {
                    rootRows = nodeRows;
                }
            }
            drafted += tree.size();
            steps += tree.isEmpty() ? 0 : 1;
            Logits treeRows = nodeRows;
            Logits verificationRootRows = rootRows;
            Verification verification = verifier.verify(
                    tree,
                    node -> {
                        ChainShaping atNode = shaping.copy();
                        for (int pathNode : tree.pathTo(node)) {
                            atNode.accept(tree.tokens()[pathNode]);
                        }
                        return node < 0
                                ? atNode.probabilities(verificationRootRows.data(), 0)
                                : atNode.probabilities(treeRows.data(), treeRows.offset(prefix + node));
                    },
                    random);
            accepted += verification.acceptedCount();
            int[] path = verification.acceptedNodes();
            boolean finished = false;
            for (int index = 0; index <= path.length && !finished; index++) {
                int token = index < path.length ? tree.tokens()[path[index]] : verification.nextToken();
                Logits source = index == 0 ? rootRows : nodeRows;
                int offset = index == 0 ? 0 : nodeRows.offset(prefix + path[index - 1]);
                TokenLogProbs logProbs = TokenLogProbs.of(
                        token,
                        Distribution.of(source.data(), offset, vocabulary),
                        shaping.shape(source.data(), offset),
                        topLogProbs);
                shaping.accept(token);
                chain.accept(token);
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
                } else if (position >= session.contextLength()) {
                    reason = FinishReason.CONTEXT_FULL;
                    finished = true;
                }
            }
            if (finished) {
                break;
            }
            commit(pending, tree, path, committed);
            committed += prefix + path.length;
            pending = verification.nextToken();
        }
        text.append(decoder.flush());
        lastStatistics = new SpeculativeStatistics(drafted, accepted, steps, passes, generated.size());
        return new GenerationResult(prompt.clone(), List.copyOf(generated), text.toString(), reason, statistics);
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
