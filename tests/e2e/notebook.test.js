// The notebook experience, end to end: Jupyter Notebook 6 (classic UI) in headless Chromium.
// Started by tests/e2e/run, which provides the server and these variables:
//   E2E_URL, E2E_TOKEN      the server
//   E2E_MODE                jbox | python3 (python3 proves the mechanics with Debian's ipykernel)
//   E2E_KERNEL_NAME         kernelspec to select
//   E2E_MARKER              string on the command line of this run's long-running process
//   E2E_OUT, E2E_TMP        screenshots dir, temp dir (browser profile)
'use strict';
const { test, before, after, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('../node/node_modules/playwright-core');
const { cellsFor } = require('./cells');
const nb = require('./classic-notebook');

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run this test through tests/e2e/run`);
  return v;
};
const MODE = env('E2E_MODE');
const KERNEL = env('E2E_KERNEL_NAME');
const MARKER = env('E2E_MARKER');
const OUT = env('E2E_OUT');
const cells = cellsFor(MODE, MARKER);

let context;
let page;
let opened = false;
let step = 0;
let shown = null; // the cell the step's screenshot centres on
const timings = [];

/** PIDs whose command line contains the marker (pgrep never lists itself). */
function markerPids() {
  try {
    return execFileSync('pgrep', ['-f', '--', MARKER], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch (e) {
    if (e.status === 1) return []; // pgrep: nothing matched
    throw e;
  }
}

/** The kernels of this run: their command line names a connection file in our runtime dir. */
function kernelPids() {
  try {
    return execFileSync('pgrep', ['-f', '--', `${env('E2E_TMP')}/runtime/kernel-`], { encoding: 'utf8' })
      .trim().split('\n').filter(Boolean).map(Number);
  } catch (e) {
    if (e.status === 1) return [];
    throw e;
  }
}

/** "pid:starttime" (unique even if a pid is reused) of each process, or null when it is gone. */
function identity(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return `${pid}:${stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]}`;
  } catch {
    return null;
  }
}

/** The given processes and all their descendants, as identities. */
function processTrees(roots) {
  const children = new Map();
  for (const line of execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' }).trim().split('\n')) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(pid);
  }
  const seen = new Set();
  const todo = [...roots];
  while (todo.length) {
    const pid = todo.pop();
    if (seen.has(pid)) continue;
    seen.add(pid);
    todo.push(...(children.get(pid) || []));
  }
  return [...seen].map(identity).filter(Boolean);
}

const alive = (ids) => ids.filter((id) => identity(Number(id.split(':')[0])) === id);

async function waitFor(what, fn, timeoutMs, intervalMs = 200) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

function requireOpen() {
  if (!opened) throw new Error('the notebook is not open (the first step failed)');
}

before(async () => {
  const profile = fs.mkdtempSync(path.join(env('E2E_TMP'), 'chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true, // playwright passes --headless itself
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 1000 },
  });
  page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(30_000);
  page.on('pageerror', (e) => console.log(`# browser page error: ${e.message}`));
});

afterEach(async (t) => {
  step += 1;
  const name = `${MODE}-${String(step).padStart(2, '0')}-${t.name.replace(/[^a-z0-9]+/gi, '-').replace(/-+$/, '').toLowerCase()}.png`;
  if (shown) await shown.scrollIntoViewIfNeeded().catch(() => {});
  if (page) await page.screenshot({ path: path.join(OUT, name), fullPage: true }).catch(() => {});
});

after(async () => {
  if (context) await context.close();
  console.log(`# step timings (${MODE}): ${timings.map(([n, ms]) => `${n} ${ms} ms`).join('; ')}`);
});

async function addCell(code) {
  shown = await nb.addCell(page, code);
  return shown;
}

/** Runs body and records its wall time under name. */
async function timed(name, body) {
  const t0 = Date.now();
  try {
    return await body();
  } finally {
    timings.push([name, Date.now() - t0]);
  }
}

