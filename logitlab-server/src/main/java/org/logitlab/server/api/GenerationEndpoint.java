package org.logitlab.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;
import org.logitlab.server.scheduler.Scheduler;
import org.logitlab.server.scheduler.SequenceEvent;

/**
 * Runs a completion or chat request and writes OpenAI's response: one JSON object, or server-sent event chunks
 * ending in {@code data: [DONE]}. The two endpoints differ only in their object names and {@link ChoiceFormat}.
 */
final class GenerationEndpoint {
    /** OpenAI's {@code system_fingerprint}: identifies the backend configuration. */
    static final String SYSTEM_FINGERPRINT = "logitlab-0.1.0";

    private final ServedModel served;
    private final Scheduler scheduler;
    private final String idPrefix;
    private final String objectName;
    private final String chunkObjectName;
    private final BiFunction<Integer, GenerationPlan, ChoiceFormat> choices;

    GenerationEndpoint(
            ServedModel served,
            Scheduler scheduler,
            String idPrefix,
            String objectName,
            String chunkObjectName,
            BiFunction<Integer, GenerationPlan, ChoiceFormat> choices) {
        this.served = served;
        this.scheduler = scheduler;
        this.idPrefix = idPrefix;
        this.objectName = objectName;
        this.chunkObjectName = chunkObjectName;
        this.choices = choices;
    }

    void run(Context context, GenerationPlan plan) throws IOException, InterruptedException {
        List<ChoiceFormat> formats = new ArrayList<>();
        for (int i = 0; i < plan.sequences().size(); i++) {
            formats.add(choices.apply(i, plan));
        }
        String id = idPrefix + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        if (plan.stream()) {
            stream(context, plan, formats, id, created);
        } else {
            whole(context, plan, formats, id, created);
        }
    }

    private void whole(Context context, GenerationPlan plan, List<ChoiceFormat> formats, String id, long created)
            throws IOException, InterruptedException {
        Usage usage = new Usage(plan.promptTokens());
        RequestRunner.run(
                scheduler,
                plan,
                event -> {
                    formats.get(event.choice()).apply(event);
                    if (event instanceof SequenceEvent.Finished finished) {
                        usage.add(finished);
                    }
                },
                null);
        ObjectNode response = envelope(id, objectName, created);
        ArrayNode choiceArray = response.putArray("choices");
        for (ChoiceFormat format : formats) {
            choiceArray.add(format.complete());
        }
        response.set("usage", usage.json());
        context.contentType("application/json").result(Json.bytes(response));
    }

    private void stream(Context context, GenerationPlan plan, List<ChoiceFormat> formats, String id, long created)
            throws IOException, InterruptedException {
        context.status(200);
        context.contentType("text/event-stream; charset=utf-8");
        context.header("Cache-Control", "no-cache");
        context.header("X-Accel-Buffering", "no");
        SseWriter events = new SseWriter(context.res().getOutputStream());
        Usage usage = new Usage(plan.promptTokens());
        try {
            RequestRunner.run(
                    scheduler,
                    plan,
                    event -> {
                        if (event instanceof SequenceEvent.Finished finished) {
                            usage.add(finished);
                        }
                        for (ObjectNode choice : formats.get(event.choice()).apply(event)) {
                            ObjectNode chunk = envelope(id, chunkObjectName, created);
                            chunk.putArray("choices").add(choice);
                            if (plan.includeUsage()) {
                                chunk.putNull("usage");
                            }
                            events.send(chunk);
                        }
                    },
                    events::keepAlive);
        } catch (ApiException error) {
            if (!context.res().isCommitted()) {
                throw error; // nothing sent yet (e.g. the queue is full): a plain JSON error
            }
            events.send(ErrorBody.of(error));
            events.done();
            return;
        }
        if (plan.includeUsage()) {
            ObjectNode chunk = envelope(id, chunkObjectName, created);
            chunk.putArray("choices");
            chunk.set("usage", usage.json());
            events.send(chunk);
        }
        events.done();
    }

    private ObjectNode envelope(String id, String object, long created) {
        ObjectNode envelope = Json.object();
        envelope.put("id", id);
        envelope.put("object", object);
        envelope.put("created", created);
        envelope.put("model", served.id());
        envelope.put("system_fingerprint", SYSTEM_FINGERPRINT);
        return envelope;
    }
}
