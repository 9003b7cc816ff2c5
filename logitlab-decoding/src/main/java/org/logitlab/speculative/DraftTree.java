package org.logitlab.speculative;

import java.util.Arrays;

/**
 * Drafted tokens as a tree hanging below the last known token (the root). A linear draft is a chain; several
 * drafts share their common prefixes. Siblings are listed in the order the verifier tries them.
 *
 * @param tokens token of each node
 * @param parents parent node of each node ({@code < i}), −1 for children of the root
 * @param proposals the draft distribution q each node was drawn from at its parent (siblings drawn together
 *     without replacement share one array), or {@code null} for a deterministic draft (q = δ_token)
 */
public record DraftTree(int[] tokens, int[] parents, double[][] proposals) {
    private static final DraftTree EMPTY = new DraftTree(new int[0], new int[0], new double[0][]);

    public DraftTree {
        if (tokens == null || parents == null || proposals == null) {
            throw new IllegalArgumentException("tokens, parents and proposals must not be null");
        }
        if (parents.length != tokens.length || proposals.length != tokens.length) {
            throw new IllegalArgumentException("tokens, parents and proposals must have one entry per node, got "
                    + tokens.length + ", " + parents.length + " and " + proposals.length);
        }
        for (int node = 0; node < tokens.length; node++) {
            if (parents[node] < -1 || parents[node] >= node) {
                throw new IllegalArgumentException(
                        "parents[" + node + "] must be in [-1, " + node + "), got " + parents[node]);
            }
            if (tokens[node] < 0) {
                throw new IllegalArgumentException("tokens[" + node + "] must be >= 0, got " + tokens[node]);
            }
            if (proposals[node] != null && !(proposals[node][tokens[node]] > 0.0)) {
                throw new IllegalArgumentException("proposals[" + node + "] gives its own token " + tokens[node]
                        + " probability " + proposals[node][tokens[node]] + "; a drawn token must have q > 0");
            }
        }
        tokens = tokens.clone();
        parents = parents.clone();
        proposals = proposals.clone();
    }

    public static DraftTree empty() {
        return EMPTY;
    }

    /** A linear draft; {@code proposals} may be null when every token is deterministic. */
    public static DraftTree chain(int[] tokens, double[][] proposals) {
        int[] parents = new int[tokens.length];
        for (int node = 0; node < tokens.length; node++) {
            parents[node] = node - 1;
        }
        return new DraftTree(tokens, parents, proposals == null ? new double[tokens.length][] : proposals);
    }

    public int size() {
        return tokens.length;
    }

    public boolean isEmpty() {
        return tokens.length == 0;
    }

    /** True when every node's parent is the node before it: one linear draft. */
    public boolean isChain() {
        for (int node = 0; node < parents.length; node++) {
            if (parents[node] != node - 1) {
                return false;
            }
        }
        return true;
    }

    /** The children of {@code node} (−1 = root) in verification order. */
    public int[] children(int node) {
        return Arrays.stream(indices()).filter(child -> parents[child] == node).toArray();
    }

    /** The first child of {@code node} (−1 = root) in verification order that carries {@code token}, or −1. */
    public int childWithToken(int node, int token) {
        for (int child = node + 1; child < tokens.length; child++) {
            if (parents[child] == node && tokens[child] == token) {
                return child;
            }
        }
        return -1;
    }

    /** Nodes from a root child down to {@code node}. */
    public int[] pathTo(int node) {
        int depth = 0;
        for (int current = node; current >= 0; current = parents[current]) {
            depth++;
        }
        int[] path = new int[depth];
        for (int current = node, index = depth - 1; current >= 0; current = parents[current], index--) {
            path[index] = current;
        }
        return path;
    }

    /** Node counts by depth: {@code result[d]} nodes lie at depth ≤ d (the root's children are at depth 1). */
    public int[] nodesUpToDepth() {
        int[] depths = new int[tokens.length];
        int deepest = 0;
        for (int node = 0; node < tokens.length; node++) {
            depths[node] = parents[node] < 0 ? 1 : depths[parents[node]] + 1;
            deepest = Math.max(deepest, depths[node]);
        }
        int[] counts = new int[deepest + 1];
        for (int depth : depths) {
            counts[depth]++;
        }
        for (int depth = 1; depth <= deepest; depth++) {
            counts[depth] += counts[depth - 1];
        }
        return counts;
    }

    /** The nodes at depth ≤ {@code maximumDepth}, in the same order (parents still precede children). */
    public DraftTree truncatedToDepth(int maximumDepth) {
        int[] depths = new int[tokens.length];
        int[] newIndex = new int[tokens.length];
        int kept = 0;
        for (int node = 0; node < tokens.length; node++) {
            depths[node] = parents[node] < 0 ? 1 : depths[parents[node]] + 1;
            newIndex[node] = depths[node] <= maximumDepth ? kept++ : -1;
        }
        if (kept == tokens.length) {
            return this;
        }
        int[] keptTokens = new int[kept];
        int[] keptParents = new int[kept];
        double[][] keptProposals = new double[kept][];
        for (int node = 0; node < tokens.length; node++) {
            if (newIndex[node] >= 0) {
                keptTokens[newIndex[node]] = tokens[node];
                keptParents[newIndex[node]] = parents[node] < 0 ? -1 : newIndex[parents[node]];
                keptProposals[newIndex[node]] = proposals[node];
            }
        }
        return new DraftTree(keptTokens, keptParents, keptProposals);
    }

    /** Number of nodes on the longest root-to-leaf path. */
    public int depth() {
        int deepest = 0;
        for (int node = 0; node < tokens.length; node++) {
            deepest = Math.max(deepest, pathTo(node).length);
        }
        return deepest;
    }

    private int[] indices() {
        int[] indices = new int[tokens.length];
        Arrays.setAll(indices, i -> i);
        return indices;
    }
}
