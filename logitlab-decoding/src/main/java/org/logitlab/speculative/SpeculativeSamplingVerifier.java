package org.logitlab.speculative;

import java.util.random.RandomGenerator;

/**
 * Standard speculative sampling of one linear draft (Leviathan et al. 2023, Algorithm 1; Chen et al. 2023,
 * Algorithm 2): walk the draft, accept x_i with probability min(1, p_i(x_i) / q_i(x_i)); at the first
 * rejection emit a token from norm(max(0, p_i − q_i)) and stop; if all are accepted, emit a bonus token from
 * p after the last one. Deterministic drafts use q_i = δ_{x_i}.
 */
public final class SpeculativeSamplingVerifier implements Verifier {
    @Override
    public Verification verify(DraftTree draft, TargetDistributions targets, RandomGenerator random) {
        if (!draft.isChain()) {
            throw new IllegalArgumentException(
                    "speculative sampling verifies one linear draft; use RecursiveRejectionVerifier for trees");
        }
        double[] target = targets.after(-1);
        for (int node = 0; node < draft.size(); node++) {
            int token = draft.tokens()[node];
            double[] proposal = draft.proposals()[node];
            if (random.nextDouble() < SpeculativeSampling.acceptanceProbability(target, proposal, token)) {
                target = targets.after(node);
                continue;
            }
            double[] residual = SpeculativeSampling.residual(target, proposal, token);
            return new Verification(draft.pathTo(node - 1), SpeculativeSampling.sample(residual, random));
        }
        return new Verification(draft.pathTo(draft.size() - 1), SpeculativeSampling.sample(target, random));
    }

    @Override
    public String name() {
        return "speculative-sampling";
    }
}
