package org.logitlab.cli;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.stream.IntStream;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Read bandwidth of main memory: a streaming sum over a buffer far larger than the caches, split over
 * {@code threads} threads, best of several passes. Decode speed of a memory-bound model is at most
 * bandwidth / bytes of weights read per token.
 */
final class MemoryBandwidth {
    private static final VectorSpecies<Long> SPECIES = LongVector.SPECIES_PREFERRED;

    private MemoryBandwidth() {}

    /** Bytes per second. */
    static double measure(long bufferBytes, int threads, int passes) {
        try (Arena arena = Arena.ofShared()) { // read by several threads
            MemorySegment buffer = arena.allocate(bufferBytes, 64);
            buffer.fill((byte) 1);
            long chunk = bufferBytes / threads / SPECIES.vectorByteSize() * SPECIES.vectorByteSize();
            double best = 0;
            long checksum = 0;
            for (int pass = 0; pass < passes; pass++) {
                long start = System.nanoTime();
                checksum += IntStream.range(0, threads)
                        .parallel()
                        .mapToLong(t -> sum(buffer, t * chunk, chunk))
                        .sum();
                double seconds = (System.nanoTime() - start) / 1e9;
                best = Math.max(best, chunk * threads / seconds);
            }
            if (checksum == 42) {
                System.err.print(""); // keeps the sums observable so the JIT cannot drop them
            }
            return best;
        }
    }

    private static long sum(MemorySegment buffer, long offset, long length) {
        LongVector accumulator = LongVector.zero(SPECIES);
        int step = SPECIES.vectorByteSize();
        for (long i = 0; i < length; i += step) {
            accumulator =
                    accumulator.add(LongVector.fromMemorySegment(SPECIES, buffer, offset + i, ByteOrder.LITTLE_ENDIAN));
        }
        return accumulator.reduceLanes(VectorOperators.ADD);
    }
}
