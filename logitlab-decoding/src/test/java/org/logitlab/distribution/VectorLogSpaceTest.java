package org.logitlab.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VectorLogSpaceTest {
    @Test
    void vectorSumOfExponentialsEqualsTheScalarReferenceOnOddSizes() {
        SplittableRandom random = new SplittableRandom(17);
        for (int length : new int[] {1, 3, 7, 8, 9, 17, 511, 512, 32000, 102_401}) {
            float[] values = new float[length + 5];
            for (int i = 0; i < values.length; i++) {
                values[i] = random.nextInt(50) == 0 ? Float.NEGATIVE_INFINITY : (float) (random.nextGaussian() * 4);
            }
            for (double scale : new double[] {1.0, 0.7, 2.5}) {
                double shift = 3.0;
                double scalar = LogSpace.scalarSumExp(values, 5, length, scale, shift);
                double vector = VectorLogSpace.sumExp(values, 5, length, scale, shift);
                // same terms (exp accurate to ~1 ulp), summed in another order: relative 1e-12 is ample
                assertThat(vector)
                        .as("length %d scale %s", length, scale)
                        .isCloseTo(scalar, org.assertj.core.data.Offset.offset(scalar * 1e-12));
            }
        }
    }

    @Test
    void vectorSumsAndCentralMomentsEqualTheScalarReference() {
        SplittableRandom random = new SplittableRandom(23);
        for (int length : new int[] {1, 3, 7, 8, 9, 17, 511, 32000, 102_401}) {
            float[] values = new float[length + 3];
            for (int i = 0; i < values.length; i++) {
                values[i] = random.nextInt(50) == 0 ? Float.NEGATIVE_INFINITY : (float) (random.nextGaussian() * 4);
            }
            values[3] = 1.5f; // at least one unmasked token in the row
            for (double scale : new double[] {1.0, 0.7, 2.5}) {
                double shift = LogSpace.max(values, 3, length) * scale;
                double[] scalarSums = LogSpace.scalarSumExpAndWeightedSum(values, 3, length, scale, shift);
                double[] vectorSums = VectorLogSpace.sumExpAndWeightedSum(values, 3, length, scale, shift);
                double logSumExp = LogSpace.logSumExp(values, 3, length, scale);
                double mean = vectorSums[1] / vectorSums[0] - Math.log(vectorSums[0]);
                double[] scalar = new double[] {scalarSums[0], scalarSums[1], 0, 0};
                double[] vector = new double[] {vectorSums[0], vectorSums[1], 0, 0};
                System.arraycopy(
                        LogSpace.scalarLogProbCentralMoments(values, 3, length, scale, logSumExp, mean),
                        0,
                        scalar,
                        2,
                        2);
                System.arraycopy(
                        VectorLogSpace.logProbCentralMoments(values, 3, length, scale, logSumExp, mean),
                        0,
                        vector,
                        2,
                        2);
                for (int moment = 0; moment < 4; moment++) {
                    // the same terms (exp within 2 ulp) summed in another order
                    assertThat(vector[moment])
                            .as("length %d scale %s moment %d", length, scale, moment)
                            .isCloseTo(
                                    scalar[moment],
                                    org.assertj.core.data.Offset.offset(
                                            1e-12 * Math.max(1.0, Math.abs(scalar[moment]))));
                }
            }
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
