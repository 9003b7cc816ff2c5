package org.logitlab.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.logitlab.server.scheduler.ScoredToken;
import org.logitlab.server.scheduler.SequenceEvent;
import org.logitlab.tokenizer.Tokenizer;

/**
 * One choice of a completion, built from its sequence's events: accumulated for a whole response, or turned into
 * one streamed choice object per event.
 */
final class CompletionChoice implements ChoiceFormat {
    private final int index;
    private final Tokenizer tokenizer;
    private final GenerationPlan plan;
    private final StringBuilder text = new StringBuilder();
    private final CompletionLogProbs allLogProbs;
    private int textOffset;
    private String finishReason;

    CompletionChoice(int index, Tokenizer tokenizer, GenerationPlan plan) {
        this.index = index;
        this.tokenizer = tokenizer;
        this.plan = plan;
        this.allLogProbs = plan.logProbs() ? new CompletionLogProbs(plan.distributionStatistics()) : null;
    }

    @Override
    public List<ObjectNode> apply(SequenceEvent event) {
        return List.of(
                switch (event) {
                    case SequenceEvent.PromptScored scored -> prompt(scored.tokens());
                    case SequenceEvent.TokenGenerated generated -> token(generated.token(), generated.text());
                    case SequenceEvent.Finished finished -> finish(finished);
                    case SequenceEvent.Failed failed -> throw RequestRunner.error(failed);
                });
    }

    private ObjectNode prompt(List<ScoredToken> tokens) {
        String echo = plan.echoTexts().get(index);
        CompletionLogProbs chunk = newLogProbs();
        int[] ids = tokens.stream().mapToInt(ScoredToken::id).toArray();
        for (int i = 0; i < tokens.size(); i++) {
            // offset of token i in the echoed text: the decoded prefix (decode drops SentencePiece's leading space)
            int offset = Math.min(
                    echo.length(),
                    tokenizer.decode(java.util.Arrays.copyOf(ids, i)).length());
            record(chunk, tokens.get(i), offset);
        }
        text.append(echo);
        textOffset = text.length();
        return choiceObject(echo, chunk, null);
    }

    private ObjectNode token(ScoredToken token, String released) {
        CompletionLogProbs chunk = newLogProbs();
        record(chunk, token, textOffset);
        textOffset += TokenStrings.textLength(tokenizer, token.id());
        text.append(released);
        return choiceObject(released, chunk, null);
    }

    private ObjectNode finish(SequenceEvent.Finished finished) {
        text.append(finished.trailingText());
        finishReason = finished.finishReason();
        return choiceObject(
                finished.trailingText(), plan.logProbs() ? new CompletionLogProbs(false) : null, finishReason);
    }

    private CompletionLogProbs newLogProbs() {
        return plan.logProbs() ? new CompletionLogProbs(plan.distributionStatistics()) : null;
    }

    private void record(CompletionLogProbs chunk, ScoredToken token, int offset) {
        if (chunk != null) {
            chunk.add(tokenizer, token, offset);
            allLogProbs.add(tokenizer, token, offset);
        }
    }

    private ObjectNode choiceObject(String choiceText, CompletionLogProbs logProbs, String reason) {
        ObjectNode choice = Json.object();
        choice.put("text", choiceText);
        choice.put("index", index);
        if (logProbs == null) {
            choice.putNull("logprobs");
        } else {
            choice.set("logprobs", logProbs.json());
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
        return choiceObject(text.toString(), allLogProbs, finishReason);
    }
}
