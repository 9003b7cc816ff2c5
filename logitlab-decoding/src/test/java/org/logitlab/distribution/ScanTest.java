package org.logitlab.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The vector scans return exactly what the scalar reference loops return: they only compare. */
class ScanTest {
    @Test
    void vectorScansEqualTheScalarReferenceOnOddSizesTiesAndMaskedTokens() {
        SplittableRandom random = new SplittableRandom(41);
        for (int length : new int[] {1, 2, 15, 16, 17, 31, 33, 511, 32000, 32003}) {
            float[] values = new float[length + 5];
            for (int i = 0; i < values.length; i++) {
                // few distinct values, so ties and repeated maxima are common
                values[i] = random.nextInt(20) == 0 ? Float.NEGATIVE_INFINITY : random.nextInt(40) / 4f;
            }
            int offset = 5;
            float max = Scan.scalarMaxPropagatingNaN(values, offset, length);
            assertThat(VectorScan.maxPropagatingNaN(values, offset, length)).isEqualTo(max);
            for (float probe : new float[] {max, values[offset + length / 2], 3.25f, -1f, Float.NEGATIVE_INFINITY}) {
                assertThat(VectorScan.firstIndexOf(values, offset, length, probe))
                        .as("length %d first index of %s", length, probe)
                        .isEqualTo(Scan.scalarFirstIndexOf(values, offset, length, probe));
                assertThat(VectorScan.countGreater(values, offset, length, probe))
                        .as("length %d count above %s", length, probe)
                        .isEqualTo(Scan.scalarCountGreater(values, offset, length, probe));
                for (int from : new int[] {0, 1, length / 3, length - 1, length}) {
                    assertThat(VectorScan.nextGreater(values, offset, from, length, probe))
                            .as("length %d next above %s from %d", length, probe, from)
                            .isEqualTo(Scan.scalarNextGreater(values, offset, from, length, probe));
                }
            }
        }
    }

    @Test
    void maximumPropagatesNaNAndFindsPositiveInfinityAnywhereInTheRow() {
        for (int length : new int[] {1, 16, 17, 1000}) {
            for (int at : new int[] {0, length / 2, length - 1}) {
                float[] values = new float[length];
                values[at] = Float.NaN;
                assertThat(VectorScan.maxPropagatingNaN(values, 0, length)).isNaN();
                assertThat(Scan.scalarMaxPropagatingNaN(values, 0, length)).isNaN();
                values[at] = Float.POSITIVE_INFINITY;
                assertThat(VectorScan.maxPropagatingNaN(values, 0, length)).isEqualTo(Float.POSITIVE_INFINITY);
            }
        }
    }
}
