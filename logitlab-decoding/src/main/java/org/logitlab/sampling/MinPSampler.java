package org.logitlab.sampling;

/**
 * Min-p sampling (Nguyen et al. 2024; llama.cpp {@code min-p}): keeps candidates with p ≥ min_p · p_max,
 * i.e. logit ≥ max logit + ln(min_p), and at least {@code minKeep}. min_p = 0 disables.
 *
 * <p>As in llama.cpp, unsorted candidates are filtered in place (order kept); only when that would keep
 * fewer than {@code minKeep} are they sorted and the best {@code minKeep} kept.
 */
public final class MinPSampler implements Sampler {
    private final double p;
    private final int minKeep;

    public MinPSampler(double p, int minKeep) {
        this.p = Validation.closed("min_p", p, 0.0, 1.0);
        this.minKeep = Validation.atLeast("min_keep", minKeep, 0);
    }

    @Override
    public String name() {
        return "min-p";
    }

    @Override
    public void apply(Candidates candidates) {
        if (p <= 0.0) {
            return;
        }
        double minimumLogit = candidates.maxLogit() + Math.log(p);
        if (!candidates.isSorted()) {
            int passing = 0;
            for (int i = 0; i < candidates.size(); i++) {
                if (candidates.logit(i) >= minimumLogit) {
                    passing++;
                }
            }
            if (passing > 0 && passing >= minKeep) {
                candidates.retainIndices(i -> candidates.logit(i) >= minimumLogit);
                return;
            }
            candidates.sortByLogitDescending();
        }
        int keep = 1; // the top token always passes
        while (keep < candidates.size() && (candidates.logit(keep) >= minimumLogit || keep < minKeep)) {
            keep++;
        }
        candidates.truncate(keep);
    }

    @Override
    public Sampler copy() {
        return this;
    }
}
