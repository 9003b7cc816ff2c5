package org.logitlab.speculative;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.logitlab.constraint.Constraint;
import org.logitlab.constraint.ConstraintMask;
import org.logitlab.sampling.Candidates;
import org.logitlab.sampling.DistributionSampler;
import org.logitlab.sampling.SamplerChain;
import org.logitlab.session.Logits;

/**
 * One draft-then-verify round after the target's forward pass: keep a path of the draft tree and the token that
 * follows it, and emit them in order with the rows they were chosen at. {@link SpeculativeGenerator} runs its
 * rounds through this, and so can a caller that runs the target's passes itself (a server batching many
 * sequences into one pass), so verification exists once.
 *
 * <p>The emitted tokens are distributed exactly as the shaping's plain sampling (identical to greedy decoding at
 * temperature 0) provided each round's draft depends only on what was emitted before it (Leviathan et al. 2023).
 *
 * <p>Under a grammar constraint ({@link DraftConstraint}) every target distribution p is the shaping of the row masked
 * by the constraint's state at that node, exactly as {@link org.logitlab.generation.Generator} masks before its chain,
 * so tokens the state forbids get p = 0 and end of generation is allowed only where the text is complete. The
 * verifiers then see masked, renormalised distributions and stay exact; the sink still gets the unmasked row, so
 * reported raw log-probs are the model's, as in Generator.
 */
public final class VerificationRound {
    private static final String RANDOM_ALGORITHM = "Xoshiro256PlusPlus";

    private VerificationRound() {}

    /** The target's logits rows of one round: node −1 is the root (the row after the last known token). */
    public interface TargetRows {
        float[] data(int node);

        int offset(int node);

        /**
         * Rows of a linear layout: the root at row {@code rootRow} of {@code root}, draft node i at row
         * {@code firstNodeRow + i} of {@code nodes} (both may be the same logits).
         */
        static TargetRows of(Logits root, int rootRow, Logits nodes, int firstNodeRow) {
            int rootOffset = root.offset(rootRow);
            return new TargetRows() {
                @Override
                public float[] data(int node) {
                    return node < 0 ? root.data() : nodes.data();
                }

                @Override
                public int offset(int node) {
                    return node < 0 ? rootOffset : nodes.offset(firstNodeRow + node);
                }
            };
        }
    }

    /** Receives the round's tokens in order. */
    @FunctionalInterface
    public interface TokenSink {
        /**
         * @param logits the target row {@code logits[offset, offset + vocabulary)} the token was chosen at
         * @param shaped that row's shaped candidates (a live view, valid during the call)
         * @return true when generation is finished and no further token of the round is wanted
         */
        boolean emit(int token, float[] logits, int offset, Candidates shaped);
    }

    /**
     * The generator a sequence's verification draws from: seeded like the chain's {@code dist} sampler, so a
     * seeded request is reproducible (0 for greedy chains, which draw nothing).
     */
    public static RandomGenerator randomFor(SamplerChain chain) {
        long seed = chain.samplers().getLast() instanceof DistributionSampler dist ? dist.seed() : 0L;
        return RandomGeneratorFactory.of(RANDOM_ALGORITHM).create(seed);
    }

    /**
     * Verifies {@code tree} against {@code rows} and emits the accepted path's tokens and the next token to
     * {@code sink}, stopping early when it reports the end. Every emitted token is also accepted into
     * {@code shaping}, which must hold the history up to the root on entry.
     *
     * @return the accepted nodes and the token after them (when the sink stopped early, what was kept up to then)
     */
    public static Verification run(
            DraftTree tree,
            TargetRows rows,
            ChainShaping shaping,
            Verifier verifier,
            RandomGenerator random,
            TokenSink sink) {
        return run(tree, rows, shaping, null, verifier, random, sink);
    }

    /**
     * As {@link #run(DraftTree, TargetRows, ChainShaping, Verifier, RandomGenerator, TokenSink)}, under a grammar
     * constraint: {@code constraint} holds the constraint's states over this {@code tree} (null = unconstrained). It
     * is not advanced here; the sink's owner advances its own constraint by the emitted tokens.
     */
    public static Verification run(
            DraftTree tree,
            TargetRows rows,
            ChainShaping shaping,
            DraftConstraint constraint,
            Verifier verifier,
            RandomGenerator random,
            TokenSink sink) {
        if (constraint != null && constraint.tree() != tree) {
            throw new IllegalArgumentException("constraint must hold the states of the tree being verified");
        }
        ShapedRows shapedRows = new ShapedRows(rows, constraint, shaping.vocabularySize());
        return shaping.greedy()
                ? emitGreedy(tree, rows, shapedRows, shaping, sink)
                : emitVerified(tree, rows, shapedRows, shaping, verifier, random, sink);
    }

