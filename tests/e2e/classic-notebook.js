// Page object for Jupyter Notebook 6 (the classic UI that Debian 12 ships as jupyter-notebook 6.4).
// Actions go through what a person uses (menus, toolbar buttons, keys, typing); state is read from
// the DOM, and from the page's Jupyter object only where the DOM does not say it (kernel name,
// cell text, kernel_ready events).
'use strict';

const CELLS = '#notebook-container > .cell';
const TOOLBAR = (action) => `#maintoolbar button[data-jupyter-action="jupyter-notebook:${action}"]`;

async function kernelName(page) {
  return page.evaluate(() => (Jupyter.notebook.kernel ? Jupyter.notebook.kernel.name : null));
}

/** What the kernel indicator in the menu bar shows, and the selected kernelspec's display name. */
async function kernelLabel(page) {
  const shown = (await page.locator('#kernel_indicator .kernel_indicator_name').innerText()).trim();
  const expected = await page.evaluate(() => {
    const sel = Jupyter.notebook.kernel_selector;
    return sel.kernelspecs[Jupyter.notebook.kernel.name].spec.display_name;
  });
  return { shown, expected };
}

async function kernelBusy(page) {
  return (await page.locator('#kernel_indicator_icon.kernel_busy_icon').count()) > 0;
}

async function waitKernelIdle(page, name, timeout) {
  await page.waitForFunction((n) => {
    const k = Jupyter.notebook.kernel;
    return k && k.name === n && k.is_connected()
      && document.querySelector('#kernel_indicator_icon.kernel_idle_icon') !== null;
  }, name, { timeout });
}

/**
 * Selects kernel `name` through Kernel > Change kernel. When the notebook's own kernelspec is not
 * installed, the "Kernel not found" dialog comes first and is answered "Continue Without Kernel".
 */
async function selectKernel(page, name, timeout = 60_000) {
  await page.waitForFunction(() => window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded,
    null, { timeout });
  await page.waitForFunction(() => document.querySelector('.modal.in')
    || (Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected()), null, { timeout });
  const dialog = page.locator('.modal.in');
  if (await dialog.count()) {
    const title = (await dialog.locator('.modal-title').innerText()).trim();
    if (title !== 'Kernel not found') throw new Error(`unexpected dialog: ${title}`);
    await dialog.locator('.modal-footer button', { hasText: 'Continue Without Kernel' }).click();
    await page.locator('.modal.in').waitFor({ state: 'detached' });
  }
  await page.click('#kernellink');
  await page.hover('#menu-change-kernel');
  await page.click(`#kernel-submenu-${name} > a`);
  await waitKernelIdle(page, name, timeout);
}

/** Appends a code cell after the last one and types `code` into it; returns the cell's locator. */
async function addCell(page, code) {
  const cells = page.locator(CELLS);
  const n = await cells.count();
  await cells.nth(n - 1).locator('.input_prompt').click(); // selects it in command mode
  await page.click(TOOLBAR('insert-cell-below'));
  await page.waitForFunction(([c, k]) => document.querySelectorAll(c).length === k, [CELLS, n + 1]);
  const cell = cells.nth(n);
  await cell.locator('.CodeMirror').click();
  // insertText types like an input method: no auto-closed brackets or auto-indent to fight.
  await page.keyboard.insertText(code);
  const typed = await page.evaluate((i) => Jupyter.notebook.get_cell(i).get_text(), n);
  if (typed !== code) throw new Error(`typed ${JSON.stringify(code)} but the cell holds ${JSON.stringify(typed)}`);
  return cell;
}

/** Runs the cell with Ctrl+Enter (run in place), as a person would. */
async function run(page, cell) {
  await cell.locator('.CodeMirror').click();
  await page.keyboard.press('Control+Enter');
}

async function prompt(cell) {
  return (await cell.locator('.input_prompt').innerText()).trim();
}

/**
 * Waits until the cell finished: its prompt shows an execution count (the execute_reply, on the shell
 * channel) and the kernel indicator is idle again (the status idle on IOPub, which follows all of the
 * request's output; the two channels are not ordered with each other).
 */
async function waitDone(cell, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  const idle = cell.page().locator('#kernel_indicator_icon.kernel_idle_icon');
  for (;;) {
    const p = await prompt(cell);
    if (/\[\d+\]/.test(p) && (await idle.count()) > 0) return;
    if (Date.now() > deadline) throw new Error(`the cell did not finish within ${timeout} ms (prompt ${p})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function runAndWait(page, cell, timeout) {
  await run(page, cell);
  await waitDone(cell, timeout);
}

async function textOf(cell, selector) {
  return (await cell.locator(selector).allInnerTexts()).join('\n');
}

const outputText = (cell) => textOf(cell, '.output_area');
const streamText = (cell) => textOf(cell, '.output_subarea.output_stream');
const errorText = (cell) => textOf(cell, '.output_subarea.output_error');
const resultText = (cell) => textOf(cell, '.output_subarea.output_result');
/** display_data outputs (status panels, tables): neither streams, nor errors, nor results. */
const displayText = (cell) =>
  textOf(cell, '.output_subarea:not(.output_stream):not(.output_error):not(.output_result)');

/** The first rendered HTML table of the cell as {header: [..], rows: [[..], ..]} of cell texts, or null. */
async function htmlTable(cell) {
  const table = cell.locator('.output_html table').first();
  if (!(await table.count())) return null;
  return table.evaluate((t) => {
    const texts = (tr) => [...tr.children].map((c) => c.innerText.trim());
    const headRow = t.querySelector('thead tr') || t.querySelector('tr');
    const bodyRows = [...t.querySelectorAll('tbody tr')].filter((tr) => tr !== headRow);
    return { header: headRow ? texts(headRow) : [], rows: bodyRows.map(texts) };
  });
}

async function clickInterrupt(page) {
  await page.click(TOOLBAR('interrupt-kernel'));
}

/** Kernel > Restart, confirmed in the dialog; resolves when the new kernel is ready and idle. */
async function restartFromMenu(page, timeout = 60_000) {
  await page.evaluate(() => {
    window.__e2eKernelReady = 0;
    Jupyter.notebook.events.on('kernel_ready.Kernel', () => { window.__e2eKernelReady += 1; });
  });
  const name = await kernelName(page);
  await page.click('#kernellink');
  await page.click('#restart_kernel > a');
  const dialog = page.locator('.modal.in');
  await dialog.locator('.modal-title', { hasText: 'Restart kernel?' }).waitFor();
  await dialog.locator('.modal-footer button', { hasText: /^Restart$/ }).click();
  await page.waitForFunction(() => window.__e2eKernelReady > 0, null, { timeout });
  await waitKernelIdle(page, name, timeout);
}

module.exports = {
  kernelName, kernelLabel, kernelBusy, selectKernel, addCell, run, prompt, waitDone, runAndWait,
  outputText, streamText, errorText, resultText, displayText, htmlTable, clickInterrupt, restartFromMenu,
};
