// Drives a logitlab server with the official `openai` npm client (completions and chat, streamed and not, with
// log-probs and echo) and prints what the client parsed as one JSON object, which OpenAiClientTest checks
// against the engine. Usage: node openai-client.mjs BASE_URL API_KEY
import OpenAI from 'openai';

const [baseUrl, apiKey] = process.argv.slice(2);
const client = new OpenAI({ baseURL: baseUrl + '/v1', apiKey, maxRetries: 0, timeout: 60_000 });
const PROMPT = 'Once upon a time';
const MESSAGES = [{ role: 'user', content: 'Tell me a story about a cat.' }];

async function completion() {
  const response = await client.completions.create({
    model: 'logitlab', prompt: PROMPT, max_tokens: 8, logprobs: 3, echo: true, seed: 7,
  });
  const choice = response.choices[0];
  return {
    object: response.object, text: choice.text, finishReason: choice.finish_reason, usage: response.usage,
    tokens: choice.logprobs.tokens, tokenLogprobs: choice.logprobs.token_logprobs,
    topLogprobs: choice.logprobs.top_logprobs, textOffset: choice.logprobs.text_offset,
  };
}

async function completionStream() {
  const stream = await client.completions.create({
    model: 'logitlab', prompt: PROMPT, max_tokens: 8, logprobs: 3, echo: true, seed: 7, stream: true,
    stream_options: { include_usage: true },
  });
  const result = { text: '', tokens: [], tokenLogprobs: [], finishReason: null, usage: null, chunks: 0 };
  for await (const chunk of stream) {
    result.chunks++;
    if (chunk.usage) result.usage = chunk.usage;
    for (const choice of chunk.choices) {
      result.text += choice.text;
      if (choice.logprobs) {
        result.tokens.push(...choice.logprobs.tokens);
        result.tokenLogprobs.push(...choice.logprobs.token_logprobs);
      }
      if (choice.finish_reason) result.finishReason = choice.finish_reason;
    }
  }
  return result;
}

function contentLogprobs(content) {
  return content.map((entry) => ({
    token: entry.token, logprob: entry.logprob, bytes: entry.bytes,
    top: entry.top_logprobs.map((top) => ({ token: top.token, logprob: top.logprob })),
  }));
}

async function chat() {
  const response = await client.chat.completions.create({
    model: 'logitlab', messages: MESSAGES, max_tokens: 8, logprobs: true, top_logprobs: 3, seed: 11,
  });
  const choice = response.choices[0];
  return {
    object: response.object, role: choice.message.role, content: choice.message.content,
    finishReason: choice.finish_reason, usage: response.usage, logprobs: contentLogprobs(choice.logprobs.content),
  };
}

async function chatStream() {
  const stream = await client.chat.completions.create({
    model: 'logitlab', messages: MESSAGES, max_tokens: 8, logprobs: true, top_logprobs: 3, seed: 11, stream: true,
    stream_options: { include_usage: true },
  });
  const result = { role: null, content: '', logprobs: [], finishReason: null, usage: null };
  for await (const chunk of stream) {
    if (chunk.usage) result.usage = chunk.usage;
    for (const choice of chunk.choices) {
      if (choice.delta.role) result.role = choice.delta.role;
      if (choice.delta.content) result.content += choice.delta.content;
      if (choice.logprobs && choice.logprobs.content) result.logprobs.push(...contentLogprobs(choice.logprobs.content));
      if (choice.finish_reason) result.finishReason = choice.finish_reason;
    }
  }
  return result;
}

const models = await client.models.list();
const output = {
  models: models.data.map((model) => model.id),
  completion: await completion(),
  completionStream: await completionStream(),
  chat: await chat(),
  chatStream: await chatStream(),
};
process.stdout.write(JSON.stringify(output) + '\n');
