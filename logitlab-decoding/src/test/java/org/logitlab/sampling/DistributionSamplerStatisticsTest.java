package org.logitlab.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DistributionSamplerStatisticsTest {

    /**
     * Chi-square goodness of fit of 200,000 seeded draws against the post-chain distribution.
     * Chain: top-k 4 → temperature 0.7 → dist over logits (2.0, 1.5, 1.0, 0.2, −1, −3); 4 categories
     * remain, so 3 degrees of freedom. Critical value χ²(0.999, df = 3) = 16.266: a correct sampler
     * fails this with probability 0.001, and the fixed seed makes the outcome reproducible.
     */
    @Test
    void empiricalFrequenciesMatchThePostChainDistribution() {
        float[] logits = {2.0f, 1.5f, 1.0f, 0.2f, -1.0f, -3.0f};
        SamplerChain chain = new SamplerChain(
                logits.length,
                List.of(new TopKSampler(4), new TemperatureSampler(0.7), new DistributionSampler(20240601L)));
        int draws = 200_000;
        long[] counts = new long[logits.length];
        for (int draw = 0; draw < draws; draw++) {
            counts[chain.sample(logits)]++;
        }
        double[] expected = new double[logits.length];
        Candidates postChain = chain.candidates();
        for (int i = 0; i < postChain.size(); i++) {
            expected[postChain.id(i)] = postChain.probability(i) * (double) draws;
        }
        double chiSquare = 0;
        for (int id = 0; id < logits.length; id++) {
            if (expected[id] == 0) {
                assertThat(counts[id]).as("token %d was removed by top-k", id).isZero();
            } else {
                double difference = counts[id] - expected[id];
                chiSquare += difference * difference / expected[id];
            }
        }
        assertThat(chiSquare).isLessThan(16.266);
    }
}
