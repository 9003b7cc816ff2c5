package org.logitlab.distribution;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API sum of exp(scale · x_i − shift) in double lanes, for {@link LogSpace#logSumExp}. Loaded only when
 * {@code org.logitlab.tensor.VectorSupport} says the Vector API is usable; the scalar loop stays the reference
 * (a test compares both).
 */
final class VectorLogSpace {
    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
    /** Float species with as many lanes as {@link #DOUBLES}: half its bit size. */
    private static final VectorSpecies<Float> HALF =
            VectorSpecies.of(float.class, VectorShape.forBitSize(DOUBLES.vectorBitSize() / 2));

    private VectorLogSpace() {}

    static double sumExp(float[] values, int offset, int length, double scale, double shift) {
        int lanes = DOUBLES.length();
        DoubleVector sum = DoubleVector.zero(DOUBLES);
        int i = 0;
        for (int upper = length - lanes + 1; i < upper; i += lanes) {
            DoubleVector x = (DoubleVector)
                    FloatVector.fromArray(HALF, values, offset + i).convertShape(VectorOperators.F2D, DOUBLES, 0);
            sum = sum.add(x.mul(scale).sub(shift).lanewise(VectorOperators.EXP));
        }
        double total = sum.reduceLanes(VectorOperators.ADD);
        for (; i < length; i++) {
            total += Math.exp(values[offset + i] * scale - shift);
        }
        return total;
    }
}
