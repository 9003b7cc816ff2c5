package org.logitlab.analysis.scoring;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.logitlab.distribution.Distribution;
import org.logitlab.model.Model;
import org.logitlab.session.Logits;
import org.logitlab.session.Session;
import org.logitlab.tokenizer.Tokenizer;

/**
 * Runs a text through a model once — batched prefill with logits at every position — and turns each position's
 * next-token distribution into a {@link TokenRecord}. With a reference model sharing the vocabulary, the same windows
 * are run through it too and each position also gets {@link CrossStatistics} from the two aligned rows.
 *
 * <p>Single-owner, like the {@link Session}s it keeps: the sessions (and their KV caches) are allocated on first
 * use and reused for every text. The models themselves may be shared with other scorers.
 */
public final class TextScorer {
    /** Below this many positions a window's records are computed on the calling thread. */
    private static final int PARALLEL_THRESHOLD = 32;

    private final Model model;
    private final Model reference;
    private final ScoringOptions options;
    private final int window;
    private final int stride;
    private Session session;
    private Session referenceSession;

    public TextScorer(Model model, ScoringOptions options) {
        this(model, null, options);
    }

    /**
     * @param reference a second model with the same vocabulary (the sampling model of Fast-DetectGPT, the performer
     *     of Binoculars), or null; may be {@code model} itself
     */
    public TextScorer(Model model, Model reference, ScoringOptions options) {
        if (model == null) {
            throw new IllegalArgumentException("model must not be null");
        }
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        if (reference != null && reference != model) {
            requireSharedVocabulary(model, reference);
        }
        this.model = model;
        this.reference = reference;
        this.options = options;
        int context = model.config().contextLength();
        if (reference != null) {
            context = Math.min(context, reference.config().contextLength());
        }
        this.window = options.effectiveWindow(context);
        this.stride = options.effectiveStride(window);
    }

    public Model model() {
        return model;
    }

    public boolean hasReference() {
        return reference != null;
    }

    /** Tokens per forward pass. */
    public int window() {
        return window;
    }

    /** Tokens each window advances by; see {@link ScoringOptions}. */
    public int stride() {
        return stride;
    }

    /** Encodes {@code text} with the model's tokenizer (adding BOS as the options say) and scores it. */
    public ScoredText score(String text) {
        if (text == null) {
            throw new IllegalArgumentException("text must not be null");
        }
        int[] tokens = model.tokenizer().encode(text, options.addSpecial(), false);
        return score(text, tokens);
    }

    /**
     * Scores every token of {@code tokens} but the first, which is context only (usually BOS).
     *
     * @param text the text the tokens came from, carried into the result ("" if unknown)
     */
    public ScoredText score(String text, int[] tokens) {
        if (tokens == null || tokens.length < 2) {
            throw new IllegalArgumentException("tokens must hold at least 2 ids (context + one scored token), got "
                    + (tokens == null ? "null" : tokens.length));
        }
        Tokenizer tokenizer = model.tokenizer();
        int vocabulary = model.config().vocabularySize();
        List<TokenRecord> records = new ArrayList<>(tokens.length - 1);
        List<CrossStatistics> cross = new ArrayList<>(reference == null ? 0 : tokens.length - 1);
        int scoredUntil = 1; // tokens[0, scoredUntil) have records (token 0 never does)
        for (int begin = 0; scoredUntil < tokens.length; begin += stride) {
            int end = Math.min(begin + window, tokens.length);
            int[] windowTokens = Arrays.copyOfRange(tokens, begin, end);
            Logits logits = evaluate(modelSession(), windowTokens);
            Logits referenceLogits =
                    reference == null ? null : reference == model ? logits : evaluate(referenceSession(), windowTokens);
            // Row i predicts windowTokens[i + 1] = tokens[begin + i + 1]. Positions are independent, so their
            // records are computed in parallel: the cores the forward pass just used would otherwise sit idle.
            int first = scoredUntil;
            int firstRow = first - begin - 1;
            TokenRecord[] windowRecords = new TokenRecord[end - first];
            CrossStatistics[] windowCross = new CrossStatistics[referenceLogits == null ? 0 : end - first];
            IntStream positions = IntStream.range(0, end - first);
            if (end - first >= PARALLEL_THRESHOLD) {
                positions = positions.parallel();
            }
            positions.forEach(i -> {
                int row = firstRow + i;
                int token = tokens[first + i];
                Distribution distribution = Distribution.of(logits.data(), logits.offset(row), vocabulary);
                windowRecords[i] = TokenRecord.of(
                        first + i, token, display(tokenizer, token), distribution, options.topAlternatives());
                if (referenceLogits != null) {
                    Distribution referenceDistribution = referenceLogits == logits
                            ? distribution
                            : Distribution.of(referenceLogits.data(), referenceLogits.offset(row), vocabulary);
                    windowCross[i] = CrossStatistics.of(token, distribution, referenceDistribution);
                }
            });
            records.addAll(Arrays.asList(windowRecords));
            cross.addAll(Arrays.asList(windowCross));
            scoredUntil = end;
        }
        return new ScoredText(text, tokens, records, cross, window, stride);
    }

    private static Logits evaluate(Session session, int[] windowTokens) {
        session.truncate(0);
        return session.append(windowTokens, true);
    }

    private Session modelSession() {
        if (session == null) {
            session = model.newSession(window);
        }
        return session;
    }

    private Session referenceSession() {
        if (referenceSession == null) {
            referenceSession = reference.newSession(window);
        }
        return referenceSession;
    }

    /** The text a token decodes to, or its vocabulary entry when it decodes to nothing (BOS, control tokens). */
    static String display(Tokenizer tokenizer, int token) {
        byte[] bytes = tokenizer.tokenBytes(token);
        return bytes.length == 0 ? tokenizer.piece(token) : new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Two models can be compared position by position only if they split text identically: same vocabulary size
     * and the same bytes for every token id.
     */
    private static void requireSharedVocabulary(Model model, Model reference) {
        int size = model.config().vocabularySize();
        int referenceSize = reference.config().vocabularySize();
        if (size != referenceSize) {
            throw new IllegalArgumentException("reference model " + reference.source() + " has a vocabulary of "
                    + referenceSize + " tokens but " + model.source() + " has " + size
                    + "; the two models must share a vocabulary");
        }
        Tokenizer tokenizer = model.tokenizer();
        Tokenizer referenceTokenizer = reference.tokenizer();
        for (int id = 0; id < size; id++) {
            if (!Arrays.equals(tokenizer.tokenBytes(id), referenceTokenizer.tokenBytes(id))
                    || !tokenizer.piece(id).equals(referenceTokenizer.piece(id))) {
                throw new IllegalArgumentException("reference model " + reference.source() + " spells token " + id
                        + " as '" + referenceTokenizer.piece(id) + "' but " + model.source() + " as '"
                        + tokenizer.piece(id) + "'; the two models must share a vocabulary");
            }
        }
    }
}
