package org.logitlab.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.logitlab.gguf.GgufFormatException;
import org.logitlab.gguf.GgufTensor;

/** TEMPORARY scalar stand-in (F32/F16/BF16 only) until the kernels branch lands; same API. */
public final class WeightMatrix {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfShort S = ValueLayout.JAVA_SHORT_UNALIGNED;
    private final GgufTensor tensor;
    private final int rows;
    private final int columns;

    private WeightMatrix(GgufTensor tensor) {
        this.tensor = tensor;
        this.columns = (int) tensor.rowLength();
        this.rows = (int) tensor.rowCount();
        if (tensor.type() != TensorType.F32 && tensor.type() != TensorType.F16 && tensor.type() != TensorType.BF16) {
            throw new GgufFormatException("tensor '" + tensor.name() + "' has unsupported type " + tensor.type());
        }
    }

    public static WeightMatrix of(GgufTensor tensor) {
        return new WeightMatrix(tensor);
    }

    public String name() {
        return tensor.name();
    }

    public TensorType type() {
        return tensor.type();
    }

    public int rows() {
        return rows;
    }

    public int columns() {
        return columns;
    }

    private float element(long index) {
        MemorySegment data = tensor.data();
        return switch (tensor.type()) {
            case F32 -> data.getAtIndex(F, index);
            case F16 -> Float.float16ToFloat(data.getAtIndex(S, index));
            default -> Float.intBitsToFloat(data.getAtIndex(S, index) << 16);
        };
    }

    public void multiply(float[] x, int xOffset, float[] out, int outOffset) {
        for (int r = 0; r < rows; r++) {
            float sum = 0;
            long base = (long) r * columns;
            for (int c = 0; c < columns; c++) {
                sum += element(base + c) * x[xOffset + c];
            }
            out[outOffset + r] = sum;
        }
    }

    public void multiply(float[] x, int tokens, float[] out) {
        for (int t = 0; t < tokens; t++) {
            multiply(x, t * columns, out, t * rows);
        }
    }

    public void dequantizeRow(int row, float[] destination, int offset) {
        for (int c = 0; c < columns; c++) {
            destination[offset + c] = element((long) row * columns + c);
        }
    }
}
