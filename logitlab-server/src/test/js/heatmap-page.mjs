// Drives the heat-map page in Debian's headless chromium through playwright-core: generate, hover a token, check
// the alternatives and metrics, switch the colouring, score a pasted text, colour it by a scoring method's
// per-token contributions, and save screenshots (generate mode at SCREENSHOT_PATH, score mode next to it as
// *-score.png).
// Usage: node heatmap-page.mjs BASE_URL SCREENSHOT_PATH USER_DATA_DIR
import { chromium } from 'playwright-core';

const [baseUrl, screenshotPath, userDataDir] = process.argv.slice(2);
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 900 },
});
const fail = (message) => { throw new Error(message); };
const report = {};
try {
  const page = context.pages()[0] ?? await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(baseUrl + '/', { waitUntil: 'load' });
  await page.fill('#prompt', 'Once upon a time');
  await page.fill('#max-tokens', '40');
  await page.fill('#seed', '3');
  await page.click('#run');
  await page.waitForFunction(() => document.querySelector('#status').textContent.match(/^(done|error)/), null,
    { timeout: 60_000 });
  const status = await page.textContent('#status');
  if (!status.startsWith('done')) fail(`generation did not finish: ${status}`);
  report.generatedTokens = await page.locator('.token').count();
  if (report.generatedTokens < 10) fail(`expected prompt + generated tokens, got ${report.generatedTokens}: ${status}`);

  // hover the 7th token (a generated one): its top-10 alternatives appear with probabilities
  const token = page.locator('.token').nth(6);
  report.hoveredToken = await token.textContent();
  await token.hover();
  await page.waitForSelector('#alternatives tr.alternative');
  const rows = await page.locator('#alternatives tr.alternative').allTextContents();
  report.alternatives = rows.length;
  if (rows.length !== 10) fail(`expected 10 alternatives, got ${rows.length}`);
  const probabilities = await page.$$eval('#alternatives tr.alternative td:nth-child(2)',
    (cells) => cells.map((cell) => Number(cell.textContent)));
  for (let i = 1; i < probabilities.length; i++) {
    if (probabilities[i] > probabilities[i - 1]) fail(`alternatives not sorted: ${probabilities}`);
  }
  const background = await token.evaluate((element) => getComputedStyle(element).backgroundColor);
  report.coloured = background;
  if (!background.startsWith('rgb(')) fail(`token not coloured: ${background}`);
  report.perplexity = Number(await page.textContent('#metric-perplexity'));
  report.geometric = Number(await page.textContent('#metric-geometric'));
  report.arithmetic = Number(await page.textContent('#metric-arithmetic'));
  report.entropy = Number(await page.textContent('#metric-entropy'));
  report.kurtosis = Number(await page.textContent('#metric-kurtosis'));
  if (!(report.perplexity >= 1)) fail(`perplexity ${report.perplexity}`);
  if (Math.abs(report.geometric * report.perplexity - 1) > 0.01) fail('geometric mean p is not 1 / perplexity');
  if (!(report.arithmetic >= report.geometric)) fail('arithmetic mean p below the geometric mean');
  if (!(report.entropy > 0) || !(report.kurtosis > 0)) fail(`entropy ${report.entropy}, kurtosis ${report.kurtosis}`);

  await page.selectOption('#color-by', 'entropy');
  report.entropyColoured = await token.evaluate((element) => getComputedStyle(element).backgroundColor);
  await page.screenshot({ path: screenshotPath, fullPage: true });

  // score mode: the pasted text's own tokens, no generation
  await page.selectOption('#mode', 'score');
  await page.fill('#prompt', 'The cat sat on the mat.');
  await page.click('#run');
  await page.waitForFunction(() => document.querySelector('#status').textContent.match(/^(done|error)/), null,
    { timeout: 60_000 });
  const scoreStatus = await page.textContent('#status');
  if (!scoreStatus.startsWith('done')) fail(`scoring did not finish: ${scoreStatus}`);
  report.scoredText = (await page.locator('.token').allTextContents()).join('');

  // colour the scored text by one method's per-token contributions instead of probability
  const backgrounds = () => page.$$eval('.token', (spans) => spans.map((span) => getComputedStyle(span).backgroundColor));
  await page.selectOption('#color-by', 'probability');
  const byProbability = await backgrounds();
  const method = 'fast-detectgpt';
  if (await page.locator(`#color-by option[value="method:${method}"]`).isDisabled()) fail(`${method} not selectable`);
  await page.selectOption('#color-by', `method:${method}`);
  const byMethod = await backgrounds();
  report.method = method;
  report.methodColoursChanged = byMethod.filter((colour, i) => colour !== byProbability[i]).length;
  if (report.methodColoursChanged < byMethod.length / 2) {
    fail(`colouring by ${method} changed only ${report.methodColoursChanged} of ${byMethod.length} tokens`);
  }
  report.methodLegend = await page.textContent('#legend');
  if (!report.methodLegend.includes(method) || !report.methodLegend.includes('higher = ')) {
    fail(`legend does not name the method and its sign convention: ${report.methodLegend}`);
  }
  report.methodScores = await page.locator('#method-scores tr.method-score').count();
  report.chosenMethodRow = await page.textContent('#method-scores tr.method-score.chosen td:first-child');
  if (report.chosenMethodRow !== method) fail(`method table marks ${report.chosenMethodRow}, not ${method}`);
  await page.locator('.token').nth(3).hover();
  await page.screenshot({ path: screenshotPath.replace(/\.png$/, '-score.png'), fullPage: true });
  if (pageErrors.length > 0) fail('page errors: ' + pageErrors.join('; '));
} finally {
  await context.close();
}
process.stdout.write(JSON.stringify(report) + '\n');
