package org.logitlab.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.FloatRange;

class DistributionPropertiesTest {

    @Provide
    Arbitrary<float[]> logits() {
        Arbitrary<Float> logit = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(20, Arbitraries.floats().between(-30f, 30f)),
                net.jqwik.api.Tuple.of(2, Arbitraries.of(0f, 1f, 5f)), // ties
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Float.NEGATIVE_INFINITY)));
        return logit.array(float[].class).ofMinSize(1).ofMaxSize(300).filter(values -> {
            for (float value : values) {
                if (value != Float.NEGATIVE_INFINITY) {
                    return true;
                }
            }
            return false;
        });
    }

    @Property(seed = "20240601")
    void probabilitiesSumToOneAndLogProbsAreNonPositive(@ForAll("logits") float[] logits) {
        Distribution distribution = Distribution.of(logits);
        double sum = 0;
        for (int id = 0; id < distribution.size(); id++) {
            assertThat(distribution.logProb(id)).isLessThanOrEqualTo(0.0);
            sum += distribution.prob(id);
        }
        assertThat(sum).isCloseTo(1.0, within(1e-9));
        assertThat(distribution.entropy()).isBetween(-1e-12, Math.log(logits.length) + 1e-9);
        assertThat(distribution.varianceLogProb()).isGreaterThanOrEqualTo(0.0);
    }

    @Property(seed = "20240602")
    void rankIsConsistentWithTheSortedOrder(@ForAll("logits") float[] logits) {
        Distribution distribution = Distribution.of(logits);
        List<TokenLogProb> sorted = distribution.topK(0);
        for (int position = 0; position < sorted.size(); position++) {
            int id = sorted.get(position).id();
            int rank = distribution.rank(id);
            // Tied tokens share the rank of the first of them, so rank ≤ position + 1 and the
            // token at (rank − 1) has the same log-prob.
            assertThat(rank).isLessThanOrEqualTo(position + 1);
            assertThat(sorted.get(rank - 1).logProb())
                    .isEqualTo(sorted.get(position).logProb());
        }
        assertThat(sorted.get(0).id()).isEqualTo(distribution.argmax());
        assertThat(distribution.rank(distribution.argmax())).isEqualTo(1);
    }

    @Property(seed = "20240603")
    void logProbsAreInvariantToAddingAConstant(
            @ForAll("logits") float[] logits, @ForAll @FloatRange(min = -50f, max = 50f) float shift) {
        float[] shifted = logits.clone();
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] += shift;
        }
        Distribution original = Distribution.of(logits);
        Distribution moved = Distribution.of(shifted);
        for (int id = 0; id < logits.length; id++) {
            // float rounding of x + c perturbs each logit by up to ~1 ulp of 80, i.e. ~1e-5.
            assertThat(moved.logProb(id))
                    .isCloseTo(original.logProb(id), within(2e-5))
                    .satisfiesAnyOf(value -> assertThat(value).isFinite(), value -> assertThat(value)
                            .isEqualTo(Double.NEGATIVE_INFINITY));
        }
        assertThat(moved.entropy()).isCloseTo(original.entropy(), within(1e-4));
    }
}
