package org.logitlab.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import org.logitlab.analysis.Analyzer;
import org.logitlab.analysis.TextAnalysis;
import org.logitlab.analysis.method.MethodScore;
import org.logitlab.analysis.method.ScoringMethod;
import org.logitlab.analysis.method.ScoringMethods;
import org.logitlab.analysis.scoring.ScoredText;
import org.logitlab.analysis.scoring.ScoringOptions;
import org.logitlab.analysis.scoring.TextScorer;
import org.logitlab.analysis.scoring.TokenRecord;
import org.logitlab.distribution.TokenLogProb;
import org.logitlab.tokenizer.Tokenizer;

/**
 * {@code POST /v1/score}: one scoring pass over a text (logits at every position, as {@code logitlab score} does)
 * and the requested analysis methods on it — per token the log-prob, rank, entropy and alternatives, per method
 * the sequence score with one contribution per token, its family and sign convention. {@code GET
 * /v1/score/methods} lists the methods this server can run.
 *
 * <p>Each request gets its own {@link TextScorer} (single-owner, with its own session; the {@code Model} is
 * shared and thread-safe), so scoring never touches a generation sequence's session. Requests are scored one at a
 * time behind a permit, so at most one scoring KV cache exists besides the scheduler's.
 */
final class ScoreEndpoint {
    /** Why a method of {@link ScoringMethods#NAMES} cannot run here, by name; absent = available. */
    private static final Map<String, String> UNAVAILABLE = unavailable();

    private final ServedModel served;
    private final Semaphore scoring = new Semaphore(1, true);

    ScoreEndpoint(ServedModel served) {
        this.served = served;
    }

    /** The method names a request may ask for, in {@link ScoringMethods#NAMES} order. */
    static List<String> availableMethods() {
        return ScoringMethods.NAMES.stream()
                .filter(name -> !UNAVAILABLE.containsKey(name))
                .toList();
    }

    /** The request, validated, and the methods it names. */
    private record ScoreRequest(String text, List<ScoringMethod> methods, int topLogprobs, boolean addSpecial) {}

    void score(Context context, ObjectNode body) throws InterruptedException {
        ScoreRequest request = parse(body);
        Tokenizer tokenizer = served.tokenizer();
        int[] tokens = tokenizer.encode(request.text(), request.addSpecial(), false);
        if (tokens.length < 2) {
            throw ApiException.invalid(
                    "text",
                    "'text' must have at least 2 tokens (the first is context only), got " + tokens.length
                            + (request.addSpecial() ? "" : "; add_special: true would add BOS"));
        }
        // one pass when the text fits the served context, else strided windows of that context
        int window = Math.max(2, Math.min(tokens.length, served.contextLength()));
        ScoringOptions options = new ScoringOptions(window, 0, request.topLogprobs(), request.addSpecial());
        TextAnalysis analysis;
        scoring.acquire();
        try {
            TextScorer scorer = new TextScorer(served.model(), options);
            ScoredText scored = scorer.score(request.text(), tokens);
            analysis = new Analyzer(scorer, request.methods()).analyze(scored);
        } finally {
            scoring.release();
        }
        Endpoints.json(context, response(analysis, tokens));
    }

    void methods(Context context) {
        ObjectNode response = Json.object().put("object", "list");
        ArrayNode data = response.putArray("data");
        for (String name : ScoringMethods.NAMES) {
            ObjectNode entry = data.addObject();
            entry.put("name", name);
            String reason = UNAVAILABLE.get(name);
            ScoringMethod method =
                    reason == null ? ScoringMethods.byName(name, ScoringMethods.Parameters.DEFAULT) : null;
            if (method != null) {
                describe(entry, method);
            }
            entry.put("available", reason == null);
            if (reason != null) {
                entry.put("unavailable_because", reason);
            }
        }
        Endpoints.json(context, response);
    }

