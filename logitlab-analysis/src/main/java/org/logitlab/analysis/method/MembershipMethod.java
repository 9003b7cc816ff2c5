package org.logitlab.analysis.method;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.Deflater;
import org.logitlab.analysis.membership.TokenFrequencies;
import org.logitlab.analysis.scoring.ScoredText;
import org.logitlab.analysis.scoring.TokenRecord;

/**
 * Membership inference: was the text in the model's training data? Members are predicted unusually well. Higher =
 * more likely a member. L is the number of scored tokens, p_t = p(x_t | x_<t).
 */
public sealed interface MembershipMethod extends ScoringMethod {

    @Override
    default Family family() {
        return Family.MEMBERSHIP;
    }

    /** −loss = (1/L) Σ log p_t (Yeom et al. 2018). */
    record Loss() implements MembershipMethod {
        @Override
        public String name() {
            return "loss";
        }

        @Override
        public String description() {
            return "negated loss, mean log p(x_t) (Yeom et al. 2018)";
        }

        @Override
        public MethodScore score(ScoredText text) {
            return ScoringMethod.mean(this, text, record -> record.logProb());
        }
    }

    /**
     * −loss / zlib length: the loss calibrated by how compressible the text is (Carlini et al. 2021, "zlib"), with
     * the zlib length in bytes of the UTF-8 text at the default level, header and checksum included (as Python's
     * {@code len(zlib.compress(text))}). Contributions log p_t / (L · zlib length).
     */
    record ZlibRatio() implements MembershipMethod {
        @Override
        public String name() {
            return "zlib";
        }

        @Override
        public String description() {
            return "negated loss over zlib-compressed length in bytes (Carlini et al. 2021)";
        }

        @Override
        public MethodScore score(ScoredText text) {
            ScoringMethod.requireScorable(this, text);
            int length = text.size();
            double compressed = zlibLength(textOf(text));
            double[] contributions = Aggregates.map(text.records(), record -> record.logProb() / (length * compressed));
            return new MethodScore(name(), family(), Aggregates.sum(contributions), contributions, true);
        }

        /** Compressed size of the UTF-8 bytes of {@code text}, zlib format, default level. */
        public static int zlibLength(String text) {
            byte[] input = text.getBytes(StandardCharsets.UTF_8);
            Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
            try {
                deflater.setInput(input);
                deflater.finish();
                byte[] buffer = new byte[input.length + 64];
                int total = 0;
                while (!deflater.finished()) {
                    total += deflater.deflate(buffer);
                }
                return total;
            } finally {
                deflater.end();
            }
        }

        private static String textOf(ScoredText text) {
            if (!text.text().isEmpty()) {
                return text.text();
            }
            StringBuilder pieces = new StringBuilder();
            text.records().forEach(record -> pieces.append(record.piece()));
            return pieces.toString();
        }
    }

    /**
     * Min-K% Prob (Shi et al. 2024): the mean of log p_t over the ⌈k·L⌉ tokens with the lowest log p_t.
     *
     * @param fraction k in (0, 1]; the paper's default is 0.2
     */
    record MinK(double fraction) implements MembershipMethod {
        public MinK {
            Aggregates.requireFraction("min-k fraction", fraction);
        }

        @Override
        public String name() {
            return "min-k";
        }

        @Override
        public String description() {
            return "Min-K% Prob: mean log p(x_t) over the lowest k% tokens (Shi et al. 2024), k = " + fraction;
        }

        @Override
        public MethodScore score(ScoredText text) {
            ScoringMethod.requireScorable(this, text);
            double[] logProbs = Aggregates.map(text.records(), TokenRecord::logProb);
            double[] contributions = Aggregates.meanOver(logProbs, Aggregates.lowestFraction(logProbs, fraction));
            return new MethodScore(name(), family(), Aggregates.sum(contributions), contributions, true);
        }
    }

