// logitlab token heat map: drives /v1/completions with logprobs=10, echo and the distribution_statistics
// extension, colours every token by its probability or its distribution's entropy, and shows alternatives.
'use strict';

const TOP_ALTERNATIVES = 10;
const state = { tokens: [], vocabularySize: 512, selected: -1, running: null };
const $ = (id) => document.getElementById(id);

function headers() {
  const result = { 'Content-Type': 'application/json' };
  const key = $('api-key').value.trim();
  if (key) result['Authorization'] = 'Bearer ' + key;
  return result;
}

async function loadModel() {
  try {
    const response = await fetch('/v1/models', { headers: headers() });
    if (!response.ok) return;
    const model = (await response.json()).data[0];
    $('model-name').textContent = model.id;
    if (model.meta && model.meta.vocab_size) state.vocabularySize = model.meta.vocab_size;
  } catch (error) {
    $('model-name').textContent = '';
  }
}

function colour(token) {
  if (token.logprob === null) return null;
  if ($('color-by').value === 'entropy') {
    if (token.entropy === null) return null;
    const normalised = Math.min(1, token.entropy / Math.log(state.vocabularySize));
    return `hsl(${Math.round(120 * (1 - normalised))}, 75%, 78%)`;
  }
  return `hsl(${Math.round(120 * Math.exp(token.logprob))}, 75%, 78%)`;
}

function addTokens(logprobs) {
  if (!logprobs) return;
  for (let i = 0; i < logprobs.tokens.length; i++) {
    const top = logprobs.top_logprobs[i];
    state.tokens.push({
      text: logprobs.tokens[i],
      logprob: logprobs.token_logprobs[i],
      top: top ? Object.entries(top) : [],
      entropy: logprobs.entropies ? logprobs.entropies[i] : null,
      kurtosis: logprobs.kurtoses ? logprobs.kurtoses[i] : null,
    });
    renderToken(state.tokens.length - 1);
  }
  renderMetrics();
}

function renderToken(index) {
  const token = state.tokens[index];
  const span = document.createElement('span');
  span.className = 'token';
  span.dataset.index = index;
  span.textContent = token.text;
  paint(span, token);
  span.addEventListener('mouseenter', () => showAlternatives(index));
  span.addEventListener('click', () => select(index));
  $('tokens').appendChild(span);
}

function paint(span, token) {
  const background = colour(token);
  span.classList.toggle('unscored', background === null);
  span.style.background = background || '';
  const p = token.logprob === null ? 'no prediction (first token)' : `p = ${Math.exp(token.logprob).toFixed(4)}`;
  const h = token.entropy === null ? '' : `, H = ${token.entropy.toFixed(3)} nats`;
  span.title = p + h;
}

function repaint() {
  for (const span of $('tokens').children) paint(span, state.tokens[Number(span.dataset.index)]);
  renderLegend();
}

function select(index) {
  for (const span of document.querySelectorAll('.token.selected')) span.classList.remove('selected');
  state.selected = index;
  const span = document.querySelector(`.token[data-index="${index}"]`);
  if (span) span.classList.add('selected');
  showAlternatives(index);
}

function showAlternatives(index) {
  const token = state.tokens[index];
  const body = $('alternatives').querySelector('tbody');
  body.replaceChildren();
  if (token.logprob === null) {
    $('selected-token').textContent = `"${token.text}" is the first token: nothing predicts it.`;
    return;
  }
  $('selected-token').textContent =
    `"${token.text}": p = ${Math.exp(token.logprob).toFixed(4)}` +
    (token.entropy === null ? '' : `, entropy ${token.entropy.toFixed(3)} nats`);
  const alternatives = token.top.slice(0, TOP_ALTERNATIVES);
  for (const [text, logprob] of alternatives) {
    const row = document.createElement('tr');
    row.className = 'alternative' + (text === token.text ? ' chosen' : '');
    const probability = logprob === null ? 0 : Math.exp(logprob);
    const cells = [JSON.stringify(text), probability.toFixed(4)];
    for (const value of cells) {
      const cell = document.createElement('td');
      cell.textContent = value;
      row.appendChild(cell);
    }
    const barCell = document.createElement('td');
    const bar = document.createElement('div');
    bar.className = 'bar';
    bar.style.width = `${Math.round(100 * probability)}px`;
    barCell.appendChild(bar);
    row.appendChild(barCell);
    body.appendChild(row);
  }
}

