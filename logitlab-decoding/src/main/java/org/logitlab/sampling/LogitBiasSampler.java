package org.logitlab.sampling;

import java.util.Map;
import java.util.TreeMap;

/**
 * Adds a fixed bias to chosen tokens' logits (llama.cpp {@code logit-bias}; OpenAI's {@code logit_bias}).
 * A bias of −∞ bans a token. Candidates still at their vocabulary position (index == id, the usual
 * case at the head of a chain) are found directly; others are searched for.
 */
public final class LogitBiasSampler implements Sampler {
    private final int[] tokens;
    private final float[] biases;

    public LogitBiasSampler(Map<Integer, Float> biasByToken) {
        if (biasByToken == null) {
            throw new IllegalArgumentException("logit_bias must not be null");
        }
        Map<Integer, Float> ordered = new TreeMap<>();
        biasByToken.forEach((token, bias) -> {
            if (token == null || token < 0) {
                throw new IllegalArgumentException("logit_bias token must be >= 0, got " + token);
            }
            if (bias == null || Float.isNaN(bias) || bias == Float.POSITIVE_INFINITY) {
                throw new IllegalArgumentException(
                        "logit_bias for token " + token + " must be a number or -Infinity, got " + bias);
            }
            ordered.put(token, bias);
        });
        tokens = ordered.keySet().stream().mapToInt(Integer::intValue).toArray();
        biases = new float[tokens.length];
        int i = 0;
        for (float bias : ordered.values()) {
            biases[i++] = bias;
        }
    }

    @Override
    public String name() {
        return "logit-bias";
    }

    @Override
    public void apply(Candidates candidates) {
        for (int b = 0; b < tokens.length; b++) {
            int token = tokens[b];
            int index = token < candidates.size() && candidates.id(token) == token ? token : indexOf(candidates, token);
            if (index >= 0) {
                candidates.setLogit(index, candidates.logit(index) + biases[b]);
            }
        }
    }

    private static int indexOf(Candidates candidates, int token) {
        for (int i = 0; i < candidates.size(); i++) {
            if (candidates.id(i) == token) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public Sampler copy() {
        return this;
    }
}
