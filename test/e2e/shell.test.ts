import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, type Download, type Page } from 'playwright-core';
import { SKIP, launchChromium } from './browser.ts';
import { serve, type Server } from '../../main/server/serve.ts';
import { ROOT, backend, builtRenderer, tmpDir, waitForJob } from '../helpers.ts';
import { PDFTOPPM, meanGrey, pdfFirstPage } from './pictures.ts';

const ARTIFACTS = path.join(ROOT, 'test', 'artifacts');
const PAGES = ['Data', 'Train', 'Evaluate', 'Robustness', 'Inspect', 'Landscape', 'Runs', 'Export'];

/** The downloaded file's bytes. */
async function bytesOf(download: Download): Promise<Buffer> {
  return fs.readFileSync((await download.path())!);
}

describe('the app shell: pages, keyboard, theme, persistence and export', { skip: SKIP }, () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  before(async () => {
    await backend();
    const outDir = await builtRenderer();
    server = await serve({ workspace: tmpDir(), port: 0, staticDir: outDir, maxJobs: 1 });
    // A small completed run for the Export page's run figures.
    const job = server.jobs.start({ kind: 'train', name: 'tiny', data: 'synthetic:1500', epochs: 2, hidden: [16], batchSize: 128 });
    const done = await waitForJob(server.jobs, job.id);
    assert.equal(done.status, 'complete', done.error);
    browser = await launchChromium();
    const context = await browser.newContext({ acceptDownloads: true, colorScheme: 'light', viewport: { width: 1400, height: 1000 } });
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(server.url);
    // A small data set for the Data page, as if chosen in an earlier session.
    await page.evaluate(`localStorage.setItem('tagscape.data.form', '{"data": "synthetic:1500"}')`);
    await page.reload();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const selectedTab = () => page.textContent('[role=tab][aria-selected=true]');
  // Evaluated in the page (strings: this file is type-checked without the DOM library).
  const focusedText = () => page.evaluate<string | undefined>('document.activeElement?.textContent?.trim()');
  const background = () => page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
  /** The dark theme's page background (PrimeVue's dark content colour): every channel low. */
  const dark = (rgb: string) => (rgb.match(/\d+/g) ?? []).slice(0, 3).every((c) => Number(c) < 40);

  it('shows the eight pages in the study order, as a tab list reachable by keyboard', async () => {
    assert.deepEqual((await page.$$eval('nav [role=tab]', (tabs) => tabs.map((t) => t.textContent?.trim()))), PAGES);
    assert.equal(await selectedTab(), 'Train', 'the default page');
    await page.keyboard.press('Tab');
    assert.equal(await focusedText(), 'Train', 'Tab reaches the selected page tab first');
    const outline = await page.evaluate<string>('getComputedStyle(document.activeElement).outlineStyle');
    assert.equal(outline, 'solid', 'a visible focus outline');
    await page.keyboard.press('ArrowRight');
    assert.equal(await selectedTab(), 'Evaluate');
    assert.equal(await focusedText(), 'Evaluate');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await selectedTab(), 'Data');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await selectedTab(), 'Export', 'the arrows wrap around');
    await page.keyboard.press('Home');
    assert.equal(await selectedTab(), 'Data');
    await page.keyboard.press('Alt+6');
    assert.equal(await selectedTab(), 'Landscape');
    await page.keyboard.press('Alt+1');
    assert.equal(await selectedTab(), 'Data');
    assert.match(String(await page.textContent('#keys-help')), /Alt\+1–8/);
    await page.waitForSelector('p.counts span[data-class=udsg]', { timeout: 60_000 });
    await page.waitForSelector('.chart svg');
  });

  it('follows the system colour scheme, switches with the theme toggle, and keeps the choice and the page after a reload', async () => {
    assert.equal(await background(), 'rgb(255, 255, 255)');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForSelector('html[data-theme=dark]', { timeout: 5000 }); // auto follows the system
    assert.ok(dark(await background()), 'a dark page');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.waitForSelector('html[data-theme=light]', { timeout: 5000 });
    assert.equal(await background(), 'rgb(255, 255, 255)');
    await page.screenshot({ path: path.join(ARTIFACTS, 'shell-light.png'), fullPage: true });

    // The toggle by keyboard: focus it, choose "dark".
    await page.focus('[name=theme]');
    await page.keyboard.press('Enter');
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.waitForSelector('html[data-theme=dark]', { timeout: 5000 });
    assert.ok(dark(await background()), 'a dark page');
    const axisText = await page.$eval('.chart svg text', (t) => t.getAttribute('fill'));
    assert.notEqual(axisText, '#000', 'chart text is light on the dark page');
    await page.reload();
    await page.waitForSelector('.chart svg', { timeout: 60_000 });
    assert.equal(await selectedTab(), 'Data', 'the page survives a reload');
    assert.equal(await page.inputValue('form.data input[name=data]'), 'synthetic:1500', 'the form survives a reload');
    assert.equal((await page.textContent('[name=theme]'))?.trim(), 'dark');
    assert.ok(dark(await background()), 'the theme survives a reload');
    await page.screenshot({ path: path.join(ARTIFACTS, 'shell-dark.png'), fullPage: true });
  });

  it("exports a chart from its PDF button in the light publication style, even in dark mode", async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('.chart-tools button[data-format=pdf] >> nth=0')]);
    const pdf = await bytesOf(download);
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.match(download.suggestedFilename(), /^inputs-.*\.pdf$/);
    if (fs.existsSync(PDFTOPPM)) assert.ok(meanGrey(pdfFirstPage(pdf)) > 200, 'a white page with dark ink');
    const [png] = await Promise.all([page.waitForEvent('download'), page.click('.chart-tools button[data-format=png] >> nth=1')]);
    assert.deepEqual([...(await bytesOf(png)).subarray(1, 4)], [0x50, 0x4e, 0x47]);
    assert.match(String(await page.textContent('.chart-status >> nth=1')), /Saved input-correlations\.png/);
  });

  it('lists run figures and the session charts on the Export page and writes them into one PDF', async () => {
    // Another input on the Data page redraws its histogram under a new title: Export lists it once, as last seen.
    const current = (await page.textContent('form.data [name=feature]'))?.trim();
    await page.click('form.data [name=feature]');
    const other = (await page.$$eval('.p-select-overlay [role=option]', (o) => o.map((x) => x.getAttribute('aria-label') ?? ''))).find((f) => f !== current)!;
    await page.click(`.p-select-overlay [role=option][aria-label="${other}"]`);
    await page.waitForSelector(`.chart-tools[aria-label="Export Inputs ${other}"]`, { timeout: 60_000 });
    await page.click('nav button:has-text("Export")');
    await page.waitForSelector('form.export input[value=tiny]:checked');
    await page.click('form.export button[type=submit]');
    await page.waitForSelector('ul.figures li:has-text("ROC BvL")', { timeout: 60_000 });
    const titles = await page.$$eval('ul.figures li', (li) => li.map((l) => l.textContent ?? ''));
    assert.ok(titles.some((t) => /training history/.test(t)), titles.join(' | '));
    assert.ok(titles.some((t) => /Input correlations/.test(t) && /data page/.test(t)), titles.join(' | '));
    assert.deepEqual(titles.filter((t) => t.includes('Inputs ')).map((t) => t.trim()), [`Inputs ${other} (data page)`], 'one histogram: the input picked last');
    await page.waitForSelector('.maps .chart svg');
    const texts = await page.$$eval('.maps .chart svg text', (t) => t.map((x) => x.textContent ?? ''));
    for (const t of ['Tagscape', 'b-jet efficiency', 'light-flavour-jet mistag rate', 'epoch', '0.9']) assert.ok(texts.includes(t), `"${t}" drawn in the previews`);
    assert.ok(!texts.includes('CMS'), 'no experiment label on synthetic jets unless the CMS style is picked');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button:has-text("Export PDF")')]);
    await download.saveAs(path.join(ARTIFACTS, 'shell-export.pdf'));
    const pdf = await bytesOf(download);
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.equal((pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length, titles.length, 'one page per listed figure');
    await page.screenshot({ path: path.join(ARTIFACTS, 'shell-export-dark.png'), fullPage: true });
    assert.deepEqual(errors, []);
  });
});
