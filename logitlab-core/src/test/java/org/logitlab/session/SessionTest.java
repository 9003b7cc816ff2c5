package org.logitlab.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.logitlab.model.Model;

class SessionTest {
    private static final int[] STORY = {1, 403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315};
    private static Model model;

    @BeforeAll
    static void loadEmbeddedModel() throws IOException {
        model = Model.loadEmbedded();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void batchedPrefillEqualsOneTokenAtATime() {
        Logits batched = model.newSession(64).append(STORY);
        Session incremental = model.newSession(64);
        for (int i = 0; i < STORY.length; i++) {
            float[] step = incremental.append(STORY[i]).last();
            float[] row = batched.row(i);
            for (int id = 0; id < row.length; id++) {
                assertThat(step[id])
                        .as("position %d token %d", i, id)
                        .isCloseTo(row[id], org.assertj.core.data.Offset.offset(1e-4f));
            }
        }
    }

    @Test
    void lastOnlyPrefillReturnsTheSameLastRow() {
        float[] all = model.newSession(64).append(STORY).last();
        Logits lastOnly = model.newSession(64).append(STORY, false);
        assertThat(lastOnly.positions()).isEqualTo(1);
        assertThat(lastOnly.firstPosition()).isEqualTo(STORY.length - 1);
        assertThat(lastOnly.last()).containsExactly(all);
    }

    @Test
    void truncateThenAppendEqualsAFreshSession() {
        Session session = model.newSession(64);
        session.append(STORY);
        session.truncate(5);
        assertThat(session.length()).isEqualTo(5);
        float[] afterTruncate = session.append(new int[] {100, 200}).last();
        int[] fresh = {STORY[0], STORY[1], STORY[2], STORY[3], STORY[4], 100, 200};
        assertThat(afterTruncate)
                .containsExactly(model.newSession(64).append(fresh).last());
    }

    @Test
    void forkIsIndependentOfItsParent() {
        Session parent = model.newSession(64);
        parent.append(STORY);
        Session child = parent.fork();
        float[] childNext = child.append(50).last();
        parent.append(60);
        assertThat(parent.fork().length()).isEqualTo(STORY.length + 1);
        Session reference = model.newSession(64);
        reference.append(STORY);
        assertThat(childNext).containsExactly(reference.append(50).last());
        assertThat(child.tokens()).endsWith(50);
        assertThat(parent.tokens()).endsWith(60);
    }

    @Test
    void exceedingTheContextIsAClearError() {
        Session session = model.newSession(8);
        assertThatThrownBy(() -> session.append(STORY))
                .isInstanceOf(ContextOverflowException.class)
                .hasMessageContaining("exceeds the context length 8");
        assertThat(session.length()).isZero();
    }

    @Test
    void rejectsTokensOutsideTheVocabularyAndBadLengths() {
        Session session = model.newSession(8);
        assertThatThrownBy(() -> session.append(1, 512)).hasMessageContaining("token id 512 at index 1");
        assertThatThrownBy(() -> session.truncate(3)).hasMessageContaining("[0, 0], got 3");
        assertThatThrownBy(() -> model.newSession(0)).hasMessageContaining("got 0");
        assertThat(model.newSession(4096).contextLength())
                .as("longer than trained is allowed, as in llama.cpp")
                .isEqualTo(4096);
        assertThatThrownBy(() -> model.newSession(-5)).hasMessageContaining("got -5");
    }

    @Test
    void treeBranchesEqualSeparateSequencesAndAcceptedPathsContinueCorrectly() {
        int[] prefix = {1, 403, 407};
        // tree: node0 = 261 (root), node1 = 378 (child of 0), node2 = 276 (child of 0), node3 = 100 (root)
        int[] tree = {261, 378, 276, 100};
        int[] parents = {-1, 0, 0, -1};
        Session session = model.newSession(64);
        session.append(prefix);
        Logits treeLogits = session.appendTree(tree, parents);
        int[][] paths = {{261}, {261, 378}, {261, 276}, {100}};
        for (int node = 0; node < tree.length; node++) {
            Session reference = model.newSession(64);
            reference.append(prefix);
            float[] expected = reference.append(paths[node]).last();
            float[] actual = treeLogits.row(node);
            for (int id = 0; id < expected.length; id++) {
                assertThat(actual[id])
                        .as("node %d token %d", node, id)
                        .isCloseTo(expected[id], org.assertj.core.data.Offset.offset(1e-4f));
            }
        }
        session.acceptTreePath(0, 2);
        assertThat(session.tokens()).containsExactly(1, 403, 407, 261, 276);
        float[] next = session.append(50).last();
        Session reference = model.newSession(64);
        float[] expected =
                reference.append(new int[] {1, 403, 407, 261, 276, 50}).last();
        for (int id = 0; id < expected.length; id++) {
            assertThat(next[id]).isCloseTo(expected[id], org.assertj.core.data.Offset.offset(1e-4f));
        }
        assertThatThrownBy(() -> session.acceptTreePath(0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void rejectsPathsThatAreNotRootToNode() {
        Session session = model.newSession(64);
        session.append(1);
        session.appendTree(new int[] {5, 6, 7}, new int[] {-1, 0, -1});
        assertThatThrownBy(() -> session.acceptTreePath(1)).hasMessageContaining("not a root-to-node path");
        assertThatThrownBy(() -> session.appendTree(new int[] {5, 6}, new int[] {-1, 1}))
                .hasMessageContaining("parents[1] = 1");
    }

    /**
     * A tree request in a batch beside plain ones gives exactly {@link Session#appendTree}'s rows, and afterwards
     * {@link Session#acceptTreePath} leaves the session exactly as after appendTree: same tokens, same next rows.
     */
    @Test
    void batchedTreeRequestEqualsAppendTreeAndAcceptsPathsAlike() {
        int[] prefix = {1, 403, 407};
        int[] tree = {261, 378, 276, 100, 394};
        int[] parents = {-1, 0, 0, -1, 2};
        Session alone = model.newSession(64);
        alone.append(prefix);
        Logits expected = alone.appendTree(tree, parents);
        Session batched = model.newSession(64);
        batched.append(prefix);
        Session other = model.newSession(64);
        other.append(STORY);
        BatchedForward batch = new BatchedForward(model);
        List<Logits> results = batch.step(List.of(
                new BatchedForward.Request(other, new int[] {394, 432}, true),
                BatchedForward.Request.tree(batched, tree, parents)));
        Logits actual = results.get(1);
        assertThat(actual.positions()).isEqualTo(tree.length);
        assertThat(actual.firstPosition()).isEqualTo(prefix.length);
        assertThat(actual.data()).as("every node's row").containsExactly(expected.data());
        assertThat(batched.length())
                .as("the tree is not part of the sequence yet")
                .isEqualTo(prefix.length);

        alone.acceptTreePath(0, 2, 4);
        batched.acceptTreePath(0, 2, 4);
        assertThat(batched.tokens()).containsExactly(1, 403, 407, 261, 276, 394).isEqualTo(alone.tokens());
        assertThat(batched.append(50).last()).containsExactly(alone.append(50).last());
        assertThat(other.tokens()).endsWith(394, 432);
        assertThatThrownBy(() -> batched.acceptTreePath(0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void badTreeRequestsAreRefusedBeforeThePass() {
        Session session = model.newSession(8);
        session.append(1);
        BatchedForward batch = new BatchedForward(model);
        assertThatThrownBy(() ->
                        batch.step(List.of(BatchedForward.Request.tree(session, new int[] {5, 6}, new int[] {-1, 1}))))
                .hasMessageContaining("parents[1] = 1");
        assertThatThrownBy(() ->
                        batch.step(List.of(BatchedForward.Request.tree(session, new int[] {5, 6}, new int[] {-1}))))
                .hasMessageContaining("parents has 1 entries for 2 tree tokens");
        assertThatThrownBy(() -> new BatchedForward.Request(session, new int[] {5}, new int[] {-1}, false))
                .hasMessageContaining("allPositions must be true");
        assertThat(session.length()).isEqualTo(1);
    }

    @Test
    void batchedForwardOfSeveralSessionsEqualsEachAlone() {
        Session prefill = model.newSession(64);
        Session decodingA = model.newSession(64);
        Session decodingB = model.newSession(64);
        decodingA.append(STORY);
        decodingB.append(1, 385);
        BatchedForward batch = new BatchedForward(model);
        List<Logits> results = batch.step(List.of(
                new BatchedForward.Request(prefill, new int[] {1, 403, 407, 261}, true),
                new BatchedForward.Request(decodingA, new int[] {394}, false),
                new BatchedForward.Request(decodingB, new int[] {432}, false)));
        Logits expectedPrefill = model.newSession(64).append(1, 403, 407, 261);
        Session aloneA = model.newSession(64);
        aloneA.append(STORY);
        Session aloneB = model.newSession(64);
        aloneB.append(1, 385);
        float[][] expected = {
            expectedPrefill.data(),
            aloneA.append(394).last(),
            aloneB.append(432).last()
        };
        for (int i = 0; i < 3; i++) {
            float[] actual = results.get(i).data();
            assertThat(actual).hasSameSizeAs(expected[i]);
            for (int j = 0; j < actual.length; j++) {
                assertThat(actual[j])
                        .as("sequence %d value %d", i, j)
                        .isCloseTo(expected[i][j], org.assertj.core.data.Offset.offset(1e-4f));
            }
        }
        assertThat(prefill.length()).isEqualTo(4);
        assertThat(decodingA.tokens()).endsWith(394);
        assertThat(results.get(1).firstPosition()).isEqualTo(STORY.length);
        assertThatThrownBy(() -> batch.step(List.of(
                        new BatchedForward.Request(prefill, new int[] {5}, false),
                        new BatchedForward.Request(prefill, new int[] {6}, false))))
                .hasMessageContaining("repeats a session");
    }
}
