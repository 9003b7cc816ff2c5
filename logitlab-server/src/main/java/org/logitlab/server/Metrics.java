package org.logitlab.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.logitlab.server.scheduler.SchedulerStatistics;

/** Request counters and the scheduler's state in Prometheus' text exposition format (version 0.0.4). */
final class Metrics {
    private record RequestKey(String path, int status) {}

    private final Map<RequestKey, LongAdder> requests = new ConcurrentHashMap<>();

    void recordRequest(String path, int status) {
        requests.computeIfAbsent(new RequestKey(path, status), key -> new LongAdder())
                .increment();
    }

    String render(SchedulerStatistics statistics) {
        StringBuilder text = new StringBuilder();
        text.append("# HELP logitlab_requests_total HTTP requests by path and status.\n");
        text.append("# TYPE logitlab_requests_total counter\n");
        requests.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(
                        java.util.Comparator.comparing(RequestKey::path).thenComparingInt(RequestKey::status)))
                .forEach(entry -> text.append("logitlab_requests_total{path=\"")
                        .append(entry.getKey().path().replace("\"", "\\\""))
                        .append("\",status=\"")
                        .append(entry.getKey().status())
                        .append("\"} ")
                        .append(entry.getValue().sum())
                        .append('\n'));
        gauge(
                text,
                "logitlab_active_sequences",
                "Sequences holding a slot and a KV cache.",
                statistics.activeSequences());
        gauge(text, "logitlab_queued_sequences", "Sequences waiting for a slot.", statistics.queuedSequences());
        gauge(text, "logitlab_slots", "Slots of the continuous-batching scheduler (--parallel).", statistics.slots());
        counter(
                text,
                "logitlab_engine_steps_total",
                "Engine steps (one forward pass per active sequence).",
                statistics.steps());
        counter(text, "logitlab_engine_step_seconds_total", "Time spent in engine steps.", statistics.stepSeconds());
        counter(text, "logitlab_prompt_tokens_total", "Prompt tokens evaluated.", statistics.promptTokens());
        counter(text, "logitlab_generated_tokens_total", "Tokens generated.", statistics.generatedTokens());
        counter(
                text,
                "logitlab_sequences_completed_total",
                "Sequences that ran to the end.",
                statistics.completedSequences());
        counter(
                text,
                "logitlab_sequences_cancelled_total",
                "Sequences cancelled by a client disconnect.",
                statistics.cancelledSequences());
        counter(text, "logitlab_sequences_failed_total", "Sequences that failed.", statistics.failedSequences());
        return text.toString();
    }

    private static void gauge(StringBuilder text, String name, String help, double value) {
        metric(text, name, help, "gauge", value);
    }

    private static void counter(StringBuilder text, String name, String help, double value) {
        metric(text, name, help, "counter", value);
    }

    private static void metric(StringBuilder text, String name, String help, String type, double value) {
        text.append("# HELP ").append(name).append(' ').append(help).append('\n');
        text.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        text.append(name).append(' ');
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            text.append((long) value);
        } else {
            text.append(value);
        }
        text.append('\n');
    }
}
