package org.logitlab.speculative;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.logitlab.constraint.Constraint;
import org.logitlab.constraint.ConstraintMask;
import org.logitlab.distribution.Distribution;
import org.logitlab.distribution.TokenLogProb;
import org.logitlab.model.Model;
import org.logitlab.session.Session;
import org.logitlab.tokenizer.Tokenizer;

/**
 * Drafts with a smaller model that shares the target's vocabulary (Leviathan et al. 2023; Chen et al. 2023).
 * The draft's logits go through the same sampler shaping as the target's, so q is the distribution the chain
 * would sample from under the draft. With a sampling chain drafts are drawn from q (siblings without
 * replacement); with a greedy chain the draft proposes its most likely tokens as point masses.
 *
 * <p>Shapes: {@link Shape#CHAIN} one linear draft with SpecDec++-style adaptive length ({@link DraftLength});
 * {@link Shape#TREE} a dynamic tree grown level by level where each node's number of children follows the
 * draft's probabilities (DySpec, Xiong et al. 2024: expand where the estimated path acceptance is highest);
 * {@link Shape#MULTI} k drafts that share only the root (multi-draft, verified by recursive rejection). The
 * number of children of a node is fixed from q before its children are drawn, as the verifier requires.
 *
 * <p>Under a grammar constraint ({@link DraftRequest#constraint()}) q at every node is computed from the draft's row
 * masked by the constraint's state there, the same mask the target's p gets, so no draft is spent on a token the
 * target gives probability 0 and the draft's acceptance estimates are about the constrained distributions. Masking q
 * is not needed for exactness: the verifiers accept x with min(1, p(x)/q(x)), which is 0 where p is, and resample
 * from norm(max(0, p − q)), which gives q's mass on forbidden tokens no weight (there p − q ≤ 0).
 */
public final class DraftModelDrafter implements Drafter {
    /** Most children per node in a dynamic tree (and drafts of {@link Shape#MULTI}). */
    private static final int MAXIMUM_BRANCHING = 4;

    /** The default number of drafts of {@link Shape#MULTI}. */
    public static final int DEFAULT_DRAFTS = 3;

    public enum Shape {
        CHAIN,
        TREE,
        MULTI
    }

    private final Session session;
    private final Shape shape;
    private final DraftLength length;
    private final int drafts;

    private final double draftTemperature;

    public DraftModelDrafter(
            Model target, Model draft, int contextLength, Shape shape, DraftLength length, int drafts) {
        this(target, draft, contextLength, shape, length, drafts, 1.0);
    }

    /**
     * @param drafts number of drafts for {@link Shape#MULTI} (ignored otherwise; at most four are drafted)
     * @param draftTemperature divides the draft's raw logits before the chain's shaping (1 = unchanged); any
     *     value keeps the output lossless, it only moves q away from or towards p
     */
    public DraftModelDrafter(
            Model target,
            Model draft,
            int contextLength,
            Shape shape,
            DraftLength length,
            int drafts,
            double draftTemperature) {
        if (!(draftTemperature > 0) || Double.isInfinite(draftTemperature)) {
            throw new IllegalArgumentException("draftTemperature must be finite and > 0, got " + draftTemperature);
        }
        this.draftTemperature = draftTemperature;
        requireSameVocabulary(target, draft);
        if (shape == null || length == null) {
            throw new IllegalArgumentException("shape and length must not be null");
        }
        if (drafts < 1) {
            throw new IllegalArgumentException("drafts must be >= 1, got " + drafts);
        }
        this.session = draft.newSession(contextLength);
        this.shape = shape;
        this.length = length;
        this.drafts = drafts;
    }

    /** Speculative decoding needs token i to mean the same thing to both models: same size, same strings. */
    public static void requireSameVocabulary(Model target, Model draft) {
        Tokenizer targetTokens = target.tokenizer();
        Tokenizer draftTokens = draft.tokenizer();
        int targetSize = target.config().vocabularySize();
        int draftSize = draft.config().vocabularySize();
        if (targetSize != draftSize) {
            throw new IllegalArgumentException("draft model " + draft.source() + " has a vocabulary of " + draftSize
                    + " tokens, the target " + target.source() + " has " + targetSize + "; they must share one");
        }
        for (int id = 0; id < targetSize; id++) {
            if (!Arrays.equals(targetTokens.tokenBytes(id), draftTokens.tokenBytes(id))
                    || !targetTokens.piece(id).equals(draftTokens.piece(id))) {
                throw new IllegalArgumentException(
                        "draft model " + draft.source() + " differs from the target at token "
                                + id + ": '" + draftTokens.piece(id) + "' vs '" + targetTokens.piece(id)
                                + "'; the vocabularies must be identical");
            }
        }
    }

    @Override
    public DraftTree draft(DraftRequest request) {
        int depthLimit = Math.min(Math.min(request.maxDepth(), length.draftMax()), request.maxNodes());
        if (depthLimit == 0) {
            return DraftTree.empty();
        }
        float[] root = synchronize(request.context());
        return shape == Shape.CHAIN ? chain(request, root, depthLimit) : tree(request, root, depthLimit);
    }

