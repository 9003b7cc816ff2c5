package org.logitlab.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class VectorLogSpaceTest {
    @Test
    void vectorPowerSumsEqualTheScalarReference() {
        SplittableRandom random = new SplittableRandom(23);
        for (int length : new int[] {1, 3, 7, 8, 9, 17, 511, 512, 32000, 102_401}) {
            float[] values = new float[length + 3];
            for (int i = 0; i < values.length; i++) {
                values[i] = random.nextInt(50) == 0 ? Float.NEGATIVE_INFINITY : (float) (random.nextGaussian() * 4);
            }
            values[3] = 1.5f; // at least one unmasked token in the row
            for (double scale : new double[] {1.0, 0.7, 2.5}) {
                double shift = LogSpace.max(values, 3, length) * scale;
                double[] scalarSums = LogSpace.scalarPowerSums(values, 3, length, scale, shift);
                double[] vectorSums = VectorLogSpace.powerSums(values, 3, length, scale, shift);
                for (int k = 0; k < 5; k++) {
                    // the same terms (exp within ~3e-13) summed in another order
                    assertThat(vectorSums[k])
                            .as("length %d scale %s S%d", length, scale, k)
                            .isCloseTo(scalarSums[k], Offset.offset(1e-12 * Math.max(1.0, Math.abs(scalarSums[k]))));
                }
            }
        }
    }

    @Test
    void onePassMomentsEqualTheTwoPassDeviationsFromTheMean() {
        SplittableRandom random = new SplittableRandom(31);
        // Gaussian logits of several spreads, a peaked row, and rows whose mass sits far below a lone maximum (the
        // one-pass formula would cancel there; the second pass must take over).
        for (int shape = 0; shape < 7; shape++) {
            float[] values = new float[32000];
            for (int i = 0; i < values.length; i++) {
                values[i] = switch (shape) {
                    case 0 -> (float) (random.nextGaussian() * 0.001);
                    case 1 -> (float) (random.nextGaussian() * 2.5);
                    case 2 -> (float) (random.nextGaussian() * 12);
                    case 3 -> i == 7 ? 30f : (float) random.nextGaussian();
                    default -> (float) (random.nextGaussian() * Math.pow(10, -shape));
                };
            }
            if (shape >= 4) {
                values[11] = 14f; // p ~ 1e-6 … 2e-2 for the maximum, the bulk 14 nats below it with tiny spread
            }
            float max = LogSpace.max(values, 0, values.length);
            LogSpace.LogProbMoments moments = LogSpace.logProbMoments(values, 0, values.length, 1.0, max);
            double[] exact =
                    LogSpace.logProbCentralMoments(values, 0, values.length, 1.0, moments.logSumExp(), moments.mean());
            assertThat(moments.logSumExp()).isCloseTo(LogSpace.logSumExp(values, 0, values.length), Offset.offset(0.0));
            assertThat(moments.variance())
                    .as("shape %d variance", shape)
                    .isCloseTo(exact[0], Offset.offset(1e-10 * exact[0]));
            assertThat(moments.fourthCentralMoment())
                    .as("shape %d fourth central moment", shape)
                    .isCloseTo(exact[1], Offset.offset(1e-9 * exact[1]));
        }
    }

    @Test
    void laneExponentialIsWithinRelative1e12OfMathExpAndUnderflowsToZero() {
        SplittableRandom random = new SplittableRandom(5);
        int lanes = jdk.incubator.vector.DoubleVector.SPECIES_PREFERRED.length();
        double[] inputs = new double[4096 * lanes];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = switch (i % 4) {
                case 0 -> -random.nextDouble() * 40;
                case 1 -> -random.nextDouble() * 720;
                case 2 -> (random.nextDouble() - 0.5) * 2; // around 0, where most of a softmax's mass is
                default -> random.nextDouble() * 700;
            };
        }
        inputs[0] = Double.NEGATIVE_INFINITY;
        inputs[1] = 0.0;
        inputs[2] = -708.5;
        for (int i = 0; i < inputs.length; i += lanes) {
            double[] exponentials = VectorLogSpace.exp(jdk.incubator.vector.DoubleVector.fromArray(
                            jdk.incubator.vector.DoubleVector.SPECIES_PREFERRED, inputs, i))
                    .toArray();
            for (int lane = 0; lane < lanes; lane++) {
                double x = inputs[i + lane];
                double expected = x < -708 ? 0.0 : Math.exp(x);
                // ten squarings multiply the polynomial's few-ulp rounding by up to 1024: ~3e-13 relative
                assertThat(exponentials[lane])
                        .as("exp(%s)", x)
                        .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-12 * expected));
            }
        }
    }
}
