package org.logitlab.sampling;

/**
 * Nucleus sampling (Holtzman et al. 2020; llama.cpp {@code top-p}): keeps the smallest prefix of the
 * probability-sorted candidates whose mass is ≥ p, and at least {@code minKeep}. p = 1 disables.
 *
 * <p>Like llama.cpp, an unsorted vocabulary larger than 1024 is first partially sorted to its top 256,
 * falling back to a full sort only if those do not reach p.
 */
public final class TopPSampler implements Sampler {
    private static final int PARTIAL_SORT_THRESHOLD = 1024;
    private static final int PARTIAL_SORT_SIZE = 256;

    private final double p;
    private final int minKeep;

    public TopPSampler(double p, int minKeep) {
        this.p = Validation.leftOpen("top_p", p, 0.0, 1.0);
        this.minKeep = Validation.atLeast("min_keep", minKeep, 0);
    }

    @Override
    public String name() {
        return "top-p";
    }

    @Override
    public void apply(Candidates candidates) {
        if (p >= 1.0) {
            return;
        }
        candidates.softmax();
        int sortedPrefix = candidates.size();
        if (!candidates.isSorted() && candidates.size() > PARTIAL_SORT_THRESHOLD) {
            sortedPrefix = PARTIAL_SORT_SIZE;
            candidates.partialSortByLogitDescending(sortedPrefix);
        } else {
            candidates.sortByLogitDescending();
        }
        double cumulative = 0.0;
        int keep = candidates.size();
        for (int i = 0; i < candidates.size(); i++) {
            if (i == sortedPrefix) {
                // the top 256 were not enough: sort the whole vocabulary and carry on
                candidates.sortByLogitDescending();
                sortedPrefix = candidates.size();
            }
            cumulative += candidates.probability(i);
            if (cumulative >= p && i + 1 >= minKeep) {
                keep = i + 1;
                break;
            }
        }
        candidates.sortByLogitDescending(); // no-op unless rounding kept everything
        candidates.truncate(keep);
    }

    @Override
    public Sampler copy() {
        return this;
    }
}
