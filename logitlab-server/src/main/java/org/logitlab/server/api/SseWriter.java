package org.logitlab.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Server-sent events as OpenAI streams them: one {@code data: <json>} event per chunk, then
 * {@code data: [DONE]}. Every event is flushed at once; a failed write means the client went away.
 */
final class SseWriter {
    private final OutputStream output;

    SseWriter(OutputStream output) {
        this.output = output;
    }

    void send(JsonNode chunk) throws IOException {
        write("data: " + Json.write(chunk) + "\n\n");
    }

    void done() throws IOException {
        write("data: [DONE]\n\n");
    }

    /** An SSE comment: ignored by clients, but a write that fails tells a disconnect while a request waits. */
    void keepAlive() throws IOException {
        write(": keep-alive\n\n");
    }

    private void write(String event) throws IOException {
        output.write(event.getBytes(StandardCharsets.UTF_8));
        output.flush();
    }
}
