package org.logitlab.speculative;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.logitlab.constraint.Constraint;
import org.logitlab.constraint.Constraints;
import org.logitlab.constraint.TokenVocabulary;

/** Pruning a draft tree to what a constraint allows, and the constraint's state along each drafted path. */
class DraftConstraintTest {
    /** Tokens 0 "a", 1 "b", 2 "ab", 3 "c"; token 4 ends generation. */
    static final int END = 4;

    private static final TokenVocabulary VOCABULARY = vocabulary("a", "b", "ab", "c");
    static final IntPredicate ENDS = token -> token == END;

    /** a b* c? — complete (so END allowed) after "a", "ab…" and "ab…c". */
    static Constraint constraint() {
        return Constraints.gbnf("root ::= \"a\" \"b\"* \"c\"?", VOCABULARY);
    }

    static final double[] UNIFORM = {0.2, 0.2, 0.2, 0.2, 0.2};

    @Test
    void cutsForbiddenDeterministicDraftsWithEverythingBelowThem() {
        // Root children: "a" (0) and "b" (1, forbidden at the start); "b" under "a"; "c" under "b"; "a" under 0.
        DraftTree drafted =
                new DraftTree(new int[] {0, 1, 1, 3, 0, 3}, new int[] {-1, -1, 0, 1, 0, 2}, new double[6][]);
        DraftTree pruned = DraftConstraint.prune(drafted, constraint(), ENDS);
        // Kept: node 0 "a", node 2 "b" under it, node 5 "c" under node 2; node 4 ("a" after "a") is forbidden.
        assertThat(pruned.tokens()).containsExactly(0, 1, 3);
        assertThat(pruned.parents()).containsExactly(-1, 0, 1);
        assertThat(DraftConstraint.prune(pruned, constraint(), ENDS))
                .as("a pruned tree has nothing left to cut")
                .isSameAs(pruned);
    }

    @Test
    void keepsForbiddenSampledDraftsForTheVerifierButNothingBelowThem() {
        // Cutting a drawn token would change the verifier's law; the verifier rejects it (p = 0) instead.
        DraftTree drafted =
                new DraftTree(new int[] {1, 0, 3}, new int[] {-1, 0, -1}, new double[][] {UNIFORM, UNIFORM, UNIFORM});
        DraftTree pruned = DraftConstraint.prune(drafted, constraint(), ENDS);
        assertThat(pruned.tokens()).containsExactly(1, 3);
        assertThat(pruned.parents()).containsExactly(-1, -1);
        assertThat(pruned.proposals()[0]).isSameAs(UNIFORM);
        assertThat(pruned.proposals()[1]).isSameAs(UNIFORM);
    }

    @Test
    void cutsEverythingBelowAnEndOfGeneration() {
        // "a", then END (allowed: "a" is complete), then "b" and END below END.
        DraftTree drafted = new DraftTree(new int[] {0, END, 1, END, 1}, new int[] {-1, 0, 1, 1, 0}, new double[][] {
            null, null, UNIFORM, null, null
        });
        DraftTree pruned = DraftConstraint.prune(drafted, constraint(), ENDS);
        assertThat(pruned.tokens()).containsExactly(0, END, 1);
        assertThat(pruned.parents()).containsExactly(-1, 0, 0);
    }

    @Test
    void statesFollowEachPathAndLeaveTheRootAlone() {
        Constraint root = constraint();
        DraftTree tree = new DraftTree(new int[] {0, 1, 3, END}, new int[] {-1, 0, 1, 0}, new double[4][]);
        DraftConstraint states = new DraftConstraint(tree, root, ENDS);
        root.accept(2); // the caller's constraint moves on; the copies made for the tree must not
        assertThat(states.stateAfter(-1).allows(0)).isTrue();
        assertThat(states.stateAfter(0).allows(0)).isFalse();
        assertThat(states.stateAfter(0).allows(1)).isTrue();
        assertThat(states.stateAfter(2).isComplete()).isTrue();
        assertThat(states.stateAfter(2).allows(1)).as("after \"abc\" only END").isFalse();
        assertThat(states.stateAfter(3))
                .as("nothing follows an end of generation")
                .isNull();
    }

    private static TokenVocabulary vocabulary(String... pieces) {
        byte[][] bytes = new byte[pieces.length + 1][];
        for (int i = 0; i < pieces.length; i++) {
            bytes[i] = pieces[i].getBytes(StandardCharsets.UTF_8);
        }
        bytes[pieces.length] = new byte[0];
        BitSet end = new BitSet();
        end.set(pieces.length);
        return new TokenVocabulary(bytes, end);
    }
}
