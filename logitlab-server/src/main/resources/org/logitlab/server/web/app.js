// logitlab token heat map. Generate mode drives /v1/completions with logprobs=10, echo and the
// distribution_statistics extension; score mode drives /v1/score with every available scoring method. Tokens are
// coloured by their probability, their distribution's entropy or (score mode) their contribution to a method's score.
'use strict';

const TOP_ALTERNATIVES = 10;
const METHOD_PREFIX = 'method:';
// methods: the last /v1/score response's methods ({name, family, sign_convention, score, contributions, ...})
const state = { tokens: [], vocabularySize: 512, selected: -1, running: null, methods: [] };
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

// Loads the scoring methods into the colour selector; they are enabled once a text has been scored.
async function loadMethods() {
  try {
    const response = await fetch('/v1/score/methods', { headers: headers() });
    if (!response.ok) return;
    const group = $('method-options');
    group.replaceChildren();
    for (const method of (await response.json()).data) {
      if (!method.available) continue;
      const option = document.createElement('option');
      option.value = METHOD_PREFIX + method.name;
      option.textContent = `${method.name} (${method.family})`;
      option.title = `${method.description}; ${method.sign_convention}`;
      group.appendChild(option);
    }
    enableMethodOptions();
  } catch (error) {
    // the page still works without the method selector
  }
}

function chosenMethod() {
  const value = $('color-by').value;
  if (!value.startsWith(METHOD_PREFIX)) return null;
  return state.methods.find((method) => method.name === value.slice(METHOD_PREFIX.length)) || null;
}

// Method colouring needs contributions, which only score mode has: elsewhere fall back to probability.
function enableMethodOptions() {
  const scored = new Set(state.methods.map((method) => method.name));
  for (const option of $('method-options').children) {
    option.disabled = !scored.has(option.value.slice(METHOD_PREFIX.length));
  }
  const selected = $('color-by').selectedOptions[0];
  if (selected && selected.disabled) $('color-by').value = 'probability';
}

// Largest |contribution| of the chosen method, so the strongest token gets the strongest colour.
function contributionScale(method) {
  let largest = 0;
  for (const value of method.contributions) if (value !== null) largest = Math.max(largest, Math.abs(value));
  return largest;
}

// Diverging scale: red where a token raises the method's score, blue where it lowers it, white at 0.
function contributionColour(value, scale) {
  const strength = scale > 0 ? Math.min(1, Math.abs(value) / scale) : 0;
  const hue = value >= 0 ? 0 : 215;
  return `hsl(${hue}, 80%, ${Math.round(97 - 27 * strength)}%)`;
}

function colour(token) {
  if (token.logprob === null) return null;
  const method = chosenMethod();
  if (method) {
    const value = token.contributions ? token.contributions[method.name] : null;
    if (value === null || value === undefined) return null;
    return contributionColour(value, contributionScale(method));
  }
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
  const method = chosenMethod();
  const contribution = method && token.contributions ? token.contributions[method.name] : null;
  const c = contribution === null || contribution === undefined ? '' : `, ${method.name} contribution ${contribution.toPrecision(4)}`;
  span.title = p + h + c;
}

