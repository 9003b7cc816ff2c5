package org.logitlab.speculative;

import java.util.random.RandomGenerator;

/**
 * The arithmetic of speculative sampling on dense probability vectors (Leviathan et al. 2023, "Fast
 * Inference from Transformers via Speculative Decoding", Algorithm 1; Chen et al. 2023): a token x drawn
 * from the draft q is accepted with probability min(1, p(x) / q(x)); on rejection the replacement is
 * drawn from the residual norm(max(0, p − q)). The output is then distributed exactly as p.
 *
 * <p>A deterministic draft is the case q = δ_x (a point mass, passed as a {@code null} proposal): accept
 * with probability p(x); the residual max(0, p − δ_x) is p with x removed, renormalised.
 */
public final class SpeculativeSampling {
    private SpeculativeSampling() {}

    /** min(1, p(x) / q(x)); p(x) for a point-mass draft ({@code proposal == null}). */
    public static double acceptanceProbability(double[] target, double[] proposal, int token) {
        if (proposal == null) {
            return Math.min(1.0, target[token]);
        }
        double draftProbability = proposal[token];
        if (!(draftProbability > 0.0)) {
            throw new IllegalArgumentException(
                    "proposal must give the drafted token " + token + " probability > 0, got " + draftProbability);
        }
        return Math.min(1.0, target[token] / draftProbability);
    }

    /**
     * norm(max(0, p − q)), or p without {@code token} renormalised for a point-mass draft. When the residual has
     * no mass (p ≤ q everywhere, so p = q and rejection had probability 0 up to rounding) p itself is returned.
     */
    public static double[] residual(double[] target, double[] proposal, int token) {
        double[] residual = new double[target.length];
        double total = 0.0;
        for (int id = 0; id < target.length; id++) {
            double draftProbability = proposal == null ? (id == token ? 1.0 : 0.0) : proposal[id];
            double excess = Math.max(0.0, target[id] - draftProbability);
            residual[id] = excess;
            total += excess;
        }
        if (!(total > 0.0)) {
            return target.clone();
        }
        for (int id = 0; id < residual.length; id++) {
            residual[id] /= total;
        }
        return residual;
    }

    /**
     * q with {@code removed} tokens set to 0 and renormalised: the distribution of the next draw when drafts are
     * sampled without replacement (Jeon et al. 2024, "Recursive Speculative Decoding", §3.2).
     */
    public static double[] withoutTokens(double[] proposal, int[] removed, int removedCount) {
        double[] remaining = proposal.clone();
        for (int i = 0; i < removedCount; i++) {
            remaining[removed[i]] = 0.0;
        }
        double total = 0.0;
        for (double probability : remaining) {
            total += probability;
        }
        if (!(total > 0.0)) {
            throw new IllegalStateException("no draft mass left after removing " + removedCount + " tokens");
        }
        for (int id = 0; id < remaining.length; id++) {
            remaining[id] /= total;
        }
        return remaining;
    }

    /** A token drawn from {@code probabilities} (which need not sum exactly to 1); never a zero-probability one. */
    public static int sample(double[] probabilities, RandomGenerator random) {
        double total = 0.0;
        for (double probability : probabilities) {
            total += probability;
        }
        if (!(total > 0.0)) {
            throw new IllegalArgumentException("cannot sample from a distribution without mass");
        }
        double target = random.nextDouble() * total;
        double cumulative = 0.0;
        int lastPositive = -1;
        for (int id = 0; id < probabilities.length; id++) {
            if (probabilities[id] > 0.0) {
                cumulative += probabilities[id];
                lastPositive = id;
                if (cumulative > target) {
                    return id;
                }
            }
        }
        return lastPositive;
    }

    /** The most likely token, the lowest id on ties. */
    public static int argmax(double[] probabilities) {
        int best = 0;
        for (int id = 1; id < probabilities.length; id++) {
            if (probabilities[id] > probabilities[best]) {
                best = id;
            }
        }
        return best;
    }

    /**
     * {@code count} distinct tokens drawn sequentially without replacement from {@code probabilities}, via the
     * Gumbel-top-k trick (Kool et al. 2019: the k largest log p + Gumbel noise are such a sample, in order).
     */
    public static int[] sampleWithoutReplacement(double[] probabilities, int count, RandomGenerator random) {
        int available = 0;
        for (double probability : probabilities) {
            if (probability > 0.0) {
                available++;
            }
        }
        int size = Math.min(count, available);
        int[] tokens = new int[size];
        double[] keys = new double[size];
        int filled = 0;
        for (int id = 0; id < probabilities.length; id++) {
            if (!(probabilities[id] > 0.0)) {
                continue;
            }
            double key = Math.log(probabilities[id]) - Math.log(-Math.log(1.0 - random.nextDouble()));
            int position = filled < size ? filled++ : size;
            while (position > 0 && keys[position - 1] < key) {
                if (position < size) {
                    keys[position] = keys[position - 1];
                    tokens[position] = tokens[position - 1];
                }
                position--;
            }
            if (position < size) {
                keys[position] = key;
                tokens[position] = id;
            }
        }
        return tokens;
    }

    /** Up to {@code count} tokens with positive probability, most likely first (lower id on ties). */
    public static int[] topTokens(double[] probabilities, int count) {
        return java.util.stream.IntStream.range(0, probabilities.length)
                .filter(id -> probabilities[id] > 0.0)
                .boxed()
                .sorted((a, b) -> probabilities[a] != probabilities[b]
                        ? Double.compare(probabilities[b], probabilities[a])
                        : Integer.compare(a, b))
                .limit(count)
                .mapToInt(Integer::intValue)
                .toArray();
    }
}
