package org.logitlab.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Node scripts of src/test/js. Their tools (node, the npm packages, Debian's chromium) come from
 * scripts/install-test-tools.sh; when one is missing the test fails and says so, rather than skipping.
 */
final class NodeTools {
    static final Path SCRIPTS = Path.of("src/test/js").toAbsolutePath();
    private static final String INSTALL_HINT = "; run scripts/install-test-tools.sh (from the repository root) first";

    private NodeTools() {}

    static void requirePackage(String name) {
        if (!Files.isDirectory(SCRIPTS.resolve("node_modules").resolve(name))) {
            throw new AssertionError(
                    "npm package '" + name + "' is missing under " + SCRIPTS.resolve("node_modules") + INSTALL_HINT);
        }
    }

    static void requireChromium() {
        if (!Files.isExecutable(Path.of("/usr/bin/chromium"))) {
            throw new AssertionError("/usr/bin/chromium (Debian package chromium) is missing" + INSTALL_HINT);
        }
    }

    record Result(int exitCode, String stdout, String stderr) {}

    /** Runs {@code node script arguments…} in src/test/js and returns its output; fails on a non-zero exit. */
    static Result run(String script, long timeoutSeconds, String... arguments)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(node());
        command.add(SCRIPTS.resolve(script).toString());
        command.addAll(List.of(arguments));
        Path stdout = Files.createTempFile("logitlab-node-", ".out");
        Path stderr = Files.createTempFile("logitlab-node-", ".err");
        try {
            Process process = new ProcessBuilder(command)
                    .directory(SCRIPTS.toFile())
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("node " + script + " did not finish in " + timeoutSeconds + " s; stderr:\n"
                        + Files.readString(stderr, StandardCharsets.UTF_8));
            }
            Result result = new Result(
                    process.exitValue(),
                    Files.readString(stdout, StandardCharsets.UTF_8),
                    Files.readString(stderr, StandardCharsets.UTF_8));
            if (result.exitCode() != 0) {
                throw new AssertionError("node " + script + " exited with " + result.exitCode() + "; stderr:\n"
                        + result.stderr() + "\nstdout:\n" + result.stdout());
            }
            return result;
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }

    private static String node() {
        for (String candidate : List.of("/usr/bin/node", "/usr/local/bin/node")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        for (String directory : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(directory, "node");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new AssertionError("node is not installed (apt-get install nodejs npm)" + INSTALL_HINT);
    }
}
