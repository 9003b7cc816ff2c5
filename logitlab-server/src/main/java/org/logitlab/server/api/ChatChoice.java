package org.logitlab.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.logitlab.distribution.TokenLogProb;
import org.logitlab.server.scheduler.ScoredToken;
import org.logitlab.server.scheduler.SequenceEvent;
import org.logitlab.tokenizer.Tokenizer;

/**
 * One choice of a chat completion: {@code message} (whole) or {@code delta}s (streamed; the first carries the
 * role), with {@code logprobs.content} entries {@code {token, logprob, bytes, top_logprobs}} as OpenAI writes
 * them. Log-probs are the model's raw ones.
 */
final class ChatChoice implements ChoiceFormat {
    private final int index;
    private final Tokenizer tokenizer;
    private final boolean logProbs;
    private final StringBuilder content = new StringBuilder();
    private final ArrayNode allLogProbs = Json.array();
    private boolean roleSent;
    private String finishReason;

    ChatChoice(int index, Tokenizer tokenizer, GenerationPlan plan) {
        this.index = index;
        this.tokenizer = tokenizer;
        this.logProbs = plan.logProbs();
    }

    @Override
    public List<ObjectNode> apply(SequenceEvent event) {
        List<ObjectNode> chunks = new ArrayList<>();
        if (!roleSent) {
            roleSent = true;
            ObjectNode delta = Json.object().put("role", "assistant").put("content", "");
            chunks.add(choice(delta, null, null));
        }
        switch (event) {
            case SequenceEvent.PromptScored ignored -> {}
            case SequenceEvent.TokenGenerated generated -> {
                content.append(generated.text());
                ObjectNode entry = entry(generated.token());
                allLogProbs.add(entry);
                chunks.add(choice(
                        Json.object().put("content", generated.text()),
                        logProbs ? logProbsObject(Json.array().add(entry)) : null,
                        null));
            }
            case SequenceEvent.Finished finished -> {
                if (!finished.trailingText().isEmpty()) {
                    content.append(finished.trailingText());
                    chunks.add(choice(Json.object().put("content", finished.trailingText()), null, null));
                }
                finishReason = finished.finishReason();
                chunks.add(choice(Json.object(), null, finishReason));
            }
            case SequenceEvent.Failed failed -> throw RequestRunner.error(failed);
        }
        return chunks;
    }

    private ObjectNode entry(ScoredToken token) {
        ObjectNode entry = Json.object();
        entry.put("token", TokenStrings.display(tokenizer, token.id()));
        Json.putLogProb(entry, "logprob", token.logProb());
        entry.set("bytes", bytes(token.id()));
        ArrayNode top = entry.putArray("top_logprobs");
        for (TokenLogProb alternative : token.top()) {
            ObjectNode item = top.addObject();
            item.put("token", TokenStrings.display(tokenizer, alternative.id()));
            Json.putLogProb(item, "logprob", alternative.logProb());
            item.set("bytes", bytes(alternative.id()));
        }
        return entry;
    }

    private ArrayNode bytes(int id) {
        ArrayNode array = Json.array();
        for (byte value : TokenStrings.bytes(tokenizer, id)) {
            array.add(value & 0xFF);
        }
        return array;
    }

    private static ObjectNode logProbsObject(ArrayNode content) {
        ObjectNode logProbs = Json.object();
        logProbs.set("content", content);
        logProbs.putNull("refusal");
        return logProbs;
    }

    private ObjectNode choice(ObjectNode delta, ObjectNode logProbsNode, String reason) {
        ObjectNode choice = Json.object();
        choice.put("index", index);
        choice.set("delta", delta);
        if (logProbsNode == null) {
            choice.putNull("logprobs");
        } else {
            choice.set("logprobs", logProbsNode);
        }
        if (reason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", reason);
        }
        return choice;
    }

    @Override
    public ObjectNode complete() {
        ObjectNode choice = Json.object();
        choice.put("index", index);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", content.toString());
        message.putNull("refusal");
        if (logProbs) {
            choice.set("logprobs", logProbsObject(allLogProbs));
        } else {
            choice.putNull("logprobs");
        }
        choice.put("finish_reason", finishReason);
        return choice;
    }
}
