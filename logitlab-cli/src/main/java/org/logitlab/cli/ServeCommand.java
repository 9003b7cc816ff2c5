package org.logitlab.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.logitlab.model.Model;
import org.logitlab.server.DraftSource;
import org.logitlab.server.LogitlabServer;
import org.logitlab.server.ServerConfig;
import org.logitlab.server.SpeculationFlags;
import org.logitlab.server.scheduler.SpeculationSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Serve the model over HTTP: OpenAI-compatible /v1/completions and /v1/chat/completions with full",
            "log-probs and streaming, /v1/models, /health, /tokenize, /detokenize, /metrics, and a token heat-map",
            "page at /. Concurrent requests share forward passes (continuous batching over --parallel slots).",
            "--spec decodes speculatively (same output, fewer forward passes when drafts are accepted)."
        })
final class ServeCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Mixin
    ThreadOptions threadOptions;

    @Option(
            names = "--host",
            defaultValue = ServerConfig.DEFAULT_HOST,
            paramLabel = "HOST",
            description = "Interface to bind (default: ${DEFAULT-VALUE}, loopback only).")
    String host;

    @Option(
            names = "--port",
            defaultValue = "8080",
            paramLabel = "PORT",
            description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--api-key",
            paramLabel = "KEY",
            description = "Require 'Authorization: Bearer KEY' on every /v1 request (401 otherwise).")
    String apiKey;

    @Option(
            names = "--parallel",
            defaultValue = "4",
            paramLabel = "N",
            description = "Sequences decoded together (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(
            names = "--queue",
            defaultValue = "64",
            paramLabel = "N",
            description =
                    "Sequences allowed to wait for a slot; more are refused with 429 (default: ${DEFAULT-VALUE}).")
    int queueLimit;

    @Option(
            names = "--ctx",
            paramLabel = "N",
            description = "Longest prompt + completion of one request (default: the model's context length).")
    Integer contextLength;

    @Option(
            names = "--max-body",
            defaultValue = "4194304",
            paramLabel = "BYTES",
            description = "Largest request body accepted (default: ${DEFAULT-VALUE}).")
    long maxBodyBytes;

    @Mixin
    SpeculativeDecodingOptions speculative;

    @Override
    public Integer call() throws Exception {
        // flags are checked before the model is loaded, so a typo fails at once
        SpeculationSettings speculation = SpeculationFlags.parse(
                speculative.mode,
                speculative.draftModel,
                speculative.draftLayers,
                speculative.draftMax,
                speculative.draftMin,
                speculative.draftPMin,
                speculative.lookupNgram,
                speculative.treeNodes,
                speculative.drafts);
        threadOptions.apply();
        Model model = modelOptions.load();
        ServerConfig config;
        try {
            config = new ServerConfig(
                            host,
                            port,
                            apiKey,
                            parallel,
                            queueLimit,
                            contextLength != null
                                    ? contextLength
                                    : model.config().contextLength(),
                            maxBodyBytes)
                    .withSpeculation(speculation, DraftSource.of(speculative.draftModel, speculative.draftLayers));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        LogitlabServer server;
        try {
            server = new LogitlabServer(model, config).start();
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // Ctrl-C: the JVM waits for shutdown hooks, so the server is stopped here rather than in main's thread
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            model.close();
                            stopped.countDown();
                        },
                        "logitlab-serve-shutdown"));
        System.err.println("logitlab serve: " + modelOptions.describe() + " on " + server.baseUrl() + " (parallel "
                + config.parallel() + ", context " + config.contextLength()
                + (apiKey != null ? ", API key required" : "")
                + (speculation.enabled() ? ", speculative " + speculation.mode().label() : "") + ")");
        stopped.await();
        return 0;
    }
}
