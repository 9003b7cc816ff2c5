package org.logitlab.cli;

import org.logitlab.tensor.WorkerPool;
import picocli.CommandLine.Option;

/** The {@code --threads} option: size of the worker pool the kernels split rows over. */
final class ThreadOptions {
    @Option(
            names = {"-t", "--threads"},
            paramLabel = "N",
            description = "Worker threads (default: the number of available processors).")
    Integer threads;

    /** Applies the option and returns the thread count in effect. */
    int apply() {
        if (threads != null) {
            if (threads < 1) {
                throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
            }
            WorkerPool.setDefaultThreads(threads);
        }
        return WorkerPool.defaultPool().threads();
    }
}
