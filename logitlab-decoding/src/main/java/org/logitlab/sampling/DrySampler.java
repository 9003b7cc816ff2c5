package org.logitlab.sampling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * DRY, "Don't Repeat Yourself" (p-e-w, text-generation-webui PR 5677; llama.cpp {@code dry}, ported there
 * from koboldcpp). If emitting token t would extend a sequence of length L ≥ allowedLength that already
 * occurred in the last n tokens, t's logit drops by multiplier · base^(L − allowedLength). Sequence
 * breakers (e.g. newline, ':') cut the match: repetition is never counted across them.
 *
 * <p>Breakers are token sequences, head token → tails. From text they are found as in llama.cpp: every
 * token whose text contains the breaker is a single-token breaker; a token whose text ends with a
 * prefix of the breaker is a head whose tail is the tokenisation of the rest (only with a tokenizer).
 */
public final class DrySampler implements Sampler {
    private static final int MAX_BREAKER_CHARACTERS = 40;
    private static final int MAX_BREAKER_TAIL_TOKENS = 20;
    /** ln(Float.MAX_VALUE): llama.cpp clamps the exponent so base^exponent stays finite. */
    private static final float FLOAT_MAX_LOG = 88.7228391f;

    private final int contextSize;
    private final float multiplier;
    private final float base;
    private final int allowedLength;
    private final int penaltyLastN;
    private final Map<Integer, List<int[]>> breakerTailsByHead;
    private final TokenHistory history;
    private int[] repeatCounts = new int[0];
    private final Map<Integer, Integer> maxRepeatByToken = new HashMap<>();

    /**
     * @param contextSize the model's context length, used when {@code penaltyLastN} is −1
     * @param multiplier penalty scale; 0 disables
     * @param base exponential base; below 1 disables
     * @param penaltyLastN tokens to scan; −1 = context size, 0 disables
     * @param sequenceBreakers breakers as token sequences (head first)
     */
    public DrySampler(
            int contextSize,
            double multiplier,
            double base,
            int allowedLength,
            int penaltyLastN,
            List<int[]> sequenceBreakers) {
        this(contextSize, multiplier, base, allowedLength, penaltyLastN, byHead(sequenceBreakers));
    }

    private DrySampler(
            int contextSize,
            double multiplier,
            double base,
            int allowedLength,
            int penaltyLastN,
            Map<Integer, List<int[]>> breakerTailsByHead) {
        this.contextSize = Validation.atLeast("context_size", contextSize, 1);
        this.multiplier = (float) Validation.atLeast("dry_multiplier", multiplier, 0.0);
        this.base = (float) Validation.atLeast("dry_base", base, 0.0);
        this.allowedLength = Validation.atLeast("dry_allowed_length", allowedLength, 0);
        this.penaltyLastN = Validation.atLeast("dry_penalty_last_n", penaltyLastN, -1);
        this.breakerTailsByHead = breakerTailsByHead;
        this.history = new TokenHistory(enabled() ? effectiveLastN() : 0);
    }

    private DrySampler(DrySampler other) {
        this.contextSize = other.contextSize;
        this.multiplier = other.multiplier;
        this.base = other.base;
        this.allowedLength = other.allowedLength;
        this.penaltyLastN = other.penaltyLastN;
        this.breakerTailsByHead = other.breakerTailsByHead; // immutable after construction
        this.history = other.history.copy();
    }

