package org.logitlab.speculative;

import java.util.random.RandomGenerator;

/**
 * Tree and multi-draft verification by recursive rejection sampling, as in Recursive Speculative Decoding
 * (Jeon et al. 2024, Algorithm 1; also SpecInfer, Miao et al. 2024, §4.2). At a node with target p, its
 * children x_1, x_2, … are tried in order: x_i is accepted with probability min(1, p_i(x_i) / q_i(x_i));
 * on rejection p_{i+1} = norm(max(0, p_i − q_i)). An accepted child becomes the new node (target: p after
 * it); when every child is rejected, the next token is drawn from the last residual.
 *
 * <p>Why this is lossless: each step is one standard speculative-sampling step whose "resample from the
 * residual" is replaced by another step targeting that residual; by induction the emitted token is
 * distributed as p_1 = p, provided x_i given everything before it is drawn from q_i. For siblings sampled
 * without replacement from one q, q_i is q with the earlier siblings removed and renormalised (RSD's
 * "without replacement" variant); for deterministic siblings q_i = δ_{x_i}. How many siblings a node has
 * may depend on q but not on the sampled tokens themselves, which is how the drafters build their trees.
 */
public final class RecursiveRejectionVerifier implements Verifier {
    @Override
    public Verification verify(DraftTree draft, TargetDistributions targets, RandomGenerator random) {
        int node = -1;
        double[] target = targets.after(-1);
        while (true) {
            int[] children = draft.children(node);
            double[] residual = target;
            int[] tried = new int[children.length];
            double[] triedFrom = null;
            int triedCount = 0;
            int accepted = -1;
            for (int child : children) {
                int token = draft.tokens()[child];
                double[] proposal = draft.proposals()[child];
                if (proposal != null && proposal != triedFrom) {
                    triedFrom = proposal;
                    triedCount = 0;
                }
                double[] conditional =
                        proposal == null ? null : SpeculativeSampling.withoutTokens(proposal, tried, triedCount);
                if (random.nextDouble() < SpeculativeSampling.acceptanceProbability(residual, conditional, token)) {
                    accepted = child;
                    break;
                }
                residual = SpeculativeSampling.residual(residual, conditional, token);
                if (proposal != null) {
                    tried[triedCount++] = token;
                }
            }
            if (accepted < 0) {
                return new Verification(draft.pathTo(node), SpeculativeSampling.sample(residual, random));
            }
            node = accepted;
            target = targets.after(node);
        }
    }

    @Override
    public String name() {
        return "recursive-rejection";
    }
}
