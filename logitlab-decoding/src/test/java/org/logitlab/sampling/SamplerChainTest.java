package org.logitlab.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.logitlab.distribution.Distribution;

class SamplerChainTest {
    private static final float[] LOGITS = {2.0f, 1.5f, 1.0f, 0.2f, -1.0f, -3.0f};

    @Test
    void defaultChainFollowsLlamaCppOrder() {
        SamplerChain chain =
                SamplerChains.create(SamplerSettings.builder().seed(1).build(), 6, 128);
        assertThat(chain.describe())
                .isEqualTo("logits -> penalties -> dry -> top-n-sigma -> top-k -> typical -> top-p -> min-p -> xtc"
                        + " -> temp -> dist");
    }

    @Test
    void logitBiasComesFirstAndMirostatReplacesTheTruncationSamplers() {
        SamplerSettings settings = SamplerSettings.builder()
                .seed(1)
                .logitBias(Map.of(3, 1f))
                .mirostat(2)
                .build();
        assertThat(SamplerChains.create(settings, 6, 128).describe())
                .isEqualTo("logits -> logit-bias -> temp -> mirostat-v2");
        assertThat(SamplerChains.create(settings.toBuilder().mirostat(1).build(), 6, 128)
                        .describe())
                .isEqualTo("logits -> logit-bias -> temp -> mirostat");
    }

    @Test
    void samplerOrderStringConfiguresTheChain() {
        SamplerSettings settings =
                SamplerSettings.builder().seed(1).samplers("top-k;nucleus;temp").build();
        assertThat(settings.samplers()).containsExactly(SamplerType.TOP_K, SamplerType.TOP_P, SamplerType.TEMPERATURE);
        assertThat(SamplerChains.create(settings, 6, 128).describe())
                .isEqualTo("logits -> top-k -> top-p -> temp -> dist");
        assertThat(SamplerType.parseCharacters("kpt")).isEqualTo(settings.samplers());
        assertThat(SamplerType.formatOrder(settings.samplers())).isEqualTo("top_k;top_p;temperature");
    }

    @Test
    void unknownSamplerNameListsTheValidNames() {
        assertThatThrownBy(() -> SamplerSettings.builder().samplers("top_k;top_q"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown sampler name 'top_q'")
                .hasMessageContaining("valid names: penalties, dry, top_n_sigma")
                .hasMessageContaining("min_p (min-p)");
    }

    @Test
    void zeroTemperatureIsGreedy() {
        SamplerSettings settings =
                SamplerSettings.builder().seed(1).temperature(0).build();
        SamplerChain chain = SamplerChains.create(settings, LOGITS.length, 128);
        assertThat(chain.describe()).endsWith("-> temp -> greedy");
        for (int step = 0; step < 20; step++) {
            assertThat(chain.sample(LOGITS)).isEqualTo(0);
        }
        // The distribution sampled from is one-hot.
        assertThat(TokenLogProbs.sampledLogProb(chain.candidates(), 0)).isEqualTo(0.0);
    }

    @Test
    void sameSeedAndOptionsGiveTheSameTokensAndCopiesContinueIdentically() {
        SamplerSettings settings = SamplerSettings.builder()
                .seed(2024)
                .repeatPenalty(1.2)
                .temperature(1.3)
                .build();
        SamplerChain first = SamplerChains.create(settings, LOGITS.length, 128);
        SamplerChain second = SamplerChains.create(settings, LOGITS.length, 128);
        int[] tokens = new int[40];
        for (int step = 0; step < tokens.length; step++) {
            tokens[step] = first.sampleAndAccept(LOGITS, 0);
            assertThat(second.sampleAndAccept(LOGITS, 0)).isEqualTo(tokens[step]);
        }
        SamplerChain copy = first.copy();
        for (int step = 0; step < 40; step++) {
            assertThat(copy.sampleAndAccept(LOGITS, 0)).isEqualTo(first.sampleAndAccept(LOGITS, 0));
        }
        first.reset();
        for (int token : tokens) {
            assertThat(first.sampleAndAccept(LOGITS, 0)).isEqualTo(token);
        }
    }

    @Test
    void samplesOneRowOfAPositionsByVocabularyArray() {
        float[] rows = new float[3 * 4];
        rows[4 + 2] = 50f; // row 1 strongly prefers token 2
        SamplerChain chain = new SamplerChain(4, List.of(new GreedySampler()));
        assertThat(chain.sample(rows, 4)).isEqualTo(2);
    }

    @Test
    void reportsRawAndPostChainLogProbs() {
        // top-k 2 then dist: the chain samples from tokens {0, 1} only, with p ∝ (e^2, e^1.5).
        SamplerChain chain = new SamplerChain(LOGITS.length, List.of(new TopKSampler(2), new DistributionSampler(5)));
        int token = chain.sample(LOGITS);
        Distribution raw = Distribution.of(LOGITS);
        TokenLogProbs logProbs = TokenLogProbs.of(token, raw, chain.candidates(), 3);
        assertThat(logProbs.logProb()).isCloseTo(raw.logProb(token), within(1e-12));
        assertThat(logProbs.topRaw()).extracting(t -> t.id()).containsExactly(0, 1, 2);
        assertThat(logProbs.topSampled()).extracting(t -> t.id()).containsExactly(0, 1);
        double sampledTop = 1 / (1 + Math.exp(-0.5)); // e^2 / (e^2 + e^1.5)
        assertThat(logProbs.topSampled().get(0).prob()).isCloseTo(sampledTop, within(1e-6));
        assertThat(TokenLogProbs.sampledLogProb(chain.candidates(), 2)).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void sequenceStatisticsGivePerplexity() {
        SequenceStatistics statistics = SequenceStatistics.of(Math.log(0.5), Math.log(0.25));
        // mean log p = (ln 0.5 + ln 0.25) / 2 = −1.5 ln 2 → perplexity 2^1.5 = 2.828, 1.5 bits per token.
        assertThat(statistics.tokenCount()).isEqualTo(2);
        assertThat(statistics.perplexity()).isCloseTo(Math.pow(2, 1.5), within(1e-12));
        assertThat(statistics.bitsPerToken()).isCloseTo(1.5, within(1e-12));
        assertThat(SequenceStatistics.EMPTY.perplexity()).isNaN();
    }

    @Test
    void chainRejectsMisuse() {
        assertThatThrownBy(() -> new SamplerChain(4, List.of(new TopKSampler(2))))
                .hasMessageContaining("the last sampler must pick a token")
                .hasMessageContaining("top-k");
        assertThatThrownBy(() -> new SamplerChain(0, List.of(new GreedySampler())))
                .hasMessageContaining("vocabularySize must be >= 1, got 0");
        SamplerChain chain = new SamplerChain(4, List.of(new GreedySampler()));
        assertThatThrownBy(() -> chain.accept(4)).hasMessageContaining("token must be in [0, 4), got 4");
        assertThatThrownBy(() -> chain.sample(new float[3])).hasMessageContaining("logits length must be 4, got 3");
        assertThatThrownBy(() -> SamplerChains.create(
                        SamplerSettings.builder().logitBias(Map.of(9, 1f)).build(), 4, 16))
                .hasMessageContaining("logit_bias token must be < vocabulary size 4, got 9");
    }
}
