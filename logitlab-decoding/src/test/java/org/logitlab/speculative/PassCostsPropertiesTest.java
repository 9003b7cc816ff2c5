package org.logitlab.speculative;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * Invariants of the pass-cost estimate over any history of passes (sizes 1–20, 0.1–100 ms, JIT outliers
 * included): nothing is estimated before a size has run twice, afterwards every size has a finite estimate, and
 * once single-token passes are known every estimate lies between one and n of them.
 */
class PassCostsPropertiesTest {
    @Property(tries = 300, seed = "20261123")
    void estimatesAreBoundedByOneAndNSingleTokenPasses(
            @ForAll @Size(min = 1, max = 60) List<@IntRange(min = 1, max = 20) Integer> sizes,
            @ForAll @Size(min = 60, max = 60) List<@LongRange(min = 100_000, max = 100_000_000) Long> costs) {
        PassCosts passCosts = new PassCosts();
        int[] runs = new int[21];
        for (int i = 0; i < sizes.size(); i++) {
            int tokens = sizes.get(i);
            passCosts.record(tokens, costs.get(i));
            runs[tokens]++;
        }
        boolean anyTrusted = false;
        for (int count : runs) {
            anyTrusted |= count >= 2;
        }
        assertThat(passCosts.isEmpty()).isEqualTo(!anyTrusted);
        if (!anyTrusted) {
            return;
        }
        double single = passCosts.estimate(1);
        for (int tokens = 1; tokens <= 80; tokens++) {
            double estimate = passCosts.estimate(tokens);
            assertThat(estimate).as("size %d", tokens).isFinite().isPositive();
            if (runs[1] >= 2) {
                assertThat(estimate).as("size %d", tokens).isBetween(single, tokens * single);
            }
        }
    }
}
