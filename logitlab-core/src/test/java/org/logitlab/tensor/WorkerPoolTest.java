package org.logitlab.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {

    @Test
    void visitsEveryIndexExactlyOnce() {
        for (int threads = 1; threads <= 3; threads++) {
            try (WorkerPool pool = new WorkerPool(threads)) {
                for (int count : new int[] {0, 1, 2, 7, 1000, 4099}) {
                    for (int repeat = 0; repeat < 20; repeat++) {
                        AtomicIntegerArray visits = new AtomicIntegerArray(count);
                        pool.parallelFor(count, (start, end) -> {
                            for (int i = start; i < end; i++) {
                                visits.incrementAndGet(i);
                            }
                        });
                        for (int i = 0; i < count; i++) {
                            assertThat(visits.get(i))
                                    .as("threads %d count %d index %d", threads, count, i)
                                    .isEqualTo(1);
                        }
                    }
                }
            }
        }
    }

    @Test
    void propagatesAFailureFromAnyChunk() {
        try (WorkerPool pool = new WorkerPool(2)) {
            assertThatThrownBy(() -> pool.parallelFor(100, (start, end) -> {
                        if (start <= 77 && 77 < end) {
                            throw new ArithmeticException("boom at 77");
                        }
                    }))
                    .hasMessageContaining("boom at 77");
            // The pool is usable afterwards.
            AtomicIntegerArray visits = new AtomicIntegerArray(10);
            pool.parallelFor(10, (start, end) -> visits.incrementAndGet(start));
            assertThat(visits.get(0)).isEqualTo(1);
        }
    }

    @Test
    void nestedAndConcurrentCallsRunWithoutDeadlock() throws InterruptedException {
        try (WorkerPool pool = new WorkerPool(2)) {
            AtomicIntegerArray visits = new AtomicIntegerArray(64 * 64);
            Thread[] callers = new Thread[3];
            for (int c = 0; c < callers.length; c++) {
                int caller = c;
                callers[c] = Thread.ofPlatform()
                        .start(() -> pool.parallelFor(64, (start, end) -> {
                            for (int i = start; i < end; i++) {
                                int outer = i;
                                pool.parallelFor(64, (innerStart, innerEnd) -> {
                                    for (int j = innerStart; j < innerEnd; j++) {
                                        if (caller == 0) {
                                            visits.incrementAndGet(outer * 64 + j);
                                        }
                                    }
                                });
                            }
                        }));
            }
            for (Thread caller : callers) {
                caller.join(60_000);
                assertThat(caller.isAlive()).as("caller finished").isFalse();
            }
            for (int i = 0; i < 64 * 64; i++) {
                assertThat(visits.get(i)).isEqualTo(1);
            }
        }
    }

    @Test
    void rejectsNonPositiveThreadCounts() {
        assertThatThrownBy(() -> new WorkerPool(0))
                .hasMessageContaining("threads")
                .hasMessageContaining("0");
        assertThatThrownBy(() -> WorkerPool.setDefaultThreads(-1)).hasMessageContaining("-1");
    }
}
