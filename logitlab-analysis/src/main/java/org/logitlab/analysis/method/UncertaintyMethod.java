package org.logitlab.analysis.method;

import java.util.List;
import org.logitlab.analysis.scoring.ScoredText;
import org.logitlab.analysis.scoring.TokenRecord;

/**
 * Single-pass (information-based) uncertainty of a text under the model. Higher = more uncertain. With L scored
 * tokens and p_t = p(x_t | x_<t): the sequence-level scores of LM-Polygraph (Fadeeva et al. 2023) and the glass-box
 * metrics of unsupervised quality estimation (Fomicheva et al. 2020) that "Visualizing Uncertainty in Translation"
 * colours tokens by.
 */
public sealed interface UncertaintyMethod extends ScoringMethod {

    @Override
    default Family family() {
        return Family.UNCERTAINTY;
    }

    /** Maximum sequence probability: −log P(x) = −Σ log p_t; contributions −log p_t. */
    record SequenceProbability() implements UncertaintyMethod {
        @Override
        public String name() {
            return "sequence-probability";
        }

        @Override
        public String description() {
            return "maximum sequence probability as uncertainty: -log P(x) = -sum log p(x_t) (Fadeeva et al. 2023)";
        }

        @Override
        public MethodScore score(ScoredText text) {
            ScoringMethod.requireScorable(this, text);
            double[] contributions = Aggregates.map(text.records(), record -> -record.logProb());
            return new MethodScore(name(), family(), Aggregates.sum(contributions), contributions, true);
        }
    }

    /** exp(−(1/L) Σ log p_t); contributions −log p_t / L sum to the log-perplexity. */
    record Perplexity() implements UncertaintyMethod {
        @Override
        public String name() {
            return "perplexity";
        }

        @Override
        public String description() {
            return "perplexity exp(-mean log p(x_t)); contributions sum to the log-perplexity";
        }

        @Override
        public MethodScore score(ScoredText text) {
            double[] contributions = ScoringMethod.meanContributions(this, text, record -> -record.logProb());
            return new MethodScore(name(), family(), Math.exp(Aggregates.sum(contributions)), contributions, false);
        }
    }

    /** (1/L) Σ H_t, the mean entropy of the predicting distributions. */
    record MeanEntropy() implements UncertaintyMethod {
        @Override
        public String name() {
            return "mean-entropy";
        }

        @Override
        public String description() {
            return "mean entropy of the next-token distributions, (1/L) sum H_t in nats (Fomicheva et al. 2020)";
        }

        @Override
        public MethodScore score(ScoredText text) {
            return ScoringMethod.mean(this, text, record -> record.entropy());
        }
    }

    /**
     * 1 − (Π p_t)^(1/L): one minus the geometric-mean token probability. Contributions −log p_t / L sum to −log of
     * the geometric mean, i.e. the log-perplexity.
     */
    record GeometricMeanProbability() implements UncertaintyMethod {
        @Override
        public String name() {
            return "geometric-mean-prob";
        }

        @Override
        public String description() {
            return "1 - geometric mean of p(x_t) (Fomicheva et al. 2020); contributions sum to -log of the mean";
        }

        @Override
        public MethodScore score(ScoredText text) {
            double[] contributions = ScoringMethod.meanContributions(this, text, record -> -record.logProb());
            return new MethodScore(
                    name(), family(), 1.0 - Math.exp(-Aggregates.sum(contributions)), contributions, false);
        }
    }

    /** 1 − (1/L) Σ p_t; contributions (1 − p_t) / L. */
    record ArithmeticMeanProbability() implements UncertaintyMethod {
        @Override
        public String name() {
            return "arithmetic-mean-prob";
        }

        @Override
        public String description() {
            return "1 - arithmetic mean of p(x_t) (Fomicheva et al. 2020)";
        }

        @Override
        public MethodScore score(ScoredText text) {
            return ScoringMethod.mean(this, text, record -> 1.0 - record.prob());
        }
    }

    /**
     * −(1/L') Σ κ_t over the L' tokens whose distribution has a defined kurtosis κ_t of log p (a one-hot or uniform
     * distribution has none). A peaked distribution — one token carrying almost all mass — has a large κ (about 1/ε
     * for residual mass ε), a flat one a small κ, so the negated mean rises with uncertainty.
     */
    record MeanKurtosis() implements UncertaintyMethod {
        @Override
        public String name() {
            return "mean-kurtosis";
        }

        @Override
        public String description() {
            return "negated mean kurtosis of log p under each next-token distribution (flatter = more uncertain)";
        }

        @Override
        public MethodScore score(ScoredText text) {
            ScoringMethod.requireScorable(this, text);
            List<TokenRecord> records = text.records();
            long defined = records.stream()
                    .filter(record -> !Double.isNaN(record.kurtosis()))
                    .count();
            if (defined == 0) {
                throw new IllegalArgumentException(
                        name() + ": no token distribution has a defined kurtosis (all one-hot or uniform)");
            }
            double[] contributions = Aggregates.map(
                    records, record -> Double.isNaN(record.kurtosis()) ? 0.0 : -record.kurtosis() / defined);
            return new MethodScore(name(), family(), Aggregates.sum(contributions), contributions, true);
        }
    }
}
