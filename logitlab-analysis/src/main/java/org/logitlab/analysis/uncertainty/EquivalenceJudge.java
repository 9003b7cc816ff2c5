package org.logitlab.analysis.uncertainty;

/**
 * Decides whether two generated answers mean the same thing — the clustering step of semantic entropy (Kuhn et al.
 * 2023), where the paper uses bidirectional entailment with an NLI model. Pluggable so such a model can be used;
 * {@link NormalizedMatchJudge} is the dependency-free default. Implementations should be symmetric.
 */
@FunctionalInterface
public interface EquivalenceJudge {
    boolean equivalent(String first, String second);
}
