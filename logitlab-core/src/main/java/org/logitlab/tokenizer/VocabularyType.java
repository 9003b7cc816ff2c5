package org.logitlab.tokenizer;

/** The tokenizer families llama.cpp names by {@code tokenizer.ggml.model}. */
enum VocabularyType {
    /** {@code llama}: SentencePiece BPE with scores and byte fallback. */
    SENTENCE_PIECE,
    /** {@code gpt2}: byte-level BPE with merges and a pre-tokenizer regex. */
    BYTE_PAIR,
    /** {@code bert}: WordPiece. */
    WORD_PIECE
}
