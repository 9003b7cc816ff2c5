package org.logitlab.server.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopSequencesTest {
    @Test
    void holdsBackAPossibleStartOfAStopSequenceUntilDecided() {
        StopSequences stops = new StopSequences(List.of("END"));
        assertThat(stops.accept("abc E")).isEqualTo("abc ");
        assertThat(stops.accept("N")).isEmpty();
        assertThat(stops.accept("x")).isEqualTo("ENx");
        assertThat(stops.stopped()).isFalse();
    }

    @Test
    void stopsBeforeASequenceSplitAcrossPieces() {
        StopSequences stops = new StopSequences(List.of("\n\n", "THE END"));
        assertThat(stops.accept("once THE")).isEqualTo("once ");
        assertThat(stops.accept(" EN")).isEmpty();
        assertThat(stops.accept("D and more")).isEmpty();
        assertThat(stops.stopped()).isTrue();
        assertThat(stops.accept("ignored")).isEmpty();
    }

    @Test
    void earliestOfSeveralStopSequencesWins() {
        StopSequences stops = new StopSequences(List.of("at", "cat"));
        assertThat(stops.accept("the cat")).isEqualTo("the ");
        assertThat(stops.stopped()).isTrue();
    }

    @Test
    void flushReleasesHeldTextWhenTheSequenceEnds() {
        StopSequences stops = new StopSequences(List.of("END"));
        assertThat(stops.accept("the EN")).isEqualTo("the ");
        assertThat(stops.flush()).isEqualTo("EN");
    }

    @Test
    void withoutStopSequencesEverythingPassesThrough() {
        StopSequences stops = new StopSequences(List.of());
        assertThat(stops.accept("a")).isEqualTo("a");
        assertThat(stops.flush()).isEmpty();
    }
}
