package org.logitlab.tokenizer;

import java.util.List;
import org.logitlab.gguf.GgufFormatException;

/**
 * What {@code tokenizer.ggml.pre} selects for a byte-level BPE vocabulary, as llama.cpp's
 * {@code llama_vocab::impl::load} and {@code llm_tokenizer_bpe} do: the pre-tokenizer regexes (verbatim from
 * llama.cpp) and the flags that come with them.
 */
record PreTokenizerKind(List<String> regexes, boolean cleanSpaces, boolean ignoreMerges, boolean addBos) {
    private static final String GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
    private static final String LLAMA3 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])"
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String QWEN2 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])"
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final List<String> DEFAULT =
            List.of("[\\p{P}\\$\\+<=>\\^~\\|]+", GPT2, "\\p{N}+", "[0-9][0-9][0-9]");
    private static final List<String> DEEPSEEK_LLM = List.of(
            "[\r\n]",
            "\\s?[A-Za-z\u00B5\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u01BA\u01BC-\u01BF\u01C4-\u0293\u0295-\u02AF\u0370-\u0373\u0376\u0377\u037B-\u037D\u037F\u0386\u0388-\u038A\u038C\u038E-\u03A1\u03A3-\u03F5\u03F7-\u0481\u048A-\u052F\u0531-\u0556\u10A0-\u10C5\u13A0-\u13F5\u13F8-\u13FD\u1C90-\u1CBA\u1CBD-\u1CBF\u1D00-\u1D2B\u1D6B-\u1D77\u1D79-\u1D9A\u1E00-\u1F15\u1F18-\u1F1D\u1F20-\u1F45\u1F48-\u1F4D\u1F50-\u1F57\u1F59\u1F5B\u1F5D\u1F5F-\u1F7D\u1F80-\u1FB4\u1FB6-\u1FBC\u1FBE\u1FC2-\u1FC4\u1FC6-\u1FCC\u1FD0-\u1FD3\u1FD6-\u1FDB\u1FE0-\u1FEC\u1FF2-\u1FF4\u1FF6-\u1FFC\u2102\u2107\u210A-\u2113\u2115\u2119-\u211D\u2124\u2126\u2128\u212A-\u212D\u212F-\u2134\u2139\u213C-\u213F\u2145-\u2149\u214E\u2183\u2184\u2C00-\u2C7B\u2C7E-\u2CE4\u2CEB-\u2CEE\u2CF2\u2CF3\uA640-\uA66D\uA680-\uA69B\uA722-\uA76F\uA771-\uA787\uA78B-\uA78E\uAB70-\uABBF\uFB00-\uFB06\uFB13-\uFB17\uFF21-\uFF3A\uFF41-\uFF5A\uD801\uDC00-\uD801\uDC4F\uD801\uDCB0-\uD801\uDCD3\uD801\uDCD8-\uD801\uDCFB\uD803\uDC80-\uD803\uDCB2\uD803\uDCC0-\uD803\uDCF2\uD806\uDCA0-\uD806\uDCDF\uD83A\uDD00-\uD83A\uDD43]+",
            "\\s?[!-/:-~！-／：-～‘-‟　-。]+",
            "\\s+$",
            "[一-龥ࠀ-一가-퟿]+",
            "\\p{N}+");
    private static final List<String> DEEPSEEK_CODER =
            List.of("[\r\n]", "\\s?\\p{L}+", "\\s?\\p{P}+", "[一-龥ࠀ-一가-퟿]+", "\\p{N}");
    private static final List<String> FALCON = List.of("[\\p{P}\\$\\+<=>\\^~\\|`]+", GPT2, "[0-9][0-9][0-9]");
    private static final List<String> STARCODER = List.of("\\p{N}", GPT2);

    static PreTokenizerKind forName(String pre) {
        return switch (pre) {
            // llama.cpp: a missing pre name means 'default' (with a loud warning about degraded quality)
            case "", "default" -> new PreTokenizerKind(DEFAULT, true, false, false);
            case "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2" ->
                new PreTokenizerKind(List.of(LLAMA3), true, true, true);
            case "dbrx", "smaug-bpe" -> new PreTokenizerKind(List.of(LLAMA3), true, false, false);
            case "deepseek-llm" -> new PreTokenizerKind(DEEPSEEK_LLM, false, false, false);
            case "deepseek-coder" -> new PreTokenizerKind(DEEPSEEK_CODER, false, false, false);
            case "falcon" -> new PreTokenizerKind(FALCON, true, false, false);
            case "starcoder", "refact", "codeshell", "exaone", "minerva-7b" ->
                new PreTokenizerKind(STARCODER, true, false, false);
            case "command-r", "smollm" -> new PreTokenizerKind(STARCODER, false, false, false);
            case "gpt-2",
                    "phi-2",
                    "jina-es",
                    "jina-de",
                    "gigachat",
                    "jina-v2-es",
                    "jina-v2-de",
                    "a.x-4.0",
                    "mellum",
                    "mpt",
                    "olmo",
                    "jais",
                    "exaone4",
                    "jina-v1-en",
                    "jina-v2-code",
                    "roberta-bpe" -> new PreTokenizerKind(List.of(GPT2), true, false, false);
            case "trillion" -> new PreTokenizerKind(List.of(GPT2), false, false, false);
            case "stablelm2" -> new PreTokenizerKind(List.of(QWEN2), true, false, false);
            case "megrez" -> new PreTokenizerKind(List.of(QWEN2), true, false, false);
            case "qwen2", "deepseek-r1-qwen", "hunyuan" -> new PreTokenizerKind(List.of(QWEN2), false, false, false);
            default ->
                throw new GgufFormatException("tokenizer: unknown pre-tokenizer tokenizer.ggml.pre = '" + pre
                        + "' for a gpt2 (byte-level BPE) vocabulary");
        };
    }
}
