package org.logitlab.speculative;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.logitlab.distribution.TopK;
import org.logitlab.session.Logits;

/**
 * Token Recycling (Luo et al. 2024, "Turning Trash into Treasure"): an adjacency matrix keeps, for every
 * token, the top-k next tokens of the most recent target distribution that followed it — candidates the
 * target computed anyway and plain decoding throws away. A draft tree is built by breadth-first expansion
 * from the last token with a fixed branching per depth (the paper's static tree template), and the matrix is
 * refreshed from every row of every verification pass. Training-free and without a second model; the
 * drafts are deterministic, so the verifier treats them as point masses.
 */
public final class TokenRecyclingDrafter implements Drafter {
    private final int candidatesPerToken;
    private final int[] branchingPerDepth;
    /** adjacency[token * candidatesPerToken + j] = j-th best successor seen for token, −1 when unknown. */
    private final int[] adjacency;

    /**
     * @param candidatesPerToken k of the adjacency matrix
     * @param branchingPerDepth children per node at each depth (each ≤ k), e.g. {4, 2, 2, 1, 1, 1}
     */
    public TokenRecyclingDrafter(int vocabularySize, int candidatesPerToken, int[] branchingPerDepth) {
        if (vocabularySize < 1) {
            throw new IllegalArgumentException("vocabularySize must be >= 1, got " + vocabularySize);
        }
        if (candidatesPerToken < 1 || candidatesPerToken > vocabularySize) {
            throw new IllegalArgumentException(
                    "candidatesPerToken must be in [1, " + vocabularySize + "], got " + candidatesPerToken);
        }
        if (branchingPerDepth == null
                || branchingPerDepth.length == 0
                || Arrays.stream(branchingPerDepth).anyMatch(b -> b < 1 || b > candidatesPerToken)) {
            throw new IllegalArgumentException("branchingPerDepth must be non-empty with entries in [1, "
                    + candidatesPerToken + "], got " + Arrays.toString(branchingPerDepth));
        }
        this.candidatesPerToken = candidatesPerToken;
        this.branchingPerDepth = branchingPerDepth.clone();
        this.adjacency = new int[vocabularySize * candidatesPerToken];
        Arrays.fill(adjacency, -1);
    }

    public static TokenRecyclingDrafter withDefaults(int vocabularySize) {
        return new TokenRecyclingDrafter(
                vocabularySize, Math.min(8, vocabularySize), new int[] {4, 3, 2, 2, 1, 1, 1, 1});
    }

    @Override
    public DraftTree draft(DraftRequest request) {
        int[] context = request.context();
        List<Integer> tokens = new ArrayList<>();
        List<Integer> parents = new ArrayList<>();
        int[] frontier = {-1};
        int[] frontierTokens = {context[context.length - 1]};
        int depthLimit = Math.min(request.maxDepth(), branchingPerDepth.length);
        for (int depth = 0; depth < depthLimit && frontier.length > 0; depth++) {
            List<Integer> nextFrontier = new ArrayList<>();
            for (int f = 0; f < frontier.length && tokens.size() < request.maxNodes(); f++) {
                int base = frontierTokens[f] * candidatesPerToken;
                for (int j = 0; j < branchingPerDepth[depth] && tokens.size() < request.maxNodes(); j++) {
                    int candidate = adjacency[base + j];
                    if (candidate < 0) {
                        break;
                    }
                    nextFrontier.add(tokens.size());
                    tokens.add(candidate);
                    parents.add(frontier[f]);
                }
            }
            frontier = nextFrontier.stream().mapToInt(Integer::intValue).toArray();
            frontierTokens = Arrays.stream(frontier).map(tokens::get).toArray();
        }
        int[] tokenArray = tokens.stream().mapToInt(Integer::intValue).toArray();
        return new DraftTree(
                tokenArray, parents.stream().mapToInt(Integer::intValue).toArray(), new double[tokenArray.length][]);
    }

    @Override
    public void observe(int[] tokens, Logits logits) {
        for (int row = 0; row < tokens.length; row++) {
            int[] best =
                    TopK.topIndices(logits.data(), logits.offset(row), logits.vocabularySize(), candidatesPerToken);
            System.arraycopy(best, 0, adjacency, tokens[row] * candidatesPerToken, candidatesPerToken);
        }
    }

    @Override
    public String name() {
        return "recycle";
    }
}
