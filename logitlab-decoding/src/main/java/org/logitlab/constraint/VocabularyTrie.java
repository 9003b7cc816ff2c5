package org.logitlab.constraint;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The vocabulary's byte strings as a trie laid out in preorder, so one mask is a single forward scan that skips whole
 * subtrees once the matcher rejects their common prefix (the same sharing llama.cpp gets by grouping candidates on
 * their next code point in {@code llama_grammar_reject_candidates_for_stack}).
 *
 * <p>Node 0 is the empty prefix; node {@code n}'s subtree is {@code [n, n + subtreeSize[n])}; the tokens whose bytes end
 * at node {@code n} are {@code tokens[tokenStart[n] .. tokenStart[n + 1])}. Tokens with no bytes are left out: like
 * llama.cpp's grammar sampler, a constraint never allows them (except end-of-generation, handled separately).
 */
final class VocabularyTrie {

    final int nodeCount;
    final int[] parent;
    final int[] edgeByte;
    /** {@code parent << 8 | edgeByte}, one load per node in the mask loop. */
    final int[] parentAndByte;

    final int[] subtreeSize;
    /** Per node, 4 words: a 256-bit set of the bytes on edges strictly below it. */
    final long[] bytesBelow;

    final int[] tokenStart;
    final int[] tokens;

    VocabularyTrie(TokenVocabulary vocabulary) {
        Integer[] order = new Integer[vocabulary.size()];
        int count = 0;
        for (int id = 0; id < vocabulary.size(); id++) {
            if (vocabulary.bytesUnsafe(id).length > 0 && !vocabulary.endOfGenerationUnsafe(id)) {
                order[count++] = id;
            }
        }
        Integer[] sorted = Arrays.copyOf(order, count);
        Comparator<Integer> byBytes =
                (a, b) -> Arrays.compareUnsigned(vocabulary.bytesUnsafe(a), vocabulary.bytesUnsafe(b));
        Arrays.sort(sorted, byBytes.thenComparing(Integer::compare));

        int capacity = 1;
        for (Integer id : sorted) {
            capacity += vocabulary.bytesUnsafe(id).length;
        }
        int[] parents = new int[capacity];
        int[] bytes = new int[capacity];
        int[] nodeOfToken = new int[count];
        int[] path = new int[1];
        byte[] previous = new byte[0];
        int nodes = 1;
        parents[0] = -1;
        for (int i = 0; i < count; i++) {
            byte[] current = vocabulary.bytesUnsafe(sorted[i]);
            int common = Math.abs(Arrays.mismatch(previous, current));
            if (Arrays.equals(previous, current)) {
                common = current.length;
            }
            if (path.length < current.length + 1) {
                path = Arrays.copyOf(path, Math.max(current.length + 1, path.length * 2));
            }
            // Sorted order makes new nodes appear in preorder: a prefix sorts before its extensions.
            for (int depth = common + 1; depth <= current.length; depth++) {
                parents[nodes] = path[depth - 1];
                bytes[nodes] = current[depth - 1] & 0xFF;
                path[depth] = nodes;
                nodes++;
            }
            nodeOfToken[i] = path[current.length];
            previous = current;
        }
        if (nodes >= 1 << 23) {
            throw new IllegalArgumentException("vocabulary trie has " + nodes + " nodes, more than the 2^23 supported");
        }
        nodeCount = nodes;
        parent = Arrays.copyOf(parents, nodes);
        edgeByte = Arrays.copyOf(bytes, nodes);
        parentAndByte = new int[nodes];
        for (int node = 1; node < nodes; node++) {
            parentAndByte[node] = parent[node] << 8 | edgeByte[node];
        }
        subtreeSize = new int[nodes];
        Arrays.fill(subtreeSize, 1);
        for (int node = nodes - 1; node > 0; node--) {
            subtreeSize[parent[node]] += subtreeSize[node];
        }
        bytesBelow = new long[nodes * 4];
        for (int node = nodes - 1; node > 0; node--) {
            int above = parent[node] * 4;
            for (int word = 0; word < 4; word++) {
                bytesBelow[above + word] |= bytesBelow[node * 4 + word];
            }
            bytesBelow[above + (edgeByte[node] >>> 6)] |= 1L << edgeByte[node];
        }
        tokenStart = new int[nodes + 1];
        for (int i = 0; i < count; i++) {
            tokenStart[nodeOfToken[i] + 1]++;
        }
        for (int node = 0; node < nodes; node++) {
            tokenStart[node + 1] += tokenStart[node];
        }
        tokens = new int[count];
        int[] fill = Arrays.copyOf(tokenStart, nodes);
        for (int i = 0; i < count; i++) {
            tokens[fill[nodeOfToken[i]]++] = sorted[i];
        }
    }
}