    /** Brings the draft session to {@code context} reusing the common prefix; returns the row after it. */
    private float[] synchronize(int[] context) {
        int[] known = session.tokens();
        int common = Arrays.mismatch(known, context);
        common = common < 0 ? known.length : common;
        common = Math.min(common, context.length - 1);
        session.truncate(common);
        return scaled(session.append(Arrays.copyOfRange(context, common, context.length), false)
                .last());
    }

    private DraftTree chain(DraftRequest request, float[] row, int depthLimit) {
        ChainShaping shaping = request.shaping().copy();
        Constraint state =
                request.constraint() == null ? null : request.constraint().copy();
        ConstraintMask mask = state == null ? null : new ConstraintMask(shaping.vocabularySize());
        List<Integer> tokens = new ArrayList<>();
        List<double[]> proposals = new ArrayList<>();
        double estimate = 1.0;
        for (int depth = 0; depth < depthLimit; depth++) {
            float[] constrained = state == null ? row : mask.masked(state, row, 0);
            if (constrained == null) {
                break; // the constraint allows nothing more (an end of generation was drafted)
            }
            double[] q = shaping.probabilities(constrained, 0);
            double confidence = confidence(constrained, q, shaping.greedy());
            if (depth >= length.draftMin() && estimate * confidence < length.pMin()) {
                break;
            }
            estimate *= confidence;
            int token =
                    shaping.greedy() ? SpeculativeSampling.argmax(q) : SpeculativeSampling.sample(q, request.random());
            tokens.add(token);
            proposals.add(shaping.greedy() ? null : q);
            if (depth + 1 < depthLimit) {
                shaping.accept(token);
                if (state != null) {
                    state.accept(token);
                }
                row = scaled(session.append(token).last());
            }
        }
        return DraftTree.chain(
                tokens.stream().mapToInt(Integer::intValue).toArray(), proposals.toArray(new double[0][]));
    }

    /**
     * The draft's estimate that its next token is accepted, from the distribution only (never from the drawn
     * token, so stopping cannot bias which tokens are drafted): its top probability, raw when the target is
     * greedy (the shaped q is then a point mass).
     */
    private static double confidence(float[] row, double[] q, boolean greedy) {
        if (greedy) {
            Distribution raw = Distribution.of(row);
            return raw.prob(raw.argmax());
        }
        return q[SpeculativeSampling.argmax(q)];
    }

    private DraftTree tree(DraftRequest request, float[] rootRow, int depthLimit) {
        int nodeLimit = Math.min(request.maxNodes(), length.treeNodes());
        boolean greedy = request.shaping().greedy();
        ConstraintMask mask = request.constraint() == null
                ? null
                : new ConstraintMask(request.shaping().vocabularySize());
        List<Integer> tokens = new ArrayList<>();
        List<Integer> parents = new ArrayList<>();
        List<double[]> proposals = new ArrayList<>();
        List<Double> estimates = new ArrayList<>();
        List<Constraint> states = new ArrayList<>(); // the constraint after each node; null when unconstrained
        int[] frontier = {-1};
        float[][] frontierRows = {rootRow};
        for (int depth = 0; depth < depthLimit && frontier.length > 0 && tokens.size() < nodeLimit; depth++) {
            int count = frontier.length;
            double[][] targetQ = new double[count][];
            double[][] ranked = new double[count][];
            int[][] rankedTokens = new int[count][];
            float[][] constrainedRows = new float[count][];
            for (int f = 0; f < count; f++) {
                Constraint state = frontier[f] < 0 ? request.constraint() : states.get(frontier[f]);
                constrainedRows[f] = state == null ? frontierRows[f] : mask.masked(state, frontierRows[f], 0);
                if (constrainedRows[f] == null) {
                    // The constraint allows nothing after this node (it ends generation): no children.
                    rankedTokens[f] = new int[0];
                    ranked[f] = new double[0];
                    continue;
                }
                ChainShaping shaping = shapingAt(request, tokens, parents, frontier[f]);
                targetQ[f] = shaping.probabilities(constrainedRows[f], 0);
                rankedTokens[f] = rankedTokens(constrainedRows[f], targetQ[f], greedy);
                ranked[f] = new double[rankedTokens[f].length];
                double[] confidenceSource =
                        greedy ? Distribution.of(constrainedRows[f]).logProbs() : targetQ[f];
                for (int j = 0; j < rankedTokens[f].length; j++) {
                    double value = confidenceSource[rankedTokens[f][j]];
                    ranked[f][j] = greedy ? Math.exp(value) : value;
                }
            }
            int[] children = childCounts(frontier, ranked, estimates, depth, nodeLimit - tokens.size());
            List<Integer> nextFrontier = new ArrayList<>();
            for (int f = 0; f < count; f++) {
                if (children[f] == 0) {
                    continue;
                }
                double parentEstimate = frontier[f] < 0 ? 1.0 : estimates.get(frontier[f]);
                int[] chosen = greedy
                        ? Arrays.copyOf(rankedTokens[f], children[f])
                        : SpeculativeSampling.sampleWithoutReplacement(targetQ[f], children[f], request.random());
                Constraint parentState = frontier[f] < 0 ? request.constraint() : states.get(frontier[f]);
                for (int token : chosen) {
                    nextFrontier.add(tokens.size());
                    tokens.add(token);
                    parents.add(frontier[f]);
                    proposals.add(greedy ? null : targetQ[f]);
                    double probability =
                            greedy ? Distribution.of(constrainedRows[f]).prob(token) : targetQ[f][token];
                    estimates.add(parentEstimate * probability);
                    states.add(parentState == null ? null : accepted(parentState, token));
                }
            }
            frontier = nextFrontier.stream().mapToInt(Integer::intValue).toArray();
            if (frontier.length == 0 || depth + 1 >= depthLimit || tokens.size() >= nodeLimit) {
                break;
            }
            var logits = session.appendTree(
                    tokens.stream().mapToInt(Integer::intValue).toArray(),
                    parents.stream().mapToInt(Integer::intValue).toArray());
            frontierRows = new float[frontier.length][];
            for (int f = 0; f < frontier.length; f++) {
                frontierRows[f] = scaled(logits.row(frontier[f]));
            }
        }
        return new DraftTree(
                tokens.stream().mapToInt(Integer::intValue).toArray(),
                parents.stream().mapToInt(Integer::intValue).toArray(),
                proposals.toArray(new double[0][]));
    }

