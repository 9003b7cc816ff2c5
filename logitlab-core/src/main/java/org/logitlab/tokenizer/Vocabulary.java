package org.logitlab.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.logitlab.gguf.GgufFormatException;
import org.logitlab.gguf.GgufMetadata;

/**
 * The token table shared by every tokenizer family: texts, scores, attributes, special token ids and flags,
 * read from GGUF metadata the way llama.cpp's {@code llama_vocab::impl::load} does, including its
 * name-based fix-ups (end-of-generation detection, Phi-3's right-stripping special tokens).
 */
final class Vocabulary {
    static final int NONE = -1;

    /** Texts llama.cpp treats as end of generation regardless of their GGUF token type. */
    private static final Set<String> END_OF_GENERATION_TEXTS = Set.of(
            "<|eot_id|>",
            "<|im_end|>",
            "<|end|>",
            "<|return|>",
            "<|call|>",
            "<|flush|>",
            "<|calls|>",
            "<end_of_turn>",
            "<|endoftext|>",
            "</s>",
            "<|eom_id|>",
            "<EOT>",
            "_<EOT>",
            "[EOT]",
            "[EOS]",
            "<|end_of_text|>",
            "<end_of_utterance>",
            "<eos>",
            "<turn|>",
            "<|tool_response>",
            "<｜end▁of▁sentence｜>",
            "[e~[");

    private static final Set<String> END_OF_TURN_TEXTS = Set.of(
            "<|eot_id|>",
            "<|im_end|>",
            "<|end|>",
            "<end_of_turn>",
            "<|endoftext|>",
            "<|end_of_text|>",
            "<EOT>",
            "_<EOT>",
            "[EOT]",
            "<｜end▁of▁sentence｜>",
            "<end_of_utterance>");
    /** Fill-in-the-middle token texts; llama.cpp promotes the first of each kind to CONTROL. */
    private static final List<Set<String>> FILL_IN_THE_MIDDLE_TEXTS = List.of(
            Set.of(
                    "<|fim_prefix|>",
                    "<fim-prefix>",
                    "<fim_prefix>",
                    "<｜fim▁begin｜>",
                    "<PRE>",
                    "▁<PRE>",
                    "<|code_prefix|>",
                    "<|prefix|>"),
            Set.of(
                    "<|fim_suffix|>",
                    "<fim-suffix>",
                    "<fim_suffix>",
                    "<｜fim▁hole｜>",
                    "<SUF>",
                    "▁<SUF>",
                    "<|code_suffix|>",
                    "<|suffix|>"),
            Set.of(
                    "<|fim_middle|>",
                    "<fim-middle>",
                    "<fim_middle>",
                    "<｜fim▁end｜>",
                    "<MID>",
                    "▁<MID>",
                    "<|code_middle|>",
                    "<|middle|>"),
            Set.of("<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]"),
            Set.of("<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"),
            Set.of("<|file_sep|>"));

    final VocabularyType type;
    final String[] texts;
    final float[] scores;
    final int[] attributes;
    final Map<String, Integer> idsByText;
    final int maxTokenUtf8Length;
    final int bos;
    final int eos;
    final int unknown;
    final int separator;
    final boolean addBos;
    final boolean addEos;
    final boolean addSpacePrefix;
    final boolean cleanSpaces;
    final Set<Integer> endOfGeneration;
    /** Control, user-defined and unknown tokens, longest text first: the order llama.cpp partitions in. */
    final int[] specialTokensLongestFirst;

    private Vocabulary(Builder builder) {
        this.type = builder.type;
        this.texts = builder.texts;
        this.scores = builder.scores;
        this.attributes = builder.attributes;
        this.idsByText = builder.idsByText;
        this.maxTokenUtf8Length = builder.maxTokenUtf8Length;
        this.bos = builder.bos;
        this.eos = builder.eos;
        this.unknown = builder.unknown;
        this.separator = builder.separator;
        this.addBos = builder.addBos;
        this.addEos = builder.addEos;
        this.addSpacePrefix = builder.addSpacePrefix;
        this.cleanSpaces = builder.cleanSpaces;
        this.endOfGeneration = builder.endOfGeneration;
        this.specialTokensLongestFirst = builder.specialTokensLongestFirst;
    }

    int size() {
        return texts.length;
    }

    int idOf(String text) {
        Integer id = idsByText.get(text);
        return id == null ? NONE : id;
    }

    boolean has(int id, int attribute) {
        return (attributes[id] & attribute) != 0;
    }

