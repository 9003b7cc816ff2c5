package org.logitlab.tensor;

import java.util.Arrays;
import java.util.Optional;

/**
 * Element types of GGUF tensors, with ggml's numeric ids and block geometry. A block of {@code blockSize}
 * elements occupies {@code blockBytes} bytes; unquantized types have blocks of one element.
 *
 * <p>Every type ggml defines is listed so that a tensor directory parses whatever it holds; whether a
 * type can be computed with is a separate question ({@link #computable()}).
 */
public enum TensorType {
    F32(0, 1, 4, true),
    F16(1, 1, 2, true),
    Q4_0(2, 32, 18, true),
    Q4_1(3, 32, 20, true),
    Q5_0(6, 32, 22, true),
    Q5_1(7, 32, 24, true),
    Q8_0(8, 32, 34, true),
    Q8_1(9, 32, 36, false),
    Q2_K(10, 256, 84, false),
    Q3_K(11, 256, 110, false),
    Q4_K(12, 256, 144, true),
    Q5_K(13, 256, 176, false),
    Q6_K(14, 256, 210, true),
    Q8_K(15, 256, 292, false),
    IQ2_XXS(16, 256, 66, false),
    IQ2_XS(17, 256, 74, false),
    IQ3_XXS(18, 256, 98, false),
    IQ1_S(19, 256, 50, false),
    IQ4_NL(20, 32, 18, false),
    IQ3_S(21, 256, 110, false),
    IQ2_S(22, 256, 82, false),
    IQ4_XS(23, 256, 136, false),
    I8(24, 1, 1, false),
    I16(25, 1, 2, false),
    I32(26, 1, 4, false),
    I64(27, 1, 8, false),
    F64(28, 1, 8, false),
    IQ1_M(29, 256, 56, false),
    BF16(30, 1, 2, true),
    TQ1_0(34, 256, 54, false),
    TQ2_0(35, 256, 66, false),
    MXFP4(39, 32, 17, false);

    private static final TensorType[] BY_ID = new TensorType[64];

    static {
        for (TensorType type : values()) {
            BY_ID[type.id] = type;
        }
    }

    private final int id;
    private final int blockSize;
    private final int blockBytes;
    private final boolean computable;

    TensorType(int id, int blockSize, int blockBytes, boolean computable) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
        this.computable = computable;
    }

    /** ggml's numeric id of this type, as stored in GGUF tensor infos. */
    public int id() {
        return id;
    }

    /** Number of elements in one block. */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes one block occupies. */
    public int blockBytes() {
        return blockBytes;
    }

    /** Whether logitlab has kernels (dequantize and dot) for this type. */
    public boolean computable() {
        return computable;
    }

    public boolean quantized() {
        return blockSize > 1;
    }

    /** Bytes needed for {@code elements} elements; exact only when {@code elements} is a whole number of blocks. */
    public long bytesFor(long elements) {
        return Math.ceilDiv(elements, blockSize) * blockBytes;
    }

    public static Optional<TensorType> fromId(int id) {
        return id >= 0 && id < BY_ID.length ? Optional.ofNullable(BY_ID[id]) : Optional.empty();
    }

    /** Names of the types logitlab can compute with, for error messages. */
    public static String computableNames() {
        return Arrays.stream(values())
                .filter(TensorType::computable)
                .map(Enum::name)
                .toList()
                .toString();
    }
}
