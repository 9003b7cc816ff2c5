package org.logitlab.server.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.logitlab.model.Model;
import org.logitlab.sampling.SamplerSettings;
import org.logitlab.session.Logits;

class SchedulerTest {
    static Model model;

    @BeforeAll
    static void load() throws Exception {
        model = Model.loadEmbedded();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static SequenceRequest request(int choice, int maxTokens) {
        SamplerSettings greedy =
                SamplerSettings.builder().temperature(0).seed(1).build();
        return new SequenceRequest(
                choice,
                model.tokenizer().encode("Once upon a time", true, false),
                maxTokens,
                greedy,
                0,
                false,
                false,
                List.of());
    }

    private static SequenceEvent next(BlockingQueue<SequenceEvent> events) throws InterruptedException {
        SequenceEvent event = events.poll(30, TimeUnit.SECONDS);
        assertThat(event).as("an event within 30 s").isNotNull();
        return event;
    }

    /** A stepper that blocks every step until released, to hold sequences in their slots. */
    static final class GatedStepper implements BatchStepper {
        final CountDownLatch release = new CountDownLatch(1);
        final SequentialBatchStepper inner = new SequentialBatchStepper();

        @Override
        public List<Logits> step(List<StepInput> inputs) {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            return inner.step(inputs);
        }
    }

    @Test
    void refusesSequencesBeyondSlotsPlusQueue() throws Exception {
        GatedStepper stepper = new GatedStepper();
        try (Scheduler scheduler = new Scheduler(model, stepper, 1, 1, 512)) {
            BlockingQueue<SequenceEvent> events = new LinkedBlockingQueue<>();
            scheduler.submit(List.of(request(0, 2)), events::add);
            scheduler.submit(List.of(request(1, 2)), events::add);
            assertThatThrownBy(() -> scheduler.submit(List.of(request(2, 2)), events::add))
                    .isInstanceOf(Scheduler.QueueFullException.class)
                    .hasMessageContaining("limit 1");
            stepper.release.countDown();
            int finished = 0;
            while (finished < 2) {
                if (next(events) instanceof SequenceEvent.Finished) {
                    finished++;
                }
            }
        }
    }

    @Test
    void aFailingForwardPassFailsItsSequencesButNotTheScheduler() throws Exception {
        boolean[] failOnce = {true};
        BatchStepper flaky = inputs -> {
            if (failOnce[0]) {
                failOnce[0] = false;
                throw new IllegalStateException("simulated kernel failure");
            }
            return new SequentialBatchStepper().step(inputs);
        };
        try (Scheduler scheduler = new Scheduler(model, flaky, 2, 4, 512)) {
            BlockingQueue<SequenceEvent> first = new LinkedBlockingQueue<>();
            scheduler.submit(List.of(request(0, 3)), first::add);
            assertThat(next(first)).isInstanceOf(SequenceEvent.Failed.class);
            BlockingQueue<SequenceEvent> second = new LinkedBlockingQueue<>();
            scheduler.submit(List.of(request(0, 3)), second::add);
            SequenceEvent event;
            int tokens = 0;
            while (!((event = next(second)) instanceof SequenceEvent.Finished)) {
                assertThat(event).isInstanceOf(SequenceEvent.TokenGenerated.class);
                tokens++;
            }
            assertThat(tokens).isEqualTo(3);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (scheduler.statistics().activeSequences() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(scheduler.statistics().activeSequences()).isZero();
            assertThat(scheduler.statistics().failedSequences()).isEqualTo(1);
        }
    }

    @Test
    void cancelledSequencesLeaveTheirSlot() throws Exception {
        GatedStepper stepper = new GatedStepper();
        try (Scheduler scheduler = new Scheduler(model, stepper, 1, 4, 512)) {
            BlockingQueue<SequenceEvent> events = new LinkedBlockingQueue<>();
            Scheduler.Submission submission = scheduler.submit(List.of(request(0, 200)), events::add);
            submission.cancel();
            stepper.release.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (scheduler.statistics().cancelledSequences() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(scheduler.statistics().cancelledSequences()).isEqualTo(1);
            assertThat(scheduler.statistics().activeSequences()).isZero();
        }
    }

    @Test
    void refusesAPromptThatCannotFitTheContext() {
        try (Scheduler scheduler = new Scheduler(model, new SequentialBatchStepper(), 1, 1, 8)) {
            assertThatThrownBy(() -> scheduler.submit(List.of(request(0, 10)), event -> {}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("exceeds the context length 8");
        }
    }

    /** The generated tokens of one sequence, until it finishes. */
    private static List<ScoredToken> tokens(BlockingQueue<SequenceEvent> events) throws InterruptedException {
        List<ScoredToken> tokens = new java.util.ArrayList<>();
        SequenceEvent event;
        while (!((event = next(events)) instanceof SequenceEvent.Finished)) {
            assertThat(event).isInstanceOf(SequenceEvent.TokenGenerated.class);
            tokens.add(((SequenceEvent.TokenGenerated) event).token());
        }
        return tokens;
    }

    @Test
    void aSpeculativeSequenceEmitsThePlainTokensInFewerSteps() throws Exception {
        int[] prompt = model.tokenizer()
                .encode("Lily and Tom went to the park. Lily and Tom went to the park. Lily and Tom", true, false);
        SamplerSettings greedy = SamplerSettings.builder().temperature(0).build();
        SpeculationSettings lookup = new SpeculationSettings(SpeculativeMode.LOOKUP, 6, 0, 0.0, 3, 24, 3);
        SequenceRequest plain = new SequenceRequest(0, prompt, 40, greedy, 3, false, false, List.of());
        SequenceRequest speculative =
                new SequenceRequest(0, prompt, 40, greedy, 3, false, false, List.of(), null, lookup);
        try (Scheduler plainScheduler = new Scheduler(model, new SequentialBatchStepper(), 1, 1, 512);
                Scheduler speculativeScheduler = new Scheduler(model, new SequentialBatchStepper(), 1, 1, 512)) {
            BlockingQueue<SequenceEvent> plainEvents = new LinkedBlockingQueue<>();
            plainScheduler.submit(List.of(plain), plainEvents::add);
            BlockingQueue<SequenceEvent> speculativeEvents = new LinkedBlockingQueue<>();
            speculativeScheduler.submit(List.of(speculative), speculativeEvents::add);
            List<ScoredToken> expected = tokens(plainEvents);
            assertThat(tokens(speculativeEvents)).isEqualTo(expected);
            SpeculationTotals totals = speculativeScheduler.statistics().speculation();
            assertThat(totals.sequences()).isEqualTo(1);
            assertThat(totals.acceptedTokens()).isPositive();
            assertThat(totals.generatedTokens()).isEqualTo(expected.size());
            // every pass emits the accepted drafts and one token after them (plain decoding: one token per pass)
            assertThat(totals.targetPasses())
                    .as("passes for %d tokens", expected.size())
                    .isEqualTo(expected.size() - totals.acceptedTokens());
            assertThat(speculativeScheduler.statistics().steps())
                    .isLessThan(plainScheduler.statistics().steps());
            assertThat(plainScheduler.statistics().speculation()).isEqualTo(SpeculationTotals.NONE);
        }
    }
}
