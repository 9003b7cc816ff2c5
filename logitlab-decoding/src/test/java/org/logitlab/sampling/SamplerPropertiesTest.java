package org.logitlab.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

class SamplerPropertiesTest {

    /** Every non-picking sampler with non-trivial options; stateful ones get a short history. */
    static List<Supplier<Sampler>> samplers() {
        return List.of(
                () -> new TopKSampler(5),
                () -> new TopPSampler(0.7, 0),
                () -> new TopPSampler(0.9, 3),
                () -> new MinPSampler(0.1, 0),
                () -> new MinPSampler(0.3, 4),
                () -> new TypicalSampler(0.6, 0),
                () -> new TypicalSampler(0.3, 2),
                () -> new TemperatureSampler(0.7),
                () -> new TemperatureSampler(0.0),
                () -> new TemperatureSampler(1.0, 0.5, 1.5),
                () -> new TopNSigmaSampler(1.0),
                () -> new XtcSampler(1.0, 0.05, 1, 7),
                () -> new EpsilonSampler(0.02),
                () -> new EtaSampler(0.05),
                () -> new LogitBiasSampler(Map.of(0, -3f, 3, Float.NEGATIVE_INFINITY)),
                () -> withHistory(new PenaltiesSampler(8, 1.3, 0.2, 0.4)),
                () -> withHistory(new DrySampler(64, 0.8, 1.75, 2, -1, List.of(new int[] {5}))));
    }

    private static Sampler withHistory(Sampler sampler) {
        for (int token : new int[] {1, 2, 3, 1, 2, 3, 1, 2, 0, 1}) {
            sampler.accept(token);
        }
        return sampler;
    }

    @Provide
    Arbitrary<float[]> logits() {
        return Arbitraries.floats()
                .between(-12f, 12f)
                .array(float[].class)
                .ofMinSize(1)
                .ofMaxSize(120);
    }

    @Property(seed = "424242", tries = 300)
    void everySamplerLeavesANormalisedNonNegativeDistribution(@ForAll("logits") float[] logits) {
        for (Supplier<Sampler> factory : samplers()) {
            Candidates candidates = Candidates.of(logits);
            Sampler sampler = factory.get();
            sampler.apply(candidates);
            assertNormalised(candidates, sampler.name());
        }
    }

    @Property(seed = "515151", tries = 200)
    void theDefaultChainAndMirostatChainsLeaveANormalisedDistribution(
            @ForAll("logits") float[] logits, @ForAll @IntRange(min = 0, max = 2) int mirostat) {
        SamplerSettings settings = SamplerSettings.builder()
                .seed(11)
                .mirostat(mirostat)
                .repeatPenalty(1.1)
                .dryMultiplier(0.8)
                .topNSigma(2.0)
                .typicalP(0.9)
                .xtcProbability(0.5)
                .build();
        SamplerChain chain = SamplerChains.create(settings, logits.length, 512);
        for (int step = 0; step < 3; step++) {
            int token = chain.sampleAndAccept(logits, 0);
            assertNormalised(chain.candidates(), chain.describe());
            assertThat(TokenLogProbs.sampledLogProb(chain.candidates(), token)).isGreaterThan(Double.NEGATIVE_INFINITY);
        }
    }

    @Property(seed = "616161", tries = 200)
    void permutingCandidatesDoesNotChangeTheResultingDistribution(
            @ForAll("logits") float[] logits, @ForAll long shuffleSeed) {
        for (Supplier<Sampler> factory : samplers()) {
            Candidates inOrder = Candidates.of(logits);
            Candidates shuffled = Candidates.of(logits);
            int[] permutation = permutation(logits.length, new Random(shuffleSeed));
            shuffled.reorder(permutation, permutation.length);
            Sampler first = factory.get();
            Sampler second = factory.get();
            first.apply(inOrder);
            second.apply(shuffled);
            Map<Integer, Double> expected = probabilitiesById(inOrder);
            Map<Integer, Double> actual = probabilitiesById(shuffled);
            assertThat(actual.keySet()).as(first.name()).isEqualTo(expected.keySet());
            expected.forEach((id, probability) ->
                    assertThat(actual.get(id)).as(first.name() + " token " + id).isCloseTo(probability, within(1e-6)));
        }
    }

    @Property(seed = "717171", tries = 300)
    void topKKeepsTheKHighestLogits(@ForAll("logits") float[] logits, @ForAll @IntRange(min = 1, max = 30) int k) {
        Candidates candidates = Candidates.of(logits);
        new TopKSampler(k).apply(candidates);
        int expected = Math.min(k, logits.length);
        assertThat(candidates.size()).isEqualTo(expected);
        float lowestKept = candidates.logit(expected - 1);
        int strictlyAbove = 0;
        for (float logit : logits) {
            if (logit > lowestKept) {
                strictlyAbove++;
            }
        }
        assertThat(strictlyAbove).isLessThan(expected);
        for (int i = 1; i < candidates.size(); i++) {
            assertThat(candidates.logit(i)).isLessThanOrEqualTo(candidates.logit(i - 1));
        }
    }

    @Property(seed = "818181", tries = 300)
    void topPKeepsTheSmallestPrefixReachingP(
            @ForAll("logits") float[] logits, @ForAll @DoubleRange(min = 0.05, max = 0.99) double p) {
        Candidates before = Candidates.of(logits);
        before.sortByLogitDescending();
        Candidates after = Candidates.of(logits);
        new TopPSampler(p, 0).apply(after);
        int kept = after.size();
        double mass = 0;
        for (int i = 0; i < kept; i++) {
            assertThat(after.id(i)).isEqualTo(before.id(i));
            mass += before.probability(i);
        }
        double massWithoutLast = mass - before.probability(kept - 1);
        if (kept < logits.length) {
            assertThat(mass).isGreaterThanOrEqualTo(p - 1e-6);
        }
        assertThat(massWithoutLast).isLessThan(p + 1e-6);
    }

    @Property(seed = "919191", tries = 300)
    void minPKeepsExactlyTokensAboveTheScaledMaximum(
            @ForAll("logits") float[] logits, @ForAll @DoubleRange(min = 0.01, max = 1.0) double minP) {
        Candidates candidates = Candidates.of(logits);
        new MinPSampler(minP, 0).apply(candidates);
        float max = Float.NEGATIVE_INFINITY;
        for (float logit : logits) {
            max = Math.max(max, logit);
        }
        // p_i ≥ min_p · p_max  ⇔  logit_i ≥ max + ln(min_p), the comparison llama.cpp (and we) make.
        double minimumLogit = max + Math.log(minP);
        List<Integer> expected = new ArrayList<>();
        for (int id = 0; id < logits.length; id++) {
            if (logits[id] >= minimumLogit) {
                expected.add(id);
            }
        }
        assertThat(probabilitiesById(candidates).keySet()).containsExactlyInAnyOrderElementsOf(expected);
    }

    static void assertNormalised(Candidates candidates, String description) {
        double sum = 0;
        for (int i = 0; i < candidates.size(); i++) {
            assertThat(candidates.probability(i)).as(description).isGreaterThanOrEqualTo(0f);
            sum += candidates.probability(i);
        }
        assertThat(sum).as(description).isCloseTo(1.0, within(1e-6));
    }

    static Map<Integer, Double> probabilitiesById(Candidates candidates) {
        Map<Integer, Double> byId = new HashMap<>();
        for (int i = 0; i < candidates.size(); i++) {
            byId.put(candidates.id(i), (double) candidates.probability(i));
        }
        return byId;
    }

    private static int[] permutation(int size, Random random) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }
}
