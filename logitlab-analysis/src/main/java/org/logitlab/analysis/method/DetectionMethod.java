package org.logitlab.analysis.method;

import java.util.List;
import org.logitlab.analysis.scoring.CrossStatistics;
import org.logitlab.analysis.scoring.ScoredText;
import org.logitlab.analysis.scoring.TokenRecord;

/**
 * Zero-shot machine-text detection: text a model generated sits where that model (or a similar one) puts its
 * mass. Higher = more likely machine-generated. L is the number of scored tokens, p_t = p(x_t | x_<t), r_t its rank.
 */
public sealed interface DetectionMethod extends ScoringMethod {

    @Override
    default Family family() {
        return Family.DETECTION;
    }

    /** (1/L) Σ log p_t (Solaiman et al. 2019; Gehrmann et al. 2019). */
    record LogLikelihood() implements DetectionMethod {
        @Override
        public String name() {
            return "log-likelihood";
        }

        @Override
        public String description() {
            return "mean log p(x_t) (Solaiman et al. 2019)";
        }

        @Override
        public MethodScore score(ScoredText text) {
            return ScoringMethod.mean(this, text, record -> record.logProb());
        }
    }

    /** −(1/L) Σ log r_t (GLTR, Gehrmann et al. 2019; Mitchell et al. 2023's log-rank baseline). */
    record LogRank() implements DetectionMethod {
        @Override
        public String name() {
            return "log-rank";
        }

        @Override
        public String description() {
            return "negated mean log rank of x_t (Gehrmann et al. 2019; Mitchell et al. 2023)";
        }

        @Override
        public MethodScore score(ScoredText text) {
            return ScoringMethod.mean(this, text, record -> -Math.log(record.rank()));
        }
    }

    /** −(1/L) Σ H_t: machine text is written where the model is sure of itself (Gehrmann et al. 2019). */
    record Entropy() implements DetectionMethod {
        @Override
        public String name() {
            return "entropy";
        }

        @Override
        public String description() {
            return "negated mean entropy of the next-token distributions (Gehrmann et al. 2019)";
        }

        @Override
        public MethodScore score(ScoredText text) {
            return ScoringMethod.mean(this, text, record -> -record.entropy());
        }
    }

    /**
     * Log-likelihood log-rank ratio LRR = −Σ log p_t / Σ log r_t (DetectLLM, Su et al. 2023). Contributions −log p_t /
     * Σ log r_t. When every token is the model's first choice the denominator is 0 and the score +∞ (all
     * contributions 0): the most machine-like text possible.
     */
    record LogLikelihoodLogRankRatio() implements DetectionMethod {
        @Override
        public String name() {
            return "lrr";
        }

        @Override
        public String description() {
            return "log-likelihood log-rank ratio -sum log p(x_t) / sum log rank(x_t) (Su et al. 2023)";
        }

        @Override
        public MethodScore score(ScoredText text) {
            ScoringMethod.requireScorable(this, text);
            double logRankSum = Aggregates.sum(Aggregates.map(text.records(), record -> Math.log(record.rank())));
            if (logRankSum == 0.0) {
                return new MethodScore(name(), family(), Double.POSITIVE_INFINITY, new double[text.size()], false);
            }
            double[] contributions = Aggregates.map(text.records(), record -> -record.logProb() / logRankSum);
            return new MethodScore(name(), family(), Aggregates.sum(contributions), contributions, true);
        }
    }

    /**
     * Fast-DetectGPT's analytic sampling discrepancy (Bao et al. 2024, eq. 5 with the analytic mean and variance of
     * §3.3): d = (Σ log p_t − Σ μ_t) / sqrt(Σ σ_t²). With one model μ_t = E_p[log p] and σ_t² = Var_p[log p] of the
     * predicting distribution; with a reference (sampling) model q they are E_q[log p] and Var_q[log p], the scoring
     * model's log-prob under the sampling model's distribution. Contributions (log p_t − μ_t) / sqrt(Σ σ_t²).
     *
     * @param useReference take μ_t, σ_t² from the reference model's distribution when the text has cross statistics
     */
    record FastDetectGpt(boolean useReference) implements DetectionMethod {
        @Override
        public String name() {
            return "fast-detectgpt";
        }

        @Override
        public String description() {
            return "analytic sampling discrepancy (sum log p - sum mu_t) / sqrt(sum sigma_t^2) (Bao et al. 2024);"
                    + " mu, sigma under the reference (sampling) model when one is given";
        }

        @Override
        public MethodScore score(ScoredText text) {
            ScoringMethod.requireScorable(this, text);
            List<TokenRecord> records = text.records();
            boolean cross = useReference && text.hasReference();
            double[] centred = new double[records.size()];
            double varianceSum = 0.0;
            for (int t = 0; t < centred.length; t++) {
                TokenRecord record = records.get(t);
                if (cross) {
                    CrossStatistics statistics = text.cross().get(t);
                    centred[t] = record.logProb() - statistics.meanLogProbUnderReference();
                    varianceSum += statistics.varianceLogProbUnderReference();
                } else {
                    centred[t] = record.logProb() - record.meanLogProb();
                    varianceSum += record.varianceLogProb();
                }
            }
            if (varianceSum == 0.0) {
                throw new IllegalArgumentException(name()
                        + ": every sampling distribution is one-hot or uniform (sum of variances 0);"
                        + " the discrepancy is undefined");
            }
            double scale = Math.sqrt(varianceSum);
            double[] contributions = new double[centred.length];
            for (int t = 0; t < centred.length; t++) {
                contributions[t] = centred[t] / scale;
            }
            return new MethodScore(name(), family(), Aggregates.sum(contributions), contributions, true);
        }
    }

    /**
     * Binoculars (Hans et al. 2024, eq. 3): B = log PPL_observer(x) / log X-PPL(observer, performer), with log PPL =
     * −(1/L) Σ log p_t under the observer (the scored model) and log X-PPL = −(1/L) Σ_t Σ_v p_{t,v} log q_{t,v}, the
     * observer's distribution against the performer's (the reference model's) log-probs. Low B means machine text,
     * so the score is −B; contributions log p_t / (L · log X-PPL). The authors' reference code computes the
     * numerator with the performer; we follow the paper's equation.
     */
    record Binoculars() implements DetectionMethod {
        @Override
        public String name() {
            return "binoculars";
        }

        @Override
        public String description() {
            return "negated Binoculars score -log PPL_observer / log X-PPL(observer, performer) (Hans et al. 2024);"
                    + " observer = the model, performer = the reference model";
        }

        @Override
        public boolean needsReference() {
            return true;
        }

        @Override
        public MethodScore score(ScoredText text) {
            ScoringMethod.requireScorable(this, text);
            int length = text.size();
            double crossEntropySum = 0.0;
            for (CrossStatistics statistics : text.cross()) {
                crossEntropySum -= statistics.meanReferenceLogProbUnderModel();
            }
            double logCrossPerplexity = crossEntropySum / length;
            if (!(logCrossPerplexity > 0.0)) {
                throw new IllegalArgumentException(name() + ": the cross-perplexity is 1 (log X-PPL = "
                        + logCrossPerplexity + "), so the ratio is undefined");
            }
            double[] contributions =
                    Aggregates.map(text.records(), record -> record.logProb() / (length * logCrossPerplexity));
            return new MethodScore(name(), family(), Aggregates.sum(contributions), contributions, true);
        }
    }
}