    /**
     * Reads the table. {@code cleanSpaces} and the BOS default come from the pre-tokenizer, so the caller
     * passes them (see {@link PreTokenizer}).
     */
    static Vocabulary load(
            GgufMetadata metadata, VocabularyType type, boolean cleanSpacesDefault, boolean addBosDefault) {
        Builder builder = new Builder();
        builder.type = type;
        byte[][] rawTexts = metadata.byteStringArray("tokenizer.ggml.tokens")
                .orElseThrow(() -> new GgufFormatException("tokenizer: metadata has no 'tokenizer.ggml.tokens'"));
        int count = rawTexts.length;
        builder.texts = new String[count];
        builder.idsByText = HashMap.newHashMap(count);
        for (int id = 0; id < count; id++) {
            String text = new String(rawTexts[id], StandardCharsets.UTF_8);
            if (text.isEmpty()) {
                text = "[EMPTY_" + id + "]"; // llama.cpp renames empty tokens the same way
            }
            builder.texts[id] = text;
            builder.idsByText.putIfAbsent(text, id);
            builder.maxTokenUtf8Length = Math.max(builder.maxTokenUtf8Length, rawTexts[id].length);
        }
        builder.scores = metadata.floatArray("tokenizer.ggml.scores").orElse(new float[count]);
        requireLength("tokenizer.ggml.scores", builder.scores.length, count);
        builder.attributes = new int[count];
        int[] tokenTypes = metadata.intArray("tokenizer.ggml.token_type").orElse(null);
        if (tokenTypes != null) {
            requireLength("tokenizer.ggml.token_type", tokenTypes.length, count);
        }
        for (int id = 0; id < count; id++) {
            builder.attributes[id] =
                    tokenTypes == null ? TokenAttributes.NORMAL : TokenAttributes.fromGgufTokenType(tokenTypes[id]);
        }

        // Defaults per family, then the metadata keys (llama_vocab::impl::load).
        int bos;
        int eos;
        int unknown;
        int separator;
        boolean addBos;
        switch (type) {
            case SENTENCE_PIECE -> {
                bos = 1;
                eos = 2;
                unknown = 0;
                separator = NONE;
                addBos = true;
                builder.addSpacePrefix = true;
                builder.cleanSpaces = false;
            }
            case WORD_PIECE -> {
                bos = 101;
                eos = NONE;
                unknown = 100;
                separator = 102;
                addBos = true;
                builder.addSpacePrefix = false;
                builder.cleanSpaces = true;
            }
            default -> {
                bos = 11;
                eos = 11;
                unknown = NONE;
                separator = NONE;
                addBos = addBosDefault;
                builder.addSpacePrefix = false;
                builder.cleanSpaces = cleanSpacesDefault;
            }
        }
        builder.bos = specialId(metadata, "tokenizer.ggml.bos_token_id", bos, count);
        builder.eos = specialId(metadata, "tokenizer.ggml.eos_token_id", eos, count);
        builder.unknown = specialId(metadata, "tokenizer.ggml.unknown_token_id", unknown, count);
        builder.separator = specialId(metadata, "tokenizer.ggml.seperator_token_id", separator, count);
        int endOfTurn = specialId(metadata, "tokenizer.ggml.eot_token_id", NONE, count);
        int endOfMessage = specialId(metadata, "tokenizer.ggml.eom_token_id", NONE, count);
        builder.addBos = metadata.bool("tokenizer.ggml.add_bos_token").orElse(addBos);
        builder.addEos = metadata.bool("tokenizer.ggml.add_eos_token").orElse(false);
        builder.addSpacePrefix =
                metadata.bool("tokenizer.ggml.add_space_prefix").orElse(builder.addSpacePrefix);
        if (builder.addBos && builder.bos == NONE) {
            throw new GgufFormatException("tokenizer: tokenizer.ggml.add_bos_token is true, but there is no BOS token");
        }
        if (builder.addEos && builder.eos == NONE) {
            throw new GgufFormatException("tokenizer: tokenizer.ggml.add_eos_token is true, but there is no EOS token");
        }

        // llama.cpp recognises end-of-turn, FIM and end-of-generation tokens by their text and makes them
        // CONTROL when the converter forgot to; we scan in id order where llama.cpp walks a hash map.
        Set<Integer> endOfGeneration = new TreeSet<>();
        int[] fillInTheMiddle = {NONE, NONE, NONE, NONE, NONE, NONE};
        for (int id = 0; id < count; id++) {
            String text = builder.texts[id];
            if (endOfTurn == NONE && END_OF_TURN_TEXTS.contains(text)) {
                endOfTurn = id;
                builder.attributes[id] |= TokenAttributes.CONTROL;
            }
            if (endOfMessage == NONE && text.equals("<|eom_id|>")) {
                endOfMessage = id;
                builder.attributes[id] |= TokenAttributes.CONTROL;
            }
            for (int kind = 0; kind < fillInTheMiddle.length; kind++) {
                if (fillInTheMiddle[kind] == NONE
                        && FILL_IN_THE_MIDDLE_TEXTS.get(kind).contains(text)) {
                    fillInTheMiddle[kind] = id;
                    builder.attributes[id] |= TokenAttributes.CONTROL;
                }
            }
        }
        for (int kind = 3; kind < fillInTheMiddle.length; kind++) { // pad, repo, file separator end generation
            if (fillInTheMiddle[kind] != NONE) {
                endOfGeneration.add(fillInTheMiddle[kind]);
            }
        }
        for (int id = 0; id < count; id++) {
            if (END_OF_GENERATION_TEXTS.contains(builder.texts[id])) {
                endOfGeneration.add(id);
                builder.attributes[id] |= TokenAttributes.CONTROL;
            }
        }
        for (int id : new int[] {builder.eos, endOfTurn, endOfMessage}) {
            if (id != NONE) {
                endOfGeneration.add(id);
            }
        }
        builder.endOfGeneration = Set.copyOf(endOfGeneration);

        List<Integer> special = new ArrayList<>();
        for (int id = 0; id < count; id++) {
            if ((builder.attributes[id]
                            & (TokenAttributes.CONTROL | TokenAttributes.USER_DEFINED | TokenAttributes.UNKNOWN))
                    != 0) {
                special.add(id);
            }
        }
        // llama.cpp sorts by UTF-8 length, longest first; ties keep id order here (std::sort is unstable).
        int[] utf8Lengths = new int[count];
        for (int id : special) {
            utf8Lengths[id] = builder.texts[id].getBytes(StandardCharsets.UTF_8).length;
        }
        special.sort(Comparator.comparingInt((Integer id) -> -utf8Lengths[id]));
        builder.specialTokensLongestFirst =
                special.stream().mapToInt(Integer::intValue).toArray();

        // Phi-3's special tokens swallow the whitespace after them (llama.cpp matches general.name).
        String modelName = metadata.string("general.name").orElse("").toLowerCase(Locale.ROOT);
        if (modelName.contains("phi-3") || modelName.contains("phi3")) {
            for (int id : builder.specialTokensLongestFirst) {
                builder.attributes[id] |= TokenAttributes.RIGHT_STRIP;
            }
            setRightStrip(builder, "</s>", true);
            for (String text : new String[] {"<unk>", "<s>", "<|endoftext|>"}) {
                setRightStrip(builder, text, false);
            }
        }
        return new Vocabulary(builder);
    }

