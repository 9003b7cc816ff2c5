package org.logitlab.sampling;

/**
 * Locally typical sampling (Meister et al. 2022, "Locally Typical Sampling"; llama.cpp {@code typical}):
 * ranks candidates by |−log p − H|, the distance of their surprisal from the entropy H, and keeps the
 * most typical ones until their mass exceeds p (and at least {@code minKeep}). The result is ordered
 * by typicality, not by logit. p = 1 disables.
 *
 * <p>Tokens with probability 0 contribute 0 to H (llama.cpp would produce NaN for them).
 */
public final class TypicalSampler implements Sampler {
    private final double p;
    private final int minKeep;
    private Integer[] order = new Integer[0];
    private double[] scores = new double[0];
    private int[] orderIndices = new int[0];

    public TypicalSampler(double p, int minKeep) {
        this.p = Validation.leftOpen("typical_p", p, 0.0, 1.0);
        this.minKeep = Validation.atLeast("min_keep", minKeep, 0);
    }

    @Override
    public String name() {
        return "typical";
    }

    @Override
    public void apply(Candidates candidates) {
        if (p >= 1.0) {
            return;
        }
        candidates.sortByLogitDescending();
        int size = candidates.size();
        double entropy = 0.0;
        for (int i = 0; i < size; i++) {
            double probability = candidates.probability(i);
            if (probability > 0) {
                entropy -= probability * Math.log(probability);
            }
        }
        if (order.length < size) {
            order = new Integer[size];
            scores = new double[size];
            orderIndices = new int[size];
        }
        for (int i = 0; i < size; i++) {
            order[i] = i;
            scores[i] = Math.abs(-Math.log(candidates.probability(i)) - entropy);
        }
        // Stable sort: equally typical tokens stay in logit order, so the result is deterministic.
        java.util.Arrays.sort(order, 0, size, (a, b) -> Double.compare(scores[a], scores[b]));
        double cumulative = 0.0;
        int keep = size;
        for (int i = 0; i < size; i++) {
            cumulative += candidates.probability(order[i]);
            if (cumulative > p && (minKeep == 0 || i >= minKeep - 1)) {
                keep = i + 1;
                break;
            }
        }
        for (int i = 0; i < keep; i++) {
            orderIndices[i] = order[i];
        }
        candidates.reorder(orderIndices, keep);
    }

    @Override
    public Sampler copy() {
        return new TypicalSampler(p, minKeep);
    }
}