test('opens background-commands.ipynb and selects the kernel', { timeout: 90_000 }, () =>
  timed('open', async () => {
    const url = `${env('E2E_URL')}/notebooks/background-commands.ipynb?token=${env('E2E_TOKEN')}`;
    await page.goto(url);
    await nb.selectKernel(page, KERNEL);
    assert.equal(await nb.kernelName(page), KERNEL);
    const label = await nb.kernelLabel(page);
    assert.equal(label.shown, label.expected, 'the menu bar does not show the selected kernel');
    opened = true;
    if (cells.setup) {
      const c = await addCell(cells.setup);
      await nb.runAndWait(page, c);
      assert.equal(await nb.errorText(c), '', 'the setup cell fails');
    }
  }));

test('background output keeps growing in its cell after it finished, also while another cell runs; the status panel ends COMPLETED, exit 0',
  { timeout: 90_000 }, () => timed('background', async () => {
    requireOpen();
    const cell = await addCell(cells.background);
    const t0 = Date.now();
    await nb.runAndWait(page, cell);
    const returnedMs = Date.now() - t0;
    assert.equal(await nb.errorText(cell), '', 'the background cell failed');
    const ticks = async () => ((await nb.streamText(cell)).match(/tick-\d+/g) || []).length;
    const first = await ticks();
    // Another cell runs meanwhile: the output must keep going to the cell that started the process.
    const other = await addCell(cells.meanwhile);
    await nb.runAndWait(page, other);
    const second = await ticks();
    console.log(`# background cell returned in ${returnedMs} ms; ticks ${first} then ${second} after another cell ran`);
    assert.ok(first < 12, `the cell waited for the command instead of returning (${first} of 12 ticks at return)`);
    assert.ok(second > first, `no output arrived after the cell finished (${first} then ${second} ticks)`);
    assert.doesNotMatch(await nb.outputText(other), /tick-/, 'background output went into the other cell');
    shown = cell;
    await waitFor('all 12 ticks', async () => (await ticks()) === 12, 20_000);
    const panel = await waitFor('the status panel to say COMPLETED', async () => {
      const text = await nb.displayText(cell);
      return /\bcompleted\b/i.test(text) && text;
    }, 20_000);
    assert.match(panel, cells.exitZero, `the status panel does not show exit code 0: ${panel}`);
    assert.equal(await nb.errorText(cell), '');
  }));

test('the process table lists the running and the completed process', { timeout: 60_000 }, () =>
  timed('ps', async () => {
    requireOpen();
    const marker = await addCell(cells.marker);
    await nb.runAndWait(page, marker);
    assert.equal(await nb.errorText(marker), '', 'the cell starting the marker process failed');
    await waitFor('the marker process to run', async () => markerPids().length > 0, 10_000);
    const ps = await addCell(cells.ps);
    await nb.runAndWait(page, ps);
    const table = await nb.htmlTable(ps);
    assert.ok(table, 'no HTML table rendered');
    const row = (name) => table.rows.find((r) => r.includes(name));
    const stateCol = table.header.findIndex((h) => /state/i.test(h));
    const exitCol = table.header.findIndex((h) => /exit/i.test(h));
    assert.ok(stateCol >= 0 && exitCol >= 0, `no state/exit columns in ${JSON.stringify(table.header)}`);
    const tick = row('e2etick');
    const mark = row('e2emarker');
    assert.ok(tick && mark, `rows missing: ${JSON.stringify(table.rows)}`);
    assert.equal(tick[stateCol].toUpperCase(), 'COMPLETED');
    assert.equal(tick[exitCol], '0');
    assert.equal(mark[stateCol].toUpperCase(), 'RUNNING');
  }));