    private ScoreRequest parse(ObjectNode body) {
        Fields fields = new Fields(body);
        fields.string("model");
        String text = fields.string("text").orElseThrow(() -> ApiException.invalid("text", "'text' is required"));
        if (text.isEmpty()) {
            throw ApiException.invalid("text", "'text' must not be empty");
        }
        List<String> names = fields.strings("methods", ScoringMethods.NAMES.size());
        int topLogprobs = fields.integer("top_logprobs", 0, 0, served.vocabularySize());
        boolean addSpecial = fields.bool("add_special", true);
        double fraction =
                fields.number("k", Double.MIN_VALUE, 1.0).orElse(ScoringMethods.Parameters.DEFAULT.fraction());
        fields.rejectUnknown();
        ScoringMethods.Parameters parameters =
                new ScoringMethods.Parameters(fraction, null, ScoringMethods.Parameters.DEFAULT.cap());
        List<String> chosen = names.isEmpty() ? availableMethods() : names;
        Set<String> seen = new LinkedHashSet<>();
        List<ScoringMethod> methods = new ArrayList<>();
        for (String name : chosen) {
            if (!seen.add(name)) {
                throw ApiException.invalid("methods", "'methods' names '" + name + "' twice");
            }
            if (!ScoringMethods.NAMES.contains(name)) {
                throw ApiException.invalid(
                        "methods", "unknown method '" + name + "' in 'methods'; valid methods: " + availableMethods());
            }
            String reason = UNAVAILABLE.get(name);
            if (reason != null) {
                throw ApiException.invalid(
                        "methods",
                        "method '" + name + "' is not available on this server: " + reason + "; valid methods: "
                                + availableMethods());
            }
            methods.add(ScoringMethods.byName(name, parameters));
        }
        return new ScoreRequest(text, methods, topLogprobs, addSpecial);
    }

    private ObjectNode response(TextAnalysis analysis, int[] tokens) {
        Tokenizer tokenizer = served.tokenizer();
        ObjectNode response = Json.object();
        response.put("object", "text_score");
        response.put("model", served.id());
        response.put("text", analysis.text());
        response.put("window", analysis.window());
        response.put("stride", analysis.stride());
        ObjectNode contextToken = response.putObject("context_token");
        contextToken.put("id", tokens[0]);
        contextToken.put("text", TokenStrings.display(tokenizer, tokens[0]));
        ArrayNode tokenArray = response.putArray("tokens");
        for (TokenRecord record : analysis.tokens()) {
            ObjectNode token = tokenArray.addObject();
            token.put("index", record.index());
            token.put("id", record.token());
            token.put("text", TokenStrings.display(tokenizer, record.token()));
            Json.putLogProb(token, "logprob", record.logProb());
            token.put("rank", record.rank());
            putNumber(token, "entropy", record.entropy());
            putNumber(token, "kurtosis", record.kurtosis());
            ArrayNode top = token.putArray("top_logprobs");
            for (TokenLogProb alternative : record.alternatives()) {
                ObjectNode item = top.addObject();
                item.put("id", alternative.id());
                item.put("token", TokenStrings.display(tokenizer, alternative.id()));
                Json.putLogProb(item, "logprob", alternative.logProb());
            }
        }
        ArrayNode methods = response.putArray("methods");
        for (int i = 0; i < analysis.scores().size(); i++) {
            MethodScore score = analysis.scores().get(i);
            ObjectNode method = methods.addObject();
            method.put("name", score.method());
            describe(method, ScoringMethods.byName(score.method(), ScoringMethods.Parameters.DEFAULT));
            putNumber(method, "score", score.score());
            method.put("contributions_sum_to_score", score.contributionsSumToScore());
            ArrayNode contributions = method.putArray("contributions");
            for (double contribution : score.contributions()) {
                if (Double.isFinite(contribution)) {
                    contributions.add(contribution);
                } else {
                    contributions.addNull();
                }
            }
        }
        ObjectNode usage = response.putObject("usage");
        usage.put("prompt_tokens", tokens.length);
        usage.put("total_tokens", tokens.length);
        return response;
    }

    private static void describe(ObjectNode entry, ScoringMethod method) {
        entry.put("family", method.family().name().toLowerCase(Locale.ROOT));
        entry.put("sign_convention", method.family().signConvention());
        entry.put("description", method.description());
    }

    /** JSON has no NaN or ∞: an undefined value (e.g. kurtosis of a one-hot distribution) is null. */
    private static void putNumber(ObjectNode node, String field, double value) {
        if (Double.isFinite(value)) {
            node.put(field, value);
        } else {
            node.putNull(field);
        }
    }

    /**
     * The server scores with its one model and no reference corpus: methods that need a second model (Binoculars'
     * performer) or a token-frequency table (DC-PDD) cannot run, and say why.
     */
    private static Map<String, String> unavailable() {
        Map<String, String> reasons = new LinkedHashMap<>();
        for (String name : ScoringMethods.NAMES) {
            try {
                if (ScoringMethods.byName(name, ScoringMethods.Parameters.DEFAULT)
                        .needsReference()) {
                    reasons.put(name, "it needs a reference model sharing the vocabulary and the server has one model");
                }
            } catch (IllegalArgumentException needsMore) {
                reasons.put(name, "it needs inputs the server does not load: " + needsMore.getMessage());
            }
        }
        return Map.copyOf(reasons);
    }
}