    /**
     * Verification against a greedy chain, fused with emitting. The target at every node is a point mass on the
     * chain's pick, so speculative sampling (and recursive rejection over any siblings, deterministic or drawn)
     * reduces to: follow the child whose token is that pick, else emit the pick and stop. Each row is shaped once
     * and the same candidates serve the pick and the reported log-probs, which is exactly plain decoding's work per
     * emitted token; no dense probability vector is built.
     */
    private static Verification emitGreedy(
            DraftTree tree, TargetRows rows, ShapedRows shapedRows, ChainShaping shaping, TokenSink sink) {
        int[] path = new int[tree.size()];
        int accepted = 0;
        int node = -1;
        while (true) {
            float[] data = rows.data(node);
            int offset = rows.offset(node);
            Row constrained = shapedRows.at(node);
            Candidates shaped = shaping.shape(constrained.data(), constrained.offset());
            int token = shaping.greedyPick(shaped);
            boolean finished = sink.emit(token, data, offset, shaped);
            shaping.accept(token);
            int child = tree.childWithToken(node, token);
            if (finished || child < 0) {
                return new Verification(Arrays.copyOf(path, accepted), token);
            }
            path[accepted++] = child;
            node = child;
        }
    }

    /** Verification by the configured verifier against the shaped target distributions, then emitting the path. */
    private static Verification emitVerified(
            DraftTree tree,
            TargetRows rows,
            ShapedRows shapedRows,
            ChainShaping shaping,
            Verifier verifier,
            RandomGenerator random,
            TokenSink sink) {
        ShapingWalk walk = new ShapingWalk(tree, shaping);
        Verification verification = verifier.verify(
                tree,
                node -> {
                    Row constrained = shapedRows.at(node);
                    return walk.at(node).probabilities(constrained.data(), constrained.offset());
                },
                random);
        int[] path = verification.acceptedNodes();
        for (int index = 0; index <= path.length; index++) {
            int token = index < path.length ? tree.tokens()[path[index]] : verification.nextToken();
            int node = index == 0 ? -1 : path[index - 1];
            float[] data = rows.data(node);
            int offset = rows.offset(node);
            Row constrained = shapedRows.at(node);
            boolean finished = sink.emit(token, data, offset, shaping.shape(constrained.data(), constrained.offset()));
            shaping.accept(token);
            if (finished) {
                break;
            }
        }
        return verification;
    }

    /**
     * The shaping with the path to a node accepted. Verifiers ask for nodes along one root-to-leaf walk, so a
     * node whose parent was the last one asked for extends the same copy by one token; anything else replays the
     * path into a fresh copy. Stateless shapers make every step cheap; stateful ones (penalties, DRY) see exactly
     * the drafted history.
     */
    private static final class ShapingWalk {
        private final DraftTree tree;
        private final ChainShaping base;
        private ChainShaping current;
        private int currentNode = Integer.MIN_VALUE;

        ShapingWalk(DraftTree tree, ChainShaping base) {
            this.tree = tree;
            this.base = base;
        }

        ChainShaping at(int node) {
            if (current != null && node >= 0 && tree.parents()[node] == currentNode) {
                current.accept(tree.tokens()[node]);
            } else {
                current = base.copy();
                for (int pathNode : tree.pathTo(node)) {
                    current.accept(tree.tokens()[pathNode]);
                }
            }
            currentNode = node;
            return current;
        }
    }

    /** A logits row: {@code data[offset, offset + vocabulary)}. */
    private record Row(float[] data, int offset) {}

    /**
     * The rows the chain shapes: the target's rows, or under a constraint each row masked by the constraint's state
     * after its node, made on first use and kept for the round (the verifier and the emitting both read it).
     */
    private static final class ShapedRows {
        private final TargetRows rows;
        private final DraftConstraint constraint;
        private final ConstraintMask mask;
        private final Map<Integer, float[]> maskedRows = new HashMap<>();

        ShapedRows(TargetRows rows, DraftConstraint constraint, int vocabularySize) {
            this.rows = rows;
            this.constraint = constraint;
            this.mask = constraint == null ? null : new ConstraintMask(vocabularySize);
        }

        Row at(int node) {
            Row raw = new Row(rows.data(node), rows.offset(node));
            if (constraint == null) {
                return raw;
            }
            float[] masked = maskedRows.get(node);
            if (masked == null) {
                Constraint state = constraint.stateAfter(node);
                if (state == null) {
                    // The path ends generation: nothing after it is emitted, but a verifier may draw its bonus here.
                    return raw;
                }
                masked = mask.masked(state, raw.data(), raw.offset());
                if (masked == null) {
                    int depth = node < 0 ? 0 : constraint.tree().pathTo(node).length;
                    throw new IllegalStateException("the constraint allows no token after the round's root and " + depth
                            + " drafted tokens (the grammar cannot continue with this vocabulary)");
                }
                maskedRows.put(node, masked);
            }
            return new Row(masked, 0);
        }
    }
}
