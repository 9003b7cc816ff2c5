package org.logitlab.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.logitlab.gguf.GgufTensor;

/** Builds tensors with seeded random contents in ggml's layouts, and finds the shared model files. */
final class TestTensors {
    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private TestTensors() {}

    static GgufTensor tensor(String name, TensorType type, MemorySegment data, long... shape) {
        return new GgufTensor(name, type, shape, 0, data);
    }

    static MemorySegment allocate(long bytes) {
        return Arena.ofAuto().allocate(Math.max(bytes, 1), 64);
    }

    /**
     * {@code elements} values of {@code type} with random quants and plausible scales: F16 scales in
     * [0.001, 0.02), so that dequantized weights look like a trained model's, and random bytes elsewhere.
     */
    static MemorySegment randomData(TensorType type, long elements, Random random) {
        MemorySegment data = allocate(type.bytesFor(elements));
        switch (type) {
            case F32 -> {
                for (long i = 0; i < elements; i++) {
                    data.set(FLOAT, 4 * i, (float) random.nextGaussian());
                }
            }
            case F16 -> {
                for (long i = 0; i < elements; i++) {
                    data.set(SHORT, 2 * i, Float.floatToFloat16((float) random.nextGaussian()));
                }
            }
            case BF16 -> {
                for (long i = 0; i < elements; i++) {
                    data.set(SHORT, 2 * i, HalfPrecision.floatToBfloat16((float) random.nextGaussian()));
                }
            }
            default -> {
                for (long i = 0; i < data.byteSize(); i++) {
                    data.set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt(256));
                }
                long blocks = elements / type.blockSize();
                for (long block = 0; block < blocks; block++) {
                    long offset = block * type.blockBytes();
                    switch (type) {
                        case Q8_0, Q4_0, Q5_0 -> data.set(SHORT, offset, randomScale(random));
                        case Q4_1, Q5_1 -> {
                            data.set(SHORT, offset, randomScale(random));
                            // The block minimum: negative, about as large as the quant range times d.
                            data.set(SHORT, offset + 2, Float.floatToFloat16(-16 * random.nextFloat() * 0.02f));
                        }
                        case Q4_K -> {
                            data.set(SHORT, offset, randomScale(random));
                            data.set(SHORT, offset + 2, randomScale(random));
                        }
                        case Q6_K -> data.set(SHORT, offset + 208, randomScale(random));
                        default -> throw new IllegalArgumentException(type.name());
                    }
                }
            }
        }
        return data;
    }

    private static short randomScale(Random random) {
        return Float.floatToFloat16(0.001f + 0.019f * random.nextFloat());
    }

    static float[] gaussian(int length, Random random) {
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    /** The shared model directory; a missing fixture fails the test. */
    static Path sharedModel(String relative) {
        String shared = System.getProperty("logitlab.shared");
        if (shared == null) {
            throw new AssertionError("system property logitlab.shared is not set (run the tests through Maven)");
        }
        Path path = Path.of(shared, "models", relative);
        if (!Files.isRegularFile(path)) {
            throw new AssertionError("missing test fixture " + path);
        }
        return path;
    }

    static TensorKernels vectorKernels() {
        if (!VectorSupport.enabled()) {
            throw new AssertionError("Vector API kernels are unavailable: " + VectorSupport.unavailableReason());
        }
        return VectorTensorKernels.INSTANCE;
    }
}
