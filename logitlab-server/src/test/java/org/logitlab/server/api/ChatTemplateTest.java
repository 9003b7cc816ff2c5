package org.logitlab.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.logitlab.model.Model;

class ChatTemplateTest {
    static Model model;

    @BeforeAll
    static void load() throws Exception {
        model = Model.loadEmbedded();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static final List<ChatTemplate.Message> CONVERSATION =
            List.of(new ChatTemplate.Message("system", "Be brief."), new ChatTemplate.Message("user", "Hi"));

    @Test
    void modelWithoutTemplateGetsTheDocumentedDefault() {
        ChatTemplate template = ChatTemplate.forModel(model);
        assertThat(template.fromModel()).isFalse();
        assertThat(template.render(CONVERSATION, true, model.tokenizer()))
                .isEqualTo("system: Be brief.\nuser: Hi\nassistant:");
    }

    @Test
    void rendersAChatMlTemplateWithLoopsAndSpecialTokens() {
        ChatTemplate chatMl = ChatTemplate.of("{% for message in messages %}"
                + "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
                + "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}");
        assertThat(chatMl.render(CONVERSATION, true, model.tokenizer()))
                .isEqualTo("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
                        + "<|im_start|>assistant\n");
    }

    @Test
    void templatesSeeBosTokenAndCanRefuseAConversation() {
        ChatTemplate llama2Like = ChatTemplate.of("{% if messages[0]['role'] == 'system' %}"
                + "{{ raise_exception('System role not supported') }}{% endif %}"
                + "{{ bos_token }}{% for message in messages %}[{{ message['role'] }}]{% endfor %}");
        assertThatThrownBy(() -> llama2Like.render(CONVERSATION, true, model.tokenizer()))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("System role not supported")
                .extracting(error -> ((ApiException) error).param())
                .isEqualTo("messages");
        assertThat(llama2Like.render(List.of(new ChatTemplate.Message("user", "Hi")), true, model.tokenizer()))
                .isEqualTo("<s>[user]");
    }

    @Test
    void aTemplateThatWritesBosIsNotGivenASecondOne() {
        int bos = model.tokenizer().bosToken().orElseThrow();
        int[] tokens = ChatRequests.encode("<s>user: Hi", model.tokenizer());
        assertThat(tokens[0]).isEqualTo(bos);
        assertThat(tokens[1]).isNotEqualTo(bos);
        assertThat(ChatRequests.encode("user: Hi", model.tokenizer())[0]).isEqualTo(bos);
    }
}