function mean(values) {
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

function renderMetrics() {
  const scored = state.tokens.filter((t) => t.logprob !== null);
  const logprobs = scored.map((t) => t.logprob);
  const meanLogprob = mean(logprobs);
  const format = (value, digits) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
  $('metric-count').textContent = String(scored.length);
  $('metric-perplexity').textContent = format(Math.exp(-meanLogprob), 3);
  $('metric-geometric').textContent = format(Math.exp(meanLogprob), 4);
  $('metric-arithmetic').textContent = format(mean(logprobs.map(Math.exp)), 4);
  $('metric-entropy').textContent = format(mean(scored.map((t) => t.entropy).filter(Number.isFinite)), 3);
  $('metric-kurtosis').textContent = format(mean(scored.map((t) => t.kurtosis).filter(Number.isFinite)), 3);
}

function renderLegend() {
  const byEntropy = $('color-by').value === 'entropy';
  $('legend').innerHTML = byEntropy
    ? 'entropy: <span class="swatch" style="background:hsl(120,75%,78%)"></span> certain … uncertain ' +
      '<span class="swatch" style="background:hsl(0,75%,78%)"></span>'
    : 'probability: <span class="swatch" style="background:hsl(0,75%,78%)"></span> 0 … 1 ' +
      '<span class="swatch" style="background:hsl(120,75%,78%)"></span>';
}

function requestBody(stream) {
  const score = $('mode').value === 'score';
  const body = {
    prompt: $('prompt').value,
    max_tokens: score ? 0 : Number($('max-tokens').value || 0),
    temperature: Number($('temperature').value || 0),
    logprobs: TOP_ALTERNATIVES,
    echo: true,
    distribution_statistics: true,
    stream,
  };
  const seed = $('seed').value.trim();
  if (seed !== '') body.seed = Number(seed);
  return body;
}

async function run() {
  if (state.running) state.running.abort();
  const controller = new AbortController();
  state.running = controller;
  state.tokens = [];
  $('tokens').replaceChildren();
  $('alternatives').querySelector('tbody').replaceChildren();
  renderMetrics();
  const stream = $('mode').value === 'generate';
  $('status').textContent = stream ? 'generating…' : 'scoring…';
  try {
    const response = await fetch('/v1/completions', {
      method: 'POST', headers: headers(), body: JSON.stringify(requestBody(stream)), signal: controller.signal,
    });
    if (!response.ok) {
      const error = await response.json().catch(() => ({ error: { message: response.statusText } }));
      throw new Error(error.error.message);
    }
    if (stream) {
      await readEvents(response, (chunk) => {
        if (chunk.error) throw new Error(chunk.error.message);
        for (const choice of chunk.choices) addTokens(choice.logprobs);
      });
    } else {
      addTokens((await response.json()).choices[0].logprobs);
    }
    $('status').textContent = `done: ${state.tokens.length} tokens`;
  } catch (error) {
    if (error.name !== 'AbortError') $('status').textContent = 'error: ' + error.message;
  } finally {
    if (state.running === controller) state.running = null;
  }
}

// Server-sent events over fetch (EventSource cannot POST). TextDecoder in stream mode keeps UTF-8 intact.
async function readEvents(response, onChunk) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder('utf-8');
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      for (const line of event.split('\n')) {
        if (!line.startsWith('data: ')) continue;
        const data = line.slice(6);
        if (data === '[DONE]') return;
        onChunk(JSON.parse(data));
      }
    }
  }
}

$('run').addEventListener('click', run);
$('color-by').addEventListener('change', repaint);
$('prompt').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) run();
});
renderLegend();
renderMetrics();
loadModel();