    /**
     * Candidate children by descending draft probability (raw when greedy, shaped q otherwise); never a token the
     * constraint masked out of {@code row}.
     */
    private static int[] rankedTokens(float[] row, double[] q, boolean greedy) {
        if (greedy) {
            return Distribution.of(row).topK(MAXIMUM_BRANCHING).stream()
                    .filter(candidate -> candidate.logProb() != Double.NEGATIVE_INFINITY)
                    .mapToInt(TokenLogProb::id)
                    .toArray();
        }
        return SpeculativeSampling.topTokens(q, MAXIMUM_BRANCHING);
    }

    /**
     * Children per frontier node, decided from the draft distributions alone. TREE: the j-th child of f is
     * worth estimate(f)·q_f(j-th best) (its chance of being reached and accepted); the most valuable are taken
     * while worth ≥ pMin and nodes remain. MULTI: {@code drafts} children at the root and one below, while the
     * path estimate stays ≥ pMin. Depths below draftMin always get at least one child.
     */
    private int[] childCounts(int[] frontier, double[][] ranked, List<Double> estimates, int depth, int budget) {
        int[] counts = new int[frontier.length];
        boolean forced = depth < length.draftMin();
        if (shape == Shape.MULTI) {
            for (int f = 0; f < frontier.length && budget > 0; f++) {
                if (ranked[f].length == 0) {
                    continue;
                }
                double estimate = frontier[f] < 0 ? 1.0 : estimates.get(frontier[f]);
                int wanted = depth == 0 ? Math.min(drafts, ranked[f].length) : 1;
                if (forced || estimate * ranked[f][0] >= length.pMin()) {
                    counts[f] = Math.min(wanted, budget);
                    budget -= counts[f];
                }
            }
            return counts;
        }
        while (budget > 0) {
            int best = -1;
            double bestValue = -1;
            for (int f = 0; f < frontier.length; f++) {
                if (counts[f] < ranked[f].length) {
                    double estimate = frontier[f] < 0 ? 1.0 : estimates.get(frontier[f]);
                    double value = estimate * ranked[f][counts[f]];
                    if (value > bestValue) {
                        bestValue = value;
                        best = f;
                    }
                }
            }
            if (best < 0
                    || (bestValue < length.pMin()
                            && !(forced && Arrays.stream(counts).sum() == 0))) {
                break;
            }
            counts[best]++;
            budget--;
        }
        return counts;
    }

    private static Constraint accepted(Constraint state, int token) {
        Constraint after = state.copy();
        after.accept(token);
        return after;
    }

    private static ChainShaping shapingAt(DraftRequest request, List<Integer> tokens, List<Integer> parents, int node) {
        ChainShaping shaping = request.shaping().copy();
        List<Integer> path = new ArrayList<>();
        for (int current = node; current >= 0; current = parents.get(current)) {
            path.addFirst(tokens.get(current));
        }
        for (int token : path) {
            shaping.accept(token);
        }
        return shaping;
    }

    private float[] scaled(float[] row) {
        if (draftTemperature != 1.0) {
            for (int id = 0; id < row.length; id++) {
                row[id] = (float) (row[id] / draftTemperature);
            }
        }
        return row;
    }

    @Override
    public boolean estimatesAcceptance() {
        return true;
    }

    @Override
    public String name() {
        return switch (shape) {
            case CHAIN -> "draft";
            case TREE -> "tree";
            case MULTI -> "multi";
        };
    }
}
