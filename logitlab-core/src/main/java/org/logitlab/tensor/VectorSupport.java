package org.logitlab.tensor;

import java.lang.System.Logger.Level;

/**
 * Decides once whether the Vector API kernels are used, and logs why not when they are not (Lucene's
 * {@code VectorizationProvider} does the same): the {@code jdk.incubator.vector} module must be present
 * (started with {@code --add-modules jdk.incubator.vector}), the JIT must be C2 (the interpreter and C1
 * run Vector API code orders of magnitude slower than scalar code), the preferred float species must be
 * 256 or 512 bits (the quantized kernels widen 8 or 16 bytes to as many float lanes), and the system
 * property {@code logitlab.vector} must not be {@code false}.
 */
public final class VectorSupport {
    private static final System.Logger LOG = System.getLogger(VectorSupport.class.getName());
    private static final String DISABLE_PROPERTY = "logitlab.vector";

    private static final String UNAVAILABLE_REASON = detect();

    private VectorSupport() {}

    /** Whether {@link TensorKernels#preferred()} and {@link FloatKernels} use the Vector API. */
    public static boolean enabled() {
        return UNAVAILABLE_REASON == null;
    }

    /** Why the vector kernels are off, or empty when they are on. */
    public static String unavailableReason() {
        return UNAVAILABLE_REASON == null ? "" : UNAVAILABLE_REASON;
    }

    /** Bits of the preferred float vector, or 0 when vectors are off. */
    public static int preferredBitSize() {
        return enabled() ? VectorTensorKernels.FLOATS.vectorBitSize() : 0;
    }

    private static String detect() {
        String reason = reasonUnavailable();
        if (reason != null) {
            LOG.log(Level.WARNING, "logitlab: Vector API kernels disabled, using scalar kernels: " + reason);
        } else {
            LOG.log(Level.DEBUG, "logitlab: Vector API kernels enabled, " + preferredBitSize() + "-bit floats");
        }
        return reason;
    }

    private static String reasonUnavailable() {
        if ("false".equalsIgnoreCase(System.getProperty(DISABLE_PROPERTY, "true"))) {
            return "system property " + DISABLE_PROPERTY + "=false";
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return "module jdk.incubator.vector is not loaded (start the JVM with --add-modules jdk.incubator.vector)";
        }
        String vmName = System.getProperty("java.vm.name", "");
        String compiler = System.getProperty("java.vm.info", "");
        if (compiler.contains("interpreted mode")) {
            return "the JVM runs in interpreted mode (" + vmName + ", " + compiler + ")";
        }
        try {
            int bits = VectorTensorKernels.FLOATS.vectorBitSize();
            if (bits < 256 || bits > 512) {
                return "the preferred float vector is " + bits + " bits; the kernels need 256 or 512"
                        + " (8 or 16 lanes, so that a 32-element block is a whole number of vectors)";
            }
        } catch (LinkageError e) {
            return "the Vector API cannot be initialized: " + e;
        }
        return null;
    }
}