    private static void setRightStrip(Builder builder, String text, boolean value) {
        Integer id = builder.idsByText.get(text);
        if (id == null) {
            return;
        }
        builder.attributes[id] = value
                ? builder.attributes[id] | TokenAttributes.RIGHT_STRIP
                : builder.attributes[id] & ~TokenAttributes.RIGHT_STRIP;
    }

    /** An out-of-range id (e.g. 0xFFFFFFFF for "none") keeps the default, as in llama.cpp. */
    private static int specialId(GgufMetadata metadata, String key, int defaultId, int count) {
        int fallback = defaultId >= count ? NONE : defaultId;
        var value = metadata.integer(key);
        if (value.isEmpty() || value.getAsLong() < 0 || value.getAsLong() >= count) {
            return fallback;
        }
        return (int) value.getAsLong();
    }

    private static void requireLength(String key, int length, int count) {
        if (length < count) {
            throw new GgufFormatException(
                    "tokenizer: '" + key + "' has " + length + " entries for " + count + " tokens");
        }
    }

    private static final class Builder {
        VocabularyType type;
        String[] texts;
        float[] scores;
        int[] attributes;
        Map<String, Integer> idsByText;
        int maxTokenUtf8Length;
        int bos;
        int eos;
        int unknown;
        int separator;
        boolean addBos;
        boolean addEos;
        boolean addSpacePrefix;
        boolean cleanSpaces;
        Set<Integer> endOfGeneration;
        int[] specialTokensLongestFirst;
    }
}