function repaint() {
  for (const span of $('tokens').children) paint(span, state.tokens[Number(span.dataset.index)]);
  renderLegend();
  renderMethodScores();
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

function renderMethodScores() {
  const section = $('method-scores');
  section.hidden = state.methods.length === 0;
  const body = section.querySelector('tbody');
  body.replaceChildren();
  const chosen = chosenMethod();
  for (const method of state.methods) {
    const row = document.createElement('tr');
    row.className = 'method-score' + (chosen && chosen.name === method.name ? ' chosen' : '');
    row.title = `${method.description}; ${method.sign_convention}`;
    const score = method.score === null ? '–' : method.score.toPrecision(6);
    for (const value of [method.name, method.family, score]) {
      const cell = document.createElement('td');
      cell.textContent = value;
      row.appendChild(cell);
    }
    row.addEventListener('click', () => {
      $('color-by').value = METHOD_PREFIX + method.name;
      repaint();
    });
    body.appendChild(row);
  }
}

function renderLegend() {
  const method = chosenMethod();
  if (method) {
    const sums = method.contributions_sum_to_score ? 'the score' : 'the log-perplexity';
    $('legend').replaceChildren();
    const text = (value) => $('legend').appendChild(document.createTextNode(value));
    const swatch = (background) => {
      const span = document.createElement('span');
      span.className = 'swatch';
      span.style.background = background;
      $('legend').appendChild(span);
    };
    text(`${method.name} — ${method.family}: ${method.sign_convention}. Per-token contribution: lowers the score `);
    swatch(contributionColour(-1, 1));
    text(' … 0 ');
    swatch(contributionColour(0, 1));
    text(' … raises it ');
    swatch(contributionColour(1, 1));
    text(`; contributions add up to ${sums}.`);
    return;
  }
  const byEntropy = $('color-by').value === 'entropy';
  $('legend').innerHTML = byEntropy
    ? 'entropy: <span class="swatch" style="background:hsl(120,75%,78%)"></span> certain … uncertain ' +
      '<span class="swatch" style="background:hsl(0,75%,78%)"></span>'
    : 'probability: <span class="swatch" style="background:hsl(0,75%,78%)"></span> 0 … 1 ' +
      '<span class="swatch" style="background:hsl(120,75%,78%)"></span>';
}

function generationBody() {
  const body = {
    prompt: $('prompt').value,
    max_tokens: Number($('max-tokens').value || 0),
    temperature: Number($('temperature').value || 0),
    logprobs: TOP_ALTERNATIVES,
    echo: true,
    distribution_statistics: true,
    stream: true,
  };
  const seed = $('seed').value.trim();
  if (seed !== '') body.seed = Number(seed);
  return body;
}

// /v1/score's tokens as the page's tokens: the context token (usually BOS) first, unscored, then one per record
// with its contribution to every method.
function addScoredText(scored) {
  state.methods = scored.methods;
  state.tokens.push({ text: scored.context_token.text, logprob: null, top: [], entropy: null, kurtosis: null });
  renderToken(0);
  scored.tokens.forEach((token, i) => {
    const contributions = {};
    for (const method of scored.methods) contributions[method.name] = method.contributions[i];
    state.tokens.push({
      text: token.text,
      logprob: token.logprob,
      top: token.top_logprobs.map((alternative) => [alternative.token, alternative.logprob]),
      entropy: token.entropy,
      kurtosis: token.kurtosis,
      contributions,
    });
  });
  enableMethodOptions();
  for (let index = 1; index < state.tokens.length; index++) renderToken(index);
  renderMetrics();
  repaint();
}

async function post(path, body, controller) {
  const response = await fetch(path, {
    method: 'POST', headers: headers(), body: JSON.stringify(body), signal: controller.signal,
  });
  if (!response.ok) {
    const error = await response.json().catch(() => ({ error: { message: response.statusText } }));
    throw new Error(error.error.message);
  }
  return response;
}

async function score(controller) {
  const response = await post('/v1/score', { text: $('prompt').value, top_logprobs: TOP_ALTERNATIVES }, controller);
  addScoredText(await response.json());
}

async function generate(controller) {
  const response = await post('/v1/completions', generationBody(), controller);
  await readEvents(response, (chunk) => {
    if (chunk.error) throw new Error(chunk.error.message);
    for (const choice of chunk.choices) addTokens(choice.logprobs);
  });
}

async function run() {
  if (state.running) state.running.abort();
  const controller = new AbortController();
  state.running = controller;
  state.tokens = [];
  state.methods = [];
  enableMethodOptions();
  $('tokens').replaceChildren();
  $('alternatives').querySelector('tbody').replaceChildren();
  renderMetrics();
  repaint();
  const scoring = $('mode').value === 'score';
  $('status').textContent = scoring ? 'scoring…' : 'generating…';
  try {
    await (scoring ? score(controller) : generate(controller));
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
loadMethods();
