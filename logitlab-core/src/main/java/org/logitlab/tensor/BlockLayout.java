package org.logitlab.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Byte offsets inside ggml's blocks ({@code ggml-common.h}) and the little-endian accessors the kernels
 * read them with.
 *
 * <ul>
 *   <li>{@code block_q8_0} (34 bytes): F16 {@code d}, 32 × int8; value = q·d.
 *   <li>{@code block_q4_0} (18 bytes): F16 {@code d}, 16 bytes; byte j holds element j in its low nibble
 *       and element j + 16 in its high nibble; value = (q − 8)·d.
 *   <li>{@code block_q4_1} (20 bytes): F16 {@code d}, F16 {@code m}, 16 bytes of nibbles as Q4_0; value =
 *       q·d + m with q in [0, 15].
 *   <li>{@code block_q5_0} (22 bytes): F16 {@code d}, 4 bytes {@code qh}, 16 bytes of nibbles as Q4_0. Bit
 *       i of {@code qh} (read as a little-endian uint32) is the fifth bit of element i; value = (q − 16)·d.
 *   <li>{@code block_q5_1} (24 bytes): F16 {@code d}, F16 {@code m}, {@code qh}, nibbles as Q5_0; value = q·d
 *       + m with q in [0, 31].
 *   <li>{@code block_q4_K} (144 bytes, 256 elements): F16 {@code d}, F16 {@code dmin}, 12 bytes packing
 *       eight 6-bit scales and eight 6-bit mins, 128 bytes of nibbles. Each 64 elements share 32 bytes:
 *       low nibbles are the first sub-block of 32, high nibbles the second; value = d·scale·q − dmin·min.
 *   <li>{@code block_q6_K} (210 bytes, 256 elements): 128 bytes {@code ql} (low 4 bits), 64 bytes {@code
 *       qh} (high 2 bits), 16 int8 scales (one per 16 elements), F16 {@code d}; value = d·scale·(q − 32).
 * </ul>
 */
final class BlockLayout {
    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    static final int Q8_0_BYTES = 34;
    static final int Q4_0_BYTES = 18;
    static final int Q4_1_BYTES = 20;
    static final int Q5_0_BYTES = 22;
    static final int Q5_1_BYTES = 24;
    static final int Q4_K_BYTES = 144;
    static final int Q4_K_SCALES = 4;
    static final int Q4_K_QUANTS = 16;
    static final int Q6_K_BYTES = 210;
    static final int Q6_K_HIGH_BITS = 128;
    static final int Q6_K_SCALES = 192;
    static final int Q6_K_D = 208;

    private BlockLayout() {}

    static int unsignedByte(MemorySegment data, long offset) {
        return data.get(ValueLayout.JAVA_BYTE, offset) & 0xFF;
    }

    static byte signedByte(MemorySegment data, long offset) {
        return data.get(ValueLayout.JAVA_BYTE, offset);
    }

    static float float16(MemorySegment data, long offset) {
        return Float.float16ToFloat(data.get(SHORT, offset));
    }

    /** The 32 fifth bits of a Q5_0/Q5_1 block whose {@code qh} starts at {@code offset}. */
    static int q5HighBits(MemorySegment data, long offset) {
        return data.get(INT, offset);
    }

    /**
     * The 5-bit quant (0–31) of element {@code e} (0–31) of a Q5 block, as ggml's {@code dequantize_row_q5_0}:
     * the nibble (low for e < 16, high for e ≥ 16) of byte {@code e mod 16}, joined with bit e of {@code qh}.
     */
    static int q5Quant(MemorySegment data, long quantsOffset, int highBits, int e) {
        int packed = unsignedByte(data, quantsOffset + (e & 15));
        int nibble = e < 16 ? packed & 0xF : packed >>> 4;
        return nibble | (((highBits >>> e) & 1) << 4);
    }

    /**
     * Scale {@code j} (0–7) of a Q4_K block, as ggml's {@code get_scale_min_k4}: scales 0–3 are the low 6
     * bits of bytes 0–3; scales 4–7 take their low 4 bits from bytes 8–11 and their top 2 bits from the
     * spare top bits of bytes 0–3.
     */
    static int q4kScale(MemorySegment data, long blockOffset, int j) {
        long scales = blockOffset + Q4_K_SCALES;
        if (j < 4) {
            return unsignedByte(data, scales + j) & 63;
        }
        return (unsignedByte(data, scales + j + 4) & 0xF) | ((unsignedByte(data, scales + j - 4) >>> 6) << 4);
    }

    /** Min {@code j} of a Q4_K block: bytes 4–7 for 0–3; high nibbles of 8–11 and top bits of 4–7 for 4–7. */
    static int q4kMin(MemorySegment data, long blockOffset, int j) {
        long scales = blockOffset + Q4_K_SCALES;
        if (j < 4) {
            return unsignedByte(data, scales + j + 4) & 63;
        }
        return (unsignedByte(data, scales + j + 4) >>> 4) | ((unsignedByte(data, scales + j) >>> 6) << 4);
    }

    /**
     * The 6-bit quant (before subtracting 32) of element {@code e} (0–255) of a Q6_K block: each half of
     * 128 elements uses 64 {@code ql} bytes and 32 {@code qh} bytes; element 32·k + l of a half takes a
     * nibble of {@code ql[l + 32·(k & 1)]} (low for k < 2) and bits 2k, 2k+1 of {@code qh[l]}.
     */
    static int q6kQuant(MemorySegment data, long blockOffset, int e) {
        int half = e >>> 7;
        int within = e & 127;
        int quarter = within >>> 5;
        int l = within & 31;
        int low = unsignedByte(data, blockOffset + 64L * half + l + 32L * (quarter & 1));
        low = quarter < 2 ? low & 0xF : low >>> 4;
        int high = (unsignedByte(data, blockOffset + Q6_K_HIGH_BITS + 32L * half + l) >>> (2 * quarter)) & 3;
        return low | (high << 4);
    }
}
