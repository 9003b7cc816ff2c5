package org.logitlab.tokenizer;

import java.util.OptionalInt;
import org.logitlab.gguf.GgufFormatException;
import org.logitlab.gguf.GgufMetadata;

/**
 * Text ↔ token ids for a GGUF model, with llama.cpp's exact behaviour ({@code src/llama-vocab.cpp}). Instances
 * are immutable and safe to share across threads.
 */
public interface Tokenizer {

    /**
     * Builds the tokenizer a GGUF file describes: {@code tokenizer.ggml.model} picks the family (llama →
     * SentencePiece, gpt2 → byte-level BPE, bert → WordPiece) and, for BPE, {@code tokenizer.ggml.pre} picks the
     * pre-tokenizer regexes.
     *
     * @throws GgufFormatException for a missing or unknown model or pre-tokenizer name, naming the value
     */
    static Tokenizer fromGguf(GgufMetadata metadata) {
        String model = metadata.string("tokenizer.ggml.model")
                .orElseThrow(() -> new GgufFormatException("tokenizer: metadata has no 'tokenizer.ggml.model'"));
        return switch (model) {
            case "llama" ->
                new SentencePieceTokenizer(Vocabulary.load(metadata, VocabularyType.SENTENCE_PIECE, false, true));
            case "gpt2" -> BytePairTokenizer.load(metadata);
            case "bert" -> new WordPieceTokenizer(Vocabulary.load(metadata, VocabularyType.WORD_PIECE, true, true));
            default ->
                throw new GgufFormatException(
                        "tokenizer: unsupported tokenizer.ggml.model '" + model + "' (supported: llama, gpt2, bert)");
        };
    }

    int vocabularySize();

    /**
     * @param addSpecial add BOS/EOS as the model's add_bos/add_eos flags say (llama.cpp {@code add_special});
     *     WordPiece models always get [CLS] … [SEP], as in llama.cpp
     * @param parseSpecial text spelling a control or unknown token (e.g. {@code "<s>"}) becomes that token
     *     (llama.cpp {@code parse_special}); user-defined tokens are matched either way, as in llama.cpp
     */
    int[] encode(String text, boolean addSpecial, boolean parseSpecial);

    /**
     * The bytes this token contributes to decoded text: llama.cpp's {@code token_to_piece} with
     * {@code special = false}. Control and unknown tokens (BOS, EOS, …) contribute nothing; user-defined tokens
     * their text; SentencePiece pieces with ▁ turned into spaces and {@code <0xNN>} into that byte; byte-level
     * BPE pieces through the reversed GPT-2 byte mapping. Unused/undefined tokens contribute nothing.
     */
    byte[] tokenBytes(int id);

    /** The raw vocabulary string, for display. */
    String piece(int id);

    /**
     * llama.cpp's {@code detokenize} with {@code remove_special = false, unparse_special = false}: the
     * concatenated {@link #tokenBytes}, minus one leading space of the first token when the vocabulary adds a
     * space prefix (SentencePiece), then, where the vocabulary asks for it ({@code clean_spaces}: gpt2-style
     * BPE except deepseek/qwen2/command-r, and WordPiece), llama.cpp's clean-up of " ?", " !", " .", " ,",
     * " ' " and " 's"-style contractions. Invalid UTF-8 becomes U+FFFD.
     */
    String decode(int[] ids);

    OptionalInt bosToken();

    OptionalInt eosToken();

    boolean addsBos();

    boolean addsEos();

    /** llama.cpp's {@code llama_vocab_is_eog}: EOS, end-of-turn, end-of-message and the texts it knows. */
    boolean isEndOfGeneration(int id);

    boolean isControl(int id);
}