    /**
     * Min-K%++ (Zhang et al. 2024, eq. 3): z_t = (log p_t − μ_t) / σ_t with μ_t = E_p[log p] and σ_t² = Var_p[log
     * p] of the predicting distribution, averaged over the ⌈k·L⌉ lowest z_t. A distribution with σ_t = 0 (uniform
     * over its unmasked tokens) gives z_t = 0: every unmasked token there is exactly average. Invariant to adding
     * a constant to a row of logits, since log p, μ and σ are.
     *
     * @param fraction k in (0, 1]; the paper's default is 0.2
     */
    record MinKPlusPlus(double fraction) implements MembershipMethod {
        public MinKPlusPlus {
            Aggregates.requireFraction("min-k-plus-plus fraction", fraction);
        }

        @Override
        public String name() {
            return "min-k-plus-plus";
        }

        @Override
        public String description() {
            return "Min-K%++: mean of (log p(x_t) - mu_t) / sigma_t over the lowest k% (Zhang et al. 2024), k = "
                    + fraction;
        }

        @Override
        public MethodScore score(ScoredText text) {
            ScoringMethod.requireScorable(this, text);
            double[] standardised = Aggregates.map(text.records(), MinKPlusPlus::standardised);
            double[] contributions =
                    Aggregates.meanOver(standardised, Aggregates.lowestFraction(standardised, fraction));
            return new MethodScore(name(), family(), Aggregates.sum(contributions), contributions, true);
        }

        static double standardised(TokenRecord record) {
            double deviation = record.standardDeviationLogProb();
            if (deviation == 0.0) {
                return record.logProb() == Double.NEGATIVE_INFINITY ? Double.NEGATIVE_INFINITY : 0.0;
            }
            return (record.logProb() - record.meanLogProb()) / deviation;
        }
    }

    /**
     * DC-PDD (Zhang et al. 2024, "Pretraining Data Detection for LLMs: A Divergence-based Calibration Method", eqs.
     * 4–6): for the first occurrence of each token, α_t = −p_t · log f(x_t) with f the Laplace-smoothed frequency
     * of the token in a reference corpus, capped at {@code cap}; the score is the mean of the capped α over those
     * tokens. Later occurrences of a token contribute 0.
     *
     * @param frequencies token frequencies of a reference corpus, tokenized with the model's tokenizer
     * @param cap the upper bound a on α_t; the authors' default is 0.01
     */
    record DcPdd(TokenFrequencies frequencies, double cap) implements MembershipMethod {
        public DcPdd {
            if (frequencies == null) {
                throw new IllegalArgumentException(
                        "dc-pdd needs token frequencies from a reference corpus (--frequencies or --frequency-corpus)");
            }
            if (!(cap > 0.0) || Double.isInfinite(cap)) {
                throw new IllegalArgumentException("dc-pdd cap must be finite and > 0, got " + cap);
            }
        }

        @Override
        public String name() {
            return "dc-pdd";
        }

        @Override
        public String description() {
            return "DC-PDD: mean over first occurrences of min(-p(x_t) log f(x_t), a) (Zhang et al. 2024), a = " + cap;
        }

        @Override
        public MethodScore score(ScoredText text) {
            ScoringMethod.requireScorable(this, text);
            List<TokenRecord> records = text.records();
            Set<Integer> seen = new HashSet<>();
            double[] alpha = new double[records.size()];
            int firstOccurrences = 0;
            for (int t = 0; t < alpha.length; t++) {
                TokenRecord record = records.get(t);
                if (seen.add(record.token())) {
                    double divergence = -record.prob() * frequencies.logProbability(record.token());
                    alpha[t] = Math.min(divergence, cap);
                    firstOccurrences++;
                }
            }
            double[] contributions = new double[alpha.length];
            for (int t = 0; t < alpha.length; t++) {
                contributions[t] = alpha[t] / firstOccurrences;
            }
            return new MethodScore(name(), family(), Aggregates.sum(contributions), contributions, true);
        }
    }
}
