package org.logitlab.generation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.logitlab.constraint.Constraints;
import org.logitlab.constraint.TokenVocabularies;
import org.logitlab.constraint.TokenVocabulary;
import org.logitlab.distribution.Distribution;
import org.logitlab.model.Model;
import org.logitlab.sampling.SamplerChain;
import org.logitlab.sampling.SamplerChains;
import org.logitlab.sampling.SamplerSettings;
import org.logitlab.session.Logits;
import org.logitlab.session.Session;

class GeneratorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Model model;

    @BeforeAll
    static void load() throws IOException {
        model = Model.loadEmbedded();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static GenerationResult generate(
            SamplerSettings settings, String prompt, int maxTokens, org.logitlab.constraint.Constraint constraint) {
        int[] tokens = model.tokenizer().encode(prompt, true, false);
        Session session = model.newSession(tokens.length + maxTokens);
        SamplerChain chain = SamplerChains.create(settings, model.config().vocabularySize(), session.contextLength());
        return new Generator(session, model.tokenizer(), chain, constraint).generate(tokens, maxTokens, 3, token -> {});
    }

    @Test
    void greedyOutputEqualsArgmaxOfTheModelAndLogProbsAreTheModels() {
        SamplerSettings greedy = SamplerSettings.builder().temperature(0).build();
        GenerationResult result = generate(greedy, "Once upon a time", 24, null);
        assertThat(result.text()).startsWith(", there was a little girl named Lily.");
        Session reference = model.newSession(64);
        Logits logits = reference.append(model.tokenizer().encode("Once upon a time", true, false));
        for (GeneratedToken token : result.tokens()) {
            Distribution expected = Distribution.of(logits.data(), logits.lastOffset(), logits.vocabularySize());
            assertThat(token.token()).isEqualTo(expected.argmax());
            assertThat(token.logProbs().logProb()).isEqualTo(expected.logProb(token.token()));
            assertThat(token.logProbs().topRaw()).containsExactlyElementsOf(expected.topK(3));
            logits = reference.append(token.token());
        }
    }

    @Test
    void sameSeedAndOptionsGiveTheSameOutput() {
        SamplerSettings sampled =
                SamplerSettings.builder().temperature(1.0).seed(99).build();
        assertThat(generate(sampled, "Lily", 40, null).generatedIds())
                .containsExactly(generate(sampled, "Lily", 40, null).generatedIds());
    }

    /** Issue 5: with a JSON Schema, 100% of the embedded model's outputs parse and validate (networknt validator). */
    @Test
    void everyJsonSchemaConstrainedOutputValidates() throws Exception {
        String schemaText = """
                {"type":"object","properties":{
                  "name":{"type":"string","maxLength":16},
                  "age":{"type":"integer","minimum":1,"maximum":12},
                  "pets":{"type":"array","items":{"enum":["dog","cat","bird"]},"minItems":1,"maxItems":3},
                  "happy":{"type":"boolean"}},
                 "required":["name","age","pets"]}""";
        JsonSchema schema =
                JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaText);
        TokenVocabulary vocabulary = TokenVocabularies.of(model.tokenizer());
        int completed = 0;
        for (long seed = 0; seed < 30; seed++) {
            SamplerSettings settings =
                    SamplerSettings.builder().temperature(0.8).seed(seed).build();
            GenerationResult result =
                    generate(settings, "Once upon a time", 200, Constraints.jsonSchema(schemaText, vocabulary));
            assertThat(result.finishReason())
                    .as("seed %d: %s", seed, result.text())
                    .isEqualTo(FinishReason.STOP);
            JsonNode parsed = JSON.readTree(result.text());
            assertThat(schema.validate(parsed))
                    .as("seed %d: %s", seed, result.text())
                    .isEmpty();
            completed++;
        }
        assertThat(completed).isEqualTo(30);
    }
}
