package org.logitlab.speculative;

/**
 * The target distribution p after each node of a draft tree, already shaped by the sampler chain with the
 * history up to that node; computed on demand, so only the nodes the verifier reaches cost anything.
 */
@FunctionalInterface
public interface TargetDistributions {
    /** p after {@code node} (−1 = after the root, i.e. at the first draft position). */
    double[] after(int node);
}