    /** DRY with text breakers resolved against a vocabulary; {@code tokenizer} may be null. */
    public static DrySampler withTextBreakers(
            int contextSize,
            double multiplier,
            double base,
            int allowedLength,
            int penaltyLastN,
            List<String> breakers,
            int vocabularySize,
            IntFunction<String> tokenText,
            Function<String, int[]> tokenizer) {
        if (breakers == null) {
            throw new IllegalArgumentException("dry_sequence_breakers must not be null");
        }
        Map<Integer, List<int[]>> byHead = new HashMap<>();
        boolean enabled = multiplier != 0 && base >= 1 && penaltyLastN != 0;
        if (enabled && !breakers.isEmpty()) {
            if (tokenText == null) {
                throw new IllegalArgumentException("tokenText must not be null when dry_sequence_breakers are given");
            }
            for (String breaker : breakers) {
                if (breaker == null || breaker.isEmpty()) {
                    throw new IllegalArgumentException(
                            "dry_sequence_breakers must not contain null or empty, got " + breakers);
                }
                String text = breaker.length() > MAX_BREAKER_CHARACTERS
                        ? breaker.substring(0, MAX_BREAKER_CHARACTERS)
                        : breaker;
                addOverlappingSequences(text, vocabularySize, tokenText, tokenizer, byHead);
            }
        }
        return new DrySampler(contextSize, multiplier, base, allowedLength, penaltyLastN, byHead);
    }

    private static void addOverlappingSequences(
            String breaker,
            int vocabularySize,
            IntFunction<String> tokenText,
            Function<String, int[]> tokenizer,
            Map<Integer, List<int[]>> byHead) {
        for (int token = 0; token < vocabularySize; token++) {
            String word = tokenText.apply(token);
            if (word == null) {
                continue;
            }
            if (word.contains(breaker)) {
                addTail(byHead, token, new int[0]);
                continue;
            }
            if (tokenizer == null) {
                continue;
            }
            for (int position = word.indexOf(breaker.charAt(0));
                    position >= 0;
                    position = word.indexOf(breaker.charAt(0), position + 1)) {
                int overlap = word.length() - position; // word ends with breaker[0, overlap)
                if (overlap < breaker.length() && breaker.startsWith(word.substring(position))) {
                    int[] tail = tokenizer.apply(breaker.substring(overlap));
                    addTail(byHead, token, Arrays.copyOf(tail, Math.min(tail.length, MAX_BREAKER_TAIL_TOKENS)));
                }
            }
        }
    }

    private static Map<Integer, List<int[]>> byHead(List<int[]> sequenceBreakers) {
        if (sequenceBreakers == null) {
            throw new IllegalArgumentException("dry_sequence_breakers must not be null");
        }
        Map<Integer, List<int[]>> byHead = new HashMap<>();
        for (int index = 0; index < sequenceBreakers.size(); index++) {
            int[] breaker = sequenceBreakers.get(index);
            if (breaker == null || breaker.length == 0) {
                throw new IllegalArgumentException(
                        "dry_sequence_breakers[" + index + "] must be a non-empty token sequence");
            }
            addTail(byHead, breaker[0], Arrays.copyOfRange(breaker, 1, breaker.length));
        }
        return byHead;
    }

    private static void addTail(Map<Integer, List<int[]>> byHead, int head, int[] tail) {
        List<int[]> tails = byHead.computeIfAbsent(head, key -> new ArrayList<>());
        for (int[] existing : tails) {
            if (Arrays.equals(existing, tail)) {
                return;
            }
        }
        tails.add(tail);
    }

    private boolean enabled() {
        return multiplier != 0f && base >= 1f && penaltyLastN != 0;
    }

    private int effectiveLastN() {
        return penaltyLastN == -1 ? contextSize : penaltyLastN;
    }

    @Override
    public String name() {
        return "dry";
    }

    @Override
    public void accept(int token) {
        if (enabled()) {
            history.push(token);
        }
    }

