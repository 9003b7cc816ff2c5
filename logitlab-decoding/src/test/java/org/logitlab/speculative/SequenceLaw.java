package org.logitlab.speculative;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.logitlab.constraint.Constraint;
import org.logitlab.constraint.ConstraintMask;
import org.logitlab.model.Model;
import org.logitlab.sampling.SamplerChain;
import org.logitlab.sampling.SamplerChains;
import org.logitlab.sampling.SamplerSettings;
import org.logitlab.session.Logits;
import org.logitlab.session.Session;

/**
 * The exact law of the first few generated tokens, P(x₁)·P(x₂ | x₁)·…, computed from the target's own rows through
 * the chain's shaping (and a constraint's mask, as Generator applies it), and Pearson's χ² test of observed sequences
 * against it. A sequence that ends generation early is a cell of its own.
 */
final class SequenceLaw {
    private final Map<List<Integer>, Double> probabilities;

    private SequenceLaw(Map<List<Integer>, Double> probabilities) {
        this.probabilities = probabilities;
    }

    /**
     * @param constraint the constraint at the start of generation (not changed), or null
     * @param length tokens per sequence
     */
    static SequenceLaw of(
            Model model, int[] prompt, SamplerSettings settings, int context, Constraint constraint, int length) {
        int vocabulary = model.config().vocabularySize();
        SamplerChain chain = SamplerChains.create(settings, vocabulary, context);
        for (int token : prompt) {
            chain.accept(token);
        }
        Session session = model.newSession(context);
        Logits rows = session.append(prompt, false);
        Map<List<Integer>, Double> law = new HashMap<>();
        new Walk(model, session, prompt.length, new ConstraintMask(vocabulary), law)
                .enumerate(rows, ChainShaping.of(chain), constraint, List.of(), 1.0, length);
        return new SequenceLaw(law);
    }

    Map<List<Integer>, Double> probabilities() {
        return probabilities;
    }

    private record Walk(
            Model model, Session session, int promptLength, ConstraintMask mask, Map<List<Integer>, Double> law) {
        void enumerate(
                Logits rows,
                ChainShaping shaping,
                Constraint state,
                List<Integer> prefix,
                double probability,
                int remaining) {
            float[] row = state == null
                    ? java.util.Arrays.copyOfRange(
                            rows.data(), rows.lastOffset(), rows.lastOffset() + rows.vocabularySize())
                    : mask.masked(state, rows.data(), rows.lastOffset());
            if (row == null) {
                throw new IllegalStateException("the constraint allows no token after " + prefix);
            }
            double[] next = shaping.probabilities(row, 0);
            for (int token = 0; token < next.length; token++) {
                if (next[token] == 0) {
                    continue;
                }
                List<Integer> sequence = new ArrayList<>(prefix);
                sequence.add(token);
                double sequenceProbability = probability * next[token];
                if (remaining == 1 || model.tokenizer().isEndOfGeneration(token)) {
                    law.put(List.copyOf(sequence), sequenceProbability);
                    continue;
                }
                session.truncate(promptLength + prefix.size());
                Logits after = session.append(token);
                ChainShaping shapingAfter = shaping.copy();
                shapingAfter.accept(token);
                Constraint stateAfter = null;
                if (state != null) {
                    stateAfter = state.copy();
                    stateAfter.accept(token);
                }
                enumerate(after, shapingAfter, stateAfter, sequence, sequenceProbability, remaining - 1);
            }
        }
    }

    /** Pearson χ² with cells of expected count < 5 pooled into one, as the χ² approximation needs. */
    double chiSquare(Map<List<Integer>, Integer> counts, int runs) {
        double statistic = 0, pooledExpected = 0, pooledObserved = 0;
        for (var cell : probabilities.entrySet()) {
            double expected = cell.getValue() * runs;
            int observed = counts.getOrDefault(cell.getKey(), 0);
            if (expected < 5) {
                pooledExpected += expected;
                pooledObserved += observed;
            } else {
                statistic += (observed - expected) * (observed - expected) / expected;
            }
        }
        if (pooledExpected > 0) {
            statistic += (pooledObserved - pooledExpected) * (pooledObserved - pooledExpected) / pooledExpected;
        }
        return statistic;
    }

    /**
     * The 0.999 quantile of χ² with k = cells − 1 degrees of freedom by Wilson–Hilferty, k·(1 − 2/(9k) + z·√(2/(9k)))³
     * with z = 3.090: a correct generator fails with probability ≈ 0.001 (fixed seeds make it reproducible), while a
     * verifier that skipped the residual or ignored the chain would shift the likeliest cells by several percent, i.e.
     * χ² far above the threshold at a thousand runs.
     */
    double criticalValue(int runs) {
        int large = 0;
        boolean pooled = false;
        for (double probability : probabilities.values()) {
            if (probability * runs >= 5) {
                large++;
            } else {
                pooled = true;
            }
        }
        int k = large + (pooled ? 1 : 0) - 1;
        if (k < 1) {
            throw new IllegalStateException("a χ² test needs at least two cells, the law has " + probabilities);
        }
        double term = 2.0 / (9.0 * k);
        return k * Math.pow(1 - term + 3.090 * Math.sqrt(term), 3);
    }
}
