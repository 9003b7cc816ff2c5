package org.logitlab.server.api;

import org.logitlab.constraint.TokenVocabulary;
import org.logitlab.model.Model;
import org.logitlab.server.scheduler.SpeculationSettings;
import org.logitlab.tokenizer.Tokenizer;

/**
 * The model a server serves, with what requests are validated against.
 *
 * @param id the name reported in {@code model} fields and by /v1/models
 * @param contextLength the longest sequence (prompt + completion) a request may ask for
 * @param created seconds since the epoch when the server loaded the model
 * @param constraintVocabulary the tokens' bytes as grammar, regex and JSON Schema constraints match them; built
 *     once per model because it costs a pass over the whole vocabulary
 * @param speculation the server's speculative decoding (--spec and friends), the default of every request
 * @param draftModelLoaded whether a draft model was loaded (--draft-model), so requests may ask for 'draft', 'tree'
 *     and 'multi'
 */
public record ServedModel(
        Model model,
        String id,
        int contextLength,
        ChatTemplate chatTemplate,
        long created,
        TokenVocabulary constraintVocabulary,
        SpeculationSettings speculation,
        boolean draftModelLoaded) {

    public Tokenizer tokenizer() {
        return model.tokenizer();
    }

    public int vocabularySize() {
        return model.config().vocabularySize();
    }
}
