package org.logitlab.server;

import java.nio.file.Path;
import org.logitlab.server.scheduler.SpeculationSettings;
import org.logitlab.server.scheduler.SpeculativeMode;

/**
 * How a {@link LogitlabServer} runs.
 *
 * @param host interface to bind; loopback by default so nothing is exposed by accident
 * @param port TCP port; 0 picks a free one
 * @param apiKey when non-null, every /v1 request must send {@code Authorization: Bearer <apiKey>}
 * @param parallel sequences decoded together (slots of the continuous-batching scheduler)
 * @param queueLimit sequences allowed to wait for a slot; more get 429
 * @param contextLength longest prompt + completion of one sequence
 * @param maxBodyBytes largest accepted request body
 * @param speculation speculative decoding of every request that does not choose its own ({@link
 *     SpeculationFlags} reads it from the serve flags)
 * @param draft the draft model for the modes that {@link SpeculativeMode#needsDraftModel() need one}: a file or the
 *     target's own first layers; null for none
 */
public record ServerConfig(
        String host,
        int port,
        String apiKey,
        int parallel,
        int queueLimit,
        int contextLength,
        long maxBodyBytes,
        SpeculationSettings speculation,
        DraftSource draft) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_PARALLEL = 4;
    public static final int DEFAULT_QUEUE_LIMIT = 64;
    public static final long DEFAULT_MAX_BODY_BYTES = 4L << 20;

    public ServerConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank, got '" + host + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        }
        if (apiKey != null && apiKey.isBlank()) {
            throw new IllegalArgumentException("api key must not be blank when given");
        }
        if (parallel < 1 || parallel > 1024) {
            throw new IllegalArgumentException("parallel must be in [1, 1024], got " + parallel);
        }
        if (queueLimit < 0) {
            throw new IllegalArgumentException("queue limit must be >= 0, got " + queueLimit);
        }
        if (contextLength < 1) {
            throw new IllegalArgumentException("context length must be >= 1, got " + contextLength);
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("max body bytes must be >= 1024, got " + maxBodyBytes);
        }
        if (speculation == null) {
            throw new IllegalArgumentException("speculation must not be null (use SpeculationSettings.off())");
        }
        if (speculation.mode().needsDraftModel() && draft == null) {
            throw new IllegalArgumentException(
                    "--spec " + speculation.mode().label() + " needs --draft-model FILE or --draft-layers N");
        }
    }

    /** Without speculative decoding. */
    public ServerConfig(
            String host, int port, String apiKey, int parallel, int queueLimit, int contextLength, long maxBodyBytes) {
        this(host, port, apiKey, parallel, queueLimit, contextLength, maxBodyBytes, SpeculationSettings.off(), null);
    }

    /** Defaults for a model with the given trained context length. */
    public static ServerConfig defaults(int contextLength) {
        return new ServerConfig(
                DEFAULT_HOST,
                DEFAULT_PORT,
                null,
                DEFAULT_PARALLEL,
                DEFAULT_QUEUE_LIMIT,
                contextLength,
                DEFAULT_MAX_BODY_BYTES);
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(
                host, newPort, apiKey, parallel, queueLimit, contextLength, maxBodyBytes, speculation, draft);
    }

    public ServerConfig withParallel(int newParallel) {
        return new ServerConfig(
                host, port, apiKey, newParallel, queueLimit, contextLength, maxBodyBytes, speculation, draft);
    }

    public ServerConfig withApiKey(String newApiKey) {
        return new ServerConfig(
                host, port, newApiKey, parallel, queueLimit, contextLength, maxBodyBytes, speculation, draft);
    }

    public ServerConfig withQueueLimit(int newQueueLimit) {
        return new ServerConfig(
                host, port, apiKey, parallel, newQueueLimit, contextLength, maxBodyBytes, speculation, draft);
    }

    /** @param newDraftModel the draft model file (null for none) */
    public ServerConfig withSpeculation(SpeculationSettings newSpeculation, Path newDraftModel) {
        return withSpeculation(newSpeculation, DraftSource.of(newDraftModel, null));
    }

    /** @param newDraft the draft model's source (null for none) */
    public ServerConfig withSpeculation(SpeculationSettings newSpeculation, DraftSource newDraft) {
        return new ServerConfig(
                host, port, apiKey, parallel, queueLimit, contextLength, maxBodyBytes, newSpeculation, newDraft);
    }
}
