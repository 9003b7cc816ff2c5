package org.logitlab.speculative;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.logitlab.constraint.Constraint;

/** Pruning random draft trees against the grammar of {@link DraftConstraintTest}. */
class DraftConstraintPropertiesTest {
    /**
     * For any tree, the pruned tree holds exactly the drafted nodes whose ancestors are all allowed and not END (replayed
     * from a fresh constraint along each path) and that are allowed themselves or were drawn from a proposal — in order.
     */
    @Property(tries = 300)
    void keepsExactlyTheNodesTheTargetCanReach(@ForAll("trees") DraftTree drafted) {
        DraftTree pruned = DraftConstraint.prune(drafted, DraftConstraintTest.constraint(), DraftConstraintTest.ENDS);
        List<List<Integer>> expected = new ArrayList<>();
        for (int node = 0; node < drafted.size(); node++) {
            if (reachable(drafted, node)) {
                expected.add(pathTokens(drafted, node));
            }
        }
        List<List<Integer>> actual = new ArrayList<>();
        for (int node = 0; node < pruned.size(); node++) {
            actual.add(pathTokens(pruned, node));
        }
        assertThat(actual).isEqualTo(expected);
    }

    private static boolean reachable(DraftTree tree, int node) {
        Constraint replay = DraftConstraintTest.constraint();
        int[] path = tree.pathTo(node);
        for (int index = 0; index < path.length; index++) {
            int token = tree.tokens()[path[index]];
            boolean last = index == path.length - 1;
            if (!replay.allows(token)) {
                return last && tree.proposals()[path[index]] != null;
            }
            if (last) {
                return true;
            }
            if (token == DraftConstraintTest.END) {
                return false;
            }
            replay.accept(token);
        }
        throw new AssertionError("a path ends at its node");
    }

    private static List<Integer> pathTokens(DraftTree tree, int node) {
        return Arrays.stream(tree.pathTo(node))
                .mapToObj(index -> tree.tokens()[index])
                .toList();
    }

    @Provide
    Arbitrary<DraftTree> trees() {
        Arbitrary<int[]> tokens = Arbitraries.integers()
                .between(0, DraftConstraintTest.END)
                .array(int[].class)
                .ofMinSize(0)
                .ofMaxSize(14);
        return tokens.flatMap(array -> {
            int size = array.length;
            Arbitrary<int[]> parents = Arbitraries.integers()
                    .between(0, 1_000)
                    .array(int[].class)
                    .ofSize(size)
                    .map(raw -> {
                        int[] parent = new int[size];
                        for (int node = 0; node < size; node++) {
                            parent[node] = raw[node] % (node + 1) - 1; // in [-1, node)
                        }
                        return parent;
                    });
            Arbitrary<boolean[]> sampled = Arbitraries.of(true, false)
                    .list()
                    .ofSize(size)
                    .map(flags -> {
                        boolean[] result = new boolean[size];
                        for (int node = 0; node < size; node++) {
                            result[node] = flags.get(node);
                        }
                        return result;
                    });
            return Combinators.combine(parents, sampled).as((parent, drawn) -> {
                double[][] proposals = new double[size][];
                for (int node = 0; node < size; node++) {
                    proposals[node] = drawn[node] ? DraftConstraintTest.UNIFORM : null;
                }
                return new DraftTree(array, parent, proposals);
            });
        });
    }
}
