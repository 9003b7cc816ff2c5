package org.logitlab.server.api;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.logitlab.model.Model;
import org.logitlab.tokenizer.Tokenizer;

/**
 * Renders chat messages into a prompt with the model's Jinja chat template ({@code tokenizer.chat_template} in
 * the GGUF metadata, as Hugging Face and llama.cpp do), using Jinjava. Templates see {@code messages},
 * {@code add_generation_prompt}, {@code bos_token}, {@code eos_token}, {@code raise_exception(msg)} and
 * {@code strftime_now(fmt)}.
 *
 * <p>A model without a template gets {@link #DEFAULT_TEMPLATE}: one {@code role: content} line per message,
 * then {@code assistant:} when a reply is wanted. It has no special tokens; BOS is added by the tokenizer.
 */
public final class ChatTemplate {
    /** The documented fallback for models whose metadata has no chat template. */
    public static final String DEFAULT_TEMPLATE = "{% for message in messages %}{{ message['role'] }}: "
            + "{{ message['content'] }}\n{% endfor %}{% if add_generation_prompt %}assistant:{% endif %}";

    private final String source;
    private final boolean fromModel;
    private final Jinjava jinjava;

    ChatTemplate(String source, boolean fromModel) {
        this.source = source;
        this.fromModel = fromModel;
        this.jinjava = new Jinjava(JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withFailOnUnknownTokens(false)
                .withMaxOutputSize(16L << 20)
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withUsePyishObjectMapper(true)
                        .withParseWhitespaceControlStrictly(true)
                        .build())
                .build());
        jinjava.getGlobalContext()
                .registerFunction(new ELFunctionDefinition(
                        "", "raise_exception", ChatTemplate.class, "raiseException", String.class));
        jinjava.getGlobalContext()
                .registerFunction(
                        new ELFunctionDefinition("", "strftime_now", ChatTemplate.class, "strftimeNow", String.class));
    }

    /** The model's template, or {@link #DEFAULT_TEMPLATE} when its metadata has none. */
    public static ChatTemplate forModel(Model model) {
        return model.file()
                .metadata()
                .string("tokenizer.chat_template")
                .map(template -> new ChatTemplate(template, true))
                .orElseGet(() -> new ChatTemplate(DEFAULT_TEMPLATE, false));
    }

    public static ChatTemplate of(String source) {
        return new ChatTemplate(source, true);
    }

    public boolean fromModel() {
        return fromModel;
    }

    public String source() {
        return source;
    }

    /** A chat message as templates see it: role and text content. */
    public record Message(String role, String content) {}

    /**
     * @throws ApiException 400 naming {@code messages} when the template refuses them (raise_exception) or
     *     fails to render
     */
    public String render(List<Message> messages, boolean addGenerationPrompt, Tokenizer tokenizer) {
        Map<String, Object> context = new HashMap<>();
        context.put(
                "messages",
                messages.stream()
                        .map(message -> Map.of("role", message.role(), "content", message.content()))
                        .toList());
        context.put("add_generation_prompt", addGenerationPrompt);
        context.put("bos_token", specialPiece(tokenizer, tokenizer.bosToken()));
        context.put("eos_token", specialPiece(tokenizer, tokenizer.eosToken()));
        RenderResult result = jinjava.renderForResult(source, context);
        for (TemplateError error : result.getErrors()) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw ApiException.invalid("messages", "the chat template refused the messages: " + reason(error));
            }
        }
        return result.getOutput();
    }

    /** The template's own words when it called raise_exception, else Jinjava's description. */
    private static String reason(TemplateError error) {
        for (Throwable cause = error.getException(); cause != null; cause = cause.getCause()) {
            if (cause instanceof TemplateRefusal refusal) {
                return refusal.getMessage();
            }
        }
        return error.getMessage();
    }

    /** Thrown by {@code raise_exception} in a template. */
    static final class TemplateRefusal extends RuntimeException {
        TemplateRefusal(String message) {
            super(message);
        }
    }

    private static String specialPiece(Tokenizer tokenizer, java.util.OptionalInt token) {
        return token.isPresent() ? tokenizer.piece(token.getAsInt()) : "";
    }

    /** Called by templates ({@code raise_exception('...')}) to refuse a conversation. */
    public static String raiseException(String message) {
        throw new TemplateRefusal(message);
    }

    /** Called by templates ({@code strftime_now('%d %b %Y')}); supports the common date directives. */
    public static String strftimeNow(String format) {
        String pattern = format.replace("%d", "dd")
                .replace("%b", "MMM")
                .replace("%B", "MMMM")
                .replace("%m", "MM")
                .replace("%Y", "yyyy")
                .replace("%y", "yy");
        return LocalDate.now().format(DateTimeFormatter.ofPattern(pattern, Locale.ROOT));
    }
}
