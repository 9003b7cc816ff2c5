package org.logitlab.tensor;

/**
 * Activation rows converted once to the form a weight type's dot product consumes
 * ({@link ActivationFormat}), reused across every weight row (and every thread) of one multiply.
 *
 * <p>Token {@code t}'s values start at {@code valuesOffset + t * columns}; its block scales at {@code t *
 * (columns / blockSize)} and, for Q8_K, its 16-element group sums at {@code t * (columns / 16)}. Buffers
 * only grow, so a scratch instance reused for every multiply stops allocating after the first.
 */
final class Activations {
    ActivationFormat format;
    int columns;
    int tokens;
    /** Converted values; for {@link ActivationFormat#FLOAT32} the caller's array itself, not a copy. */
    float[] values;

    int valuesOffset;
    float[] scales = new float[0];
    int[] groupSums = new int[0];
    /** For Q8_1: per block {@code d·Σq} as F16, at {@link #scalesStart}. */
    float[] blockSums = new float[0];

    private float[] ownValues = new float[0];
    /** For Q8_0: each block's sum of its (integer) quantized values, at {@link #scalesStart}. */
    int[] integerBlockSums = new int[0];

    /** Converts {@code tokens} rows of {@code columns} values from {@code x[xOffset]}, with the scalar kernels. */
    Activations convert(ActivationFormat format, float[] x, int xOffset, int tokens, int columns) {
        return convert(format, x, xOffset, tokens, columns, TensorKernels.scalar());
    }

    /** As {@link #convert(ActivationFormat, float[], int, int, int)}; Q8_0 quantization runs on {@code kernels}. */
    Activations convert(
            ActivationFormat format, float[] x, int xOffset, int tokens, int columns, TensorKernels kernels) {
        this.format = format;
        this.columns = columns;
        this.tokens = tokens;
        if (format == ActivationFormat.FLOAT32) {
            values = x;
            valuesOffset = xOffset;
            return this;
        }
        int total = tokens * columns;
        if (ownValues.length < total) {
            ownValues = new float[total];
        }
        values = ownValues;
        valuesOffset = 0;
        switch (format) {
            case FLOAT16_ROUNDED -> {
                for (int i = 0; i < total; i++) {
                    values[i] = HalfPrecision.roundToFloat16(x[xOffset + i]);
                }
            }
            case BFLOAT16_ROUNDED -> {
                for (int i = 0; i < total; i++) {
                    values[i] = HalfPrecision.roundToBfloat16(x[xOffset + i]);
                }
            }
            case Q8_0 -> {
                int blocks = columns / ActivationQuantizer.Q8_0_BLOCK;
                growScales(tokens * blocks);
                if (integerBlockSums.length < tokens * blocks) {
                    integerBlockSums = new int[tokens * blocks];
                }
                for (int t = 0; t < tokens; t++) {
                    kernels.quantizeQ8_0(
                            x,
                            xOffset + t * columns,
                            columns,
                            values,
                            t * columns,
                            scales,
                            t * blocks,
                            integerBlockSums,
                            t * blocks);
                }
            }
            case Q8_1 -> {
                int blocks = columns / ActivationQuantizer.Q8_0_BLOCK;
                growScales(tokens * blocks);
                if (blockSums.length < tokens * blocks) {
                    blockSums = new float[tokens * blocks];
                }
                for (int t = 0; t < tokens; t++) {
                    ActivationQuantizer.quantizeQ8_1(
                            x,
                            xOffset + t * columns,
                            columns,
                            values,
                            t * columns,
                            scales,
                            t * blocks,
                            blockSums,
                            t * blocks);
                }
            }
            case Q8_K -> {
                int blocks = columns / ActivationQuantizer.Q8_K_BLOCK;
                int groups = columns / ActivationQuantizer.Q8_K_SUM_GROUP;
                growScales(tokens * blocks);
                if (groupSums.length < tokens * groups) {
                    groupSums = new int[tokens * groups];
                }
                for (int t = 0; t < tokens; t++) {
                    ActivationQuantizer.quantizeQ8_K(
                            x,
                            xOffset + t * columns,
                            columns,
                            values,
                            t * columns,
                            scales,
                            t * blocks,
                            groupSums,
                            t * groups);
                }
            }
            default -> throw new AssertionError(format);
        }
        return this;
    }

    private void growScales(int count) {
        if (scales.length < count) {
            scales = new float[count];
        }
    }

    /** Where token {@code token}'s values start in {@link #values}. */
    int valuesStart(int token) {
        return valuesOffset + token * columns;
    }

    /** Where token {@code token}'s first block scale is in {@link #scales}. */
    int scalesStart(int token) {
        return token * (columns / format.blockSize);
    }

    /** Where token {@code token}'s first 16-element group sum is in {@link #groupSums}. */
    int groupSumsStart(int token) {
        return token * (columns / ActivationQuantizer.Q8_K_SUM_GROUP);
    }
}
