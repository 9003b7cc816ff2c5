package org.logitlab.speculative;

import java.util.function.IntPredicate;
import org.logitlab.constraint.Constraint;

/**
 * A grammar constraint over one draft tree: the constraint's state after every node (the root's copied, then
 * {@code copy()} + {@code accept(token)} down each path), and the pruning that removes drafts the target can never
 * accept.
 *
 * <p>Under a constraint the target p at a node is the chain's distribution over the row masked by the state there,
 * exactly as {@link org.logitlab.generation.Generator} samples it, so a token the state forbids has p = 0 and is
 * rejected with certainty. For a deterministic draft (q = δ_x) that rejection leaves the residual norm(max(0, p − δ_x))
 * = p unchanged, so removing the node beforehand gives the same output law and saves its row in the verification
 * pass; everything below it was unreachable anyway. A token drawn from a proposal q is different: whether it is
 * forbidden depends on the draw, and cutting it would change the law (the rejection's residual is not p), so it is
 * kept and rejected by the verifier — drafters that sample mask q instead ({@link DraftModelDrafter}), which makes
 * such nodes impossible. Below an end-of-generation token nothing is ever emitted, so those subtrees are cut too.
 *
 * <p>A round prunes the drafted tree first, has the target evaluate what is left, and passes this object to {@link
 * VerificationRound#run(DraftTree, VerificationRound.TargetRows, ChainShaping, DraftConstraint, Verifier,
 * java.util.random.RandomGenerator, VerificationRound.TokenSink)}.
 */
public final class DraftConstraint {
    private final DraftTree tree;
    private final Constraint root;
    private final IntPredicate endsGeneration;
    private final Constraint[] states;
    private final boolean[] known;

    /**
     * @param root the state at the root (copied: the caller's constraint may advance while this is in use)
     * @param endsGeneration which tokens end generation (the tokenizer's, as in Generator's stopping rule)
     */
    public DraftConstraint(DraftTree tree, Constraint root, IntPredicate endsGeneration) {
        if (tree == null || root == null || endsGeneration == null) {
            throw new IllegalArgumentException("tree, root and endsGeneration must not be null");
        }
        this.tree = tree;
        this.root = root.copy();
        this.endsGeneration = endsGeneration;
        this.states = new Constraint[tree.size()];
        this.known = new boolean[tree.size()];
    }

    public DraftTree tree() {
        return tree;
    }

    /**
     * The constraint's state after {@code node} (−1 = the root), or null when nothing after that node is ever emitted
     * (an end-of-generation token or a token the constraint forbids lies on the path). Callers must not change it.
     */
    public Constraint stateAfter(int node) {
        if (node < 0) {
            return root;
        }
        if (!known[node]) {
            states[node] = next(stateAfter(tree.parents()[node]), tree.tokens()[node], endsGeneration);
            known[node] = true;
        }
        return states[node];
    }

    /**
     * {@code drafted} without the deterministic nodes {@code root} (advanced along their path) forbids, and without
     * everything below a forbidden or end-of-generation node; node order is kept, so parents still precede children.
     */
    public static DraftTree prune(DraftTree drafted, Constraint root, IntPredicate endsGeneration) {
        int size = drafted.size();
        int[] tokens = drafted.tokens();
        int[] parents = drafted.parents();
        double[][] proposals = drafted.proposals();
        Constraint[] states = new Constraint[size];
        int[] newIndex = new int[size];
        int kept = 0;
        for (int node = 0; node < size; node++) {
            newIndex[node] = -1;
            int parent = parents[node];
            Constraint before = parent < 0 ? root : states[parent]; // null below a cut or ended node
            if (before == null) {
                continue;
            }
            if (proposals[node] == null && !before.allows(tokens[node])) {
                continue;
            }
            newIndex[node] = kept++;
            states[node] = next(before, tokens[node], endsGeneration);
        }
        if (kept == size) {
            return drafted;
        }
        int[] keptTokens = new int[kept];
        int[] keptParents = new int[kept];
        double[][] keptProposals = new double[kept][];
        for (int node = 0; node < size; node++) {
            int index = newIndex[node];
            if (index >= 0) {
                keptTokens[index] = tokens[node];
                keptParents[index] = parents[node] < 0 ? -1 : newIndex[parents[node]];
                keptProposals[index] = proposals[node];
            }
        }
        return new DraftTree(keptTokens, keptParents, keptProposals);
    }

    /** The state after {@code token}, or null when nothing can be emitted after it. */
    private static Constraint next(Constraint before, int token, IntPredicate endsGeneration) {
        if (before == null || endsGeneration.test(token) || !before.allows(token)) {
            return null;
        }
        Constraint after = before.copy();
        after.accept(token);
        return after;
    }
}