    @Override
    public void apply(Candidates candidates) {
        if (!enabled()) {
            return;
        }
        int lastNRepeat = Math.min(Math.min(history.size(), effectiveLastN()), contextSize);
        if (lastNRepeat <= allowedLength) {
            return;
        }
        int repetitionLimit = repetitionLimit(lastNRepeat);
        if (repetitionLimit < allowedLength) {
            return;
        }
        computeRepeatCounts(lastNRepeat, repetitionLimit);
        // Step 3: the token after each repeated suffix would extend it; remember the longest per token.
        maxRepeatByToken.clear();
        for (int i = 0; i < lastNRepeat - 1; i++) {
            int repeatLength = repeatCounts[i];
            if (repeatLength >= allowedLength) {
                int token = history.fromEnd(lastNRepeat - 2 - i);
                maxRepeatByToken.merge(token, repeatLength, Math::max);
            }
        }
        // Step 4: penalise, except single-token breakers themselves.
        int maxExponent = base > 1.000001f ? (int) (FLOAT_MAX_LOG / Math.log(base)) : 0;
        for (int i = 0; i < candidates.size(); i++) {
            Integer repeatLength = maxRepeatByToken.get(candidates.id(i));
            if (repeatLength == null || isSingleTokenBreaker(candidates.id(i))) {
                continue;
            }
            int exponent = repeatLength - allowedLength;
            if (maxExponent > 0 && exponent > maxExponent) {
                exponent = maxExponent;
            }
            float penalty = (float) (multiplier * Math.pow(base, exponent));
            candidates.setLogit(i, candidates.logit(i) - penalty);
        }
    }

    private boolean isSingleTokenBreaker(int token) {
        List<int[]> tails = breakerTailsByHead.get(token);
        if (tails != null) {
            for (int[] tail : tails) {
                if (tail.length == 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Step 1: scanning back from the newest token, the most recent complete breaker sequence limits how
     * far a repetition may reach; returns that limit (tokens after the breaker).
     */
    private int repetitionLimit(int lastNRepeat) {
        for (int i = 0; i < lastNRepeat; i++) {
            List<int[]> tails = breakerTailsByHead.get(history.fromEnd(i));
            if (tails == null) {
                continue;
            }
            int longestMatch = -1;
            for (int[] tail : tails) {
                if (tail.length > longestMatch && tail.length <= i && matchesBefore(tail, i)) {
                    longestMatch = tail.length;
                }
            }
            if (longestMatch >= 0) {
                return i - longestMatch;
            }
        }
        return lastNRepeat;
    }

    private boolean matchesBefore(int[] tail, int headFromEnd) {
        for (int offset = 0; offset < tail.length; offset++) {
            if (tail[offset] != history.fromEnd(headFromEnd - offset - 1)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Step 2: the reverse Z-algorithm. repeatCounts[lastNRepeat − 1 − k] = length of the longest common
     * suffix of the whole window and the window ending k tokens earlier, capped at the limit. Linear time.
     */
    private void computeRepeatCounts(int lastNRepeat, int repetitionLimit) {
        if (repeatCounts.length < lastNRepeat) {
            repeatCounts = new int[lastNRepeat];
        }
        Arrays.fill(repeatCounts, 0, lastNRepeat, 0);
        int last = lastNRepeat - 1;
        int right = 0;
        int left = 0;
        for (int k = 1; k < lastNRepeat; k++) {
            if (k > right) {
                int n = 0;
                while (n + k < lastNRepeat && history.fromEnd(n) == history.fromEnd(n + k)) {
                    n++;
                }
                repeatCounts[last - k] = Math.min(n, repetitionLimit);
                if (n > 0) {
                    left = k;
                    right = k + n - 1;
                }
            } else {
                int pair = k - left;
                int rightPartLength = right - k + 1;
                if (repeatCounts[last - pair] < rightPartLength) {
                    repeatCounts[last - k] = Math.min(repeatCounts[last - pair], repetitionLimit);
                } else {
                    int i = right + 1;
                    while (i < lastNRepeat && history.fromEnd(i) == history.fromEnd(i - k)) {
                        i++;
                    }
                    repeatCounts[last - k] = Math.min(i - k, repetitionLimit);
                    left = k;
                    right = i - 1;
                }
            }
        }
    }

    @Override
    public void reset() {
        history.clear();
        maxRepeatByToken.clear();
    }

    @Override
    public Sampler copy() {
        return new DrySampler(this);
    }
}