test('the interrupt button stops an endless loop and the next cell runs', { timeout: 60_000 }, () =>
  timed('interrupt', async () => {
    requireOpen();
    const loop = await addCell(cells.endless);
    await nb.run(page, loop);
    await waitFor('the loop cell to be running', async () => (await nb.prompt(loop)).includes('*'), 10_000);
    await waitFor('the kernel to be busy', () => nb.kernelBusy(page), 10_000);
    await new Promise((r) => setTimeout(r, 1000));
    assert.ok((await nb.prompt(loop)).includes('*'), 'the endless loop ended by itself');
    const t0 = Date.now();
    await nb.clickInterrupt(page);
    await nb.waitDone(loop, 20_000);
    console.log(`# interrupt took ${Date.now() - t0} ms`);
    assert.match(await nb.errorText(loop), cells.interruptError);
    const next = await addCell(cells.afterInterrupt);
    await nb.runAndWait(page, next);
    assert.match(await nb.resultText(next), /\b42\b/);
    assert.equal(await nb.errorText(next), '');
  }));

test('a failing shell command shows its error', { timeout: 60_000 }, () =>
  timed('sh-error', async () => {
    requireOpen();
    const cell = await addCell(cells.failingSh);
    await nb.runAndWait(page, cell);
    const all = await nb.outputText(cell);
    assert.match(all, /nonexistent-e2e-dir/, 'the command\'s stderr is not shown');
    assert.match(await nb.errorText(cell), cells.shError);
  }));

test('restarting the kernel from the menu leaves no process and an empty process table', { timeout: 90_000 }, () =>
  timed('restart', async () => {
    requireOpen();
    const markers = markerPids();
    assert.ok(markers.length > 0, 'the marker process is not running before the restart');
    const kernels = kernelPids();
    assert.equal(kernels.length, 1, `expected one kernel process, found ${kernels}`);
    const oldSession = processTrees(kernels);
    assert.ok(markers.every((m) => oldSession.some((id) => id.startsWith(`${m}:`))),
      'the marker process is not in the kernel\'s process tree');
    const t0 = Date.now();
    await nb.restartFromMenu(page);
    console.log(`# restart took ${Date.now() - t0} ms; the old session had ${oldSession.length} processes`);
    await waitFor('no process of the old session', async () =>
      markerPids().length === 0 && alive(oldSession).length === 0, 15_000)
      .catch((e) => { throw new Error(`${e.message}; still alive: ${alive(oldSession)}`); });
    assert.equal(kernelPids().length, 1, 'no new kernel process');
    const ps = await addCell(cells.ps);
    await nb.runAndWait(page, ps);
    assert.equal(await nb.errorText(ps), '');
    const text = await nb.outputText(ps);
    assert.doesNotMatch(text, /e2etick|e2emarker/);
    const table = await nb.htmlTable(ps);
    assert.equal(table ? table.rows.length : 0, 0, `rows after restart: ${JSON.stringify(table && table.rows)}`);
    assert.notEqual(text.trim(), '', '%ps showed nothing at all');
  }));

test('libraries.ipynb, Run All: %maven brings XChart from Maven Central and its chart shows as a picture',
  { timeout: 300_000, skip: MODE !== 'jbox' && 'libraries.ipynb is a jbox notebook' }, () =>
    timed('libraries', async () => {
      page = await context.newPage(); // a tab of its own: leaving the edited notebook would ask to confirm
      page.setDefaultTimeout(30_000);
      await page.goto(`${env('E2E_URL')}/notebooks/libraries.ipynb?token=${env('E2E_TOKEN')}`);
      await nb.selectKernel(page, KERNEL);
      await page.click('#celllink');
      await page.click('#run_all_cells > a');
      await waitFor('every cell to have run', () => page.evaluate(() => {
        const code = Jupyter.notebook.get_cells().filter((c) => c.cell_type === 'code');
        return code.every((c) => typeof c.input_prompt_number === 'number');
      }), 240_000, 500);
      assert.equal(await page.locator('.output_error').count(), 0,
        `a cell failed: ${(await page.locator('.output_error').allInnerTexts()).join('\n')}`);
      const chart = page.locator('.output_png img').first();
      await chart.waitFor();
      const size = await chart.evaluate((i) => [i.naturalWidth, i.naturalHeight]);
      assert.deepEqual(size, [600, 400], 'the chart is not the 600x400 picture the cell drew');
      shown = chart;
      await chart.screenshot({ path: path.join(OUT, `${MODE}-chart.png`) });
    }));
