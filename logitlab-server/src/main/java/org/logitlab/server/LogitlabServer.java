package org.logitlab.server;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.logitlab.constraint.TokenVocabularies;
import org.logitlab.model.Model;
import org.logitlab.server.api.ApiException;
import org.logitlab.server.api.ChatTemplate;
import org.logitlab.server.api.Endpoints;
import org.logitlab.server.api.ServedModel;
import org.logitlab.server.scheduler.BatchStepper;
import org.logitlab.server.scheduler.MultiSequenceBatchStepper;
import org.logitlab.server.scheduler.Scheduler;
import org.logitlab.server.scheduler.SchedulerStatistics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * logitlab's HTTP server: OpenAI-compatible /v1/completions and /v1/chat/completions with full log-probs and
 * streaming (optionally constrained by a grammar, regex or JSON Schema), /v1/score (analysis methods with
 * per-token contributions), /v1/models, /health, /tokenize, /detokenize, /metrics, and the token heat-map page at /. Requests
 * share one continuous-batching {@link Scheduler}, optionally decoding speculatively ({@link
 * ServerConfig#speculation()}: lossless, so only speed changes). A bad request gets a 4xx in OpenAI's error shape;
 * nothing a request does can stop the server.
 */
public final class LogitlabServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogitlabServer.class);

    private final ServerConfig config;
    private final Model draftModel;
    private final Scheduler scheduler;
    private final Metrics metrics = new Metrics();
    private final Javalin app;

    public LogitlabServer(Model model, ServerConfig config) {
        this(model, config, new MultiSequenceBatchStepper(model));
    }

    /** @param stepper how each engine step runs its forward passes (the seam for a multi-sequence batched pass) */
    public LogitlabServer(Model model, ServerConfig config, BatchStepper stepper) {
        this.config = config;
        this.draftModel = config.draft() == null ? null : openDraft(model, config.draft());
        this.scheduler = new Scheduler(
                model, draftModel, stepper, config.parallel(), config.queueLimit(), config.contextLength());
        String id = model.name().filter(name -> !name.isBlank()).orElse("logitlab");
        ServedModel served = new ServedModel(
                model,
                id,
                config.contextLength(),
                ChatTemplate.forModel(model),
                System.currentTimeMillis() / 1000,
                TokenVocabularies.of(model.tokenizer()),
                config.speculation(),
                draftModel != null);
        Endpoints endpoints = new Endpoints(served, scheduler, config.maxBodyBytes());
        this.app = Javalin.create(javalin -> {
            javalin.showJavalinBanner = false;
            javalin.startupWatcherEnabled = false;
            javalin.useVirtualThreads = true;
            javalin.http.disableCompression();
            javalin.http.maxRequestSize = config.maxBodyBytes();
            javalin.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/org/logitlab/server/web";
                files.location = Location.CLASSPATH;
            });
        });
        app.before("/v1/*", this::authorize);
        app.post("/v1/completions", endpoints::completions);
        app.post("/v1/chat/completions", endpoints::chatCompletions);
        app.post("/v1/score", endpoints::score);
        app.get("/v1/score/methods", endpoints::scoreMethods);
        app.get("/v1/models", endpoints::models);
        app.get("/health", context -> context.json(java.util.Map.of("status", "ok")));
        app.post("/tokenize", endpoints::tokenize);
        app.post("/detokenize", endpoints::detokenize);
        app.get("/metrics", context -> context.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(metrics.render(scheduler.statistics())));
        app.exception(ApiException.class, (error, context) -> Endpoints.error(context, error));
        app.exception(Exception.class, (error, context) -> {
            LOG.error("request {} {} failed", context.method(), context.path(), error);
            Endpoints.error(context, new ApiException(500, "server_error", null, null, "internal error: " + error));
        });
        app.error(404, context -> {
            if (context.result() == null
                    || context.result().isEmpty()
                    || context.path().startsWith("/v1")) {
                Endpoints.error(
                        context,
                        new ApiException(
                                404,
                                "invalid_request_error",
                                null,
                                "not_found",
                                "no route for " + context.method() + " " + context.path()));
            }
        });
        app.after(context -> metrics.recordRequest(context.endpointHandlerPath(), context.statusCode()));
    }

    /** The draft model, checked against the target now rather than at the first request. */
    private static Model openDraft(Model model, DraftSource draft) {
        try {
            return draft.open(model);
        } catch (IOException e) {
            throw new UncheckedIOException("--draft-model " + draft.file() + ": " + e.getMessage(), e);
        }
    }

    private void authorize(Context context) {
        if (config.apiKey() == null) {
            return;
        }
        String header = context.header("Authorization");
        String expected = "Bearer " + config.apiKey();
        if (header == null
                || !MessageDigest.isEqual(
                        header.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiException(
                    401,
                    "invalid_request_error",
                    null,
                    "invalid_api_key",
                    header == null
                            ? "missing API key: send 'Authorization: Bearer <key>'"
                            : "incorrect API key in the Authorization header");
        }
    }

    public LogitlabServer start() {
        app.start(config.host(), config.port());
        return this;
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return app.port();
    }

    public String baseUrl() {
        return "http://" + config.host() + ":" + port();
    }

    public SchedulerStatistics statistics() {
        return scheduler.statistics();
    }

    @Override
    public void close() {
        app.stop();
        scheduler.close();
        if (draftModel != null) {
            draftModel.close();
        }
    }
}
