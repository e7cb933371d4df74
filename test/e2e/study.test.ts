/**
 * The whole study in Chromium, by clicking and typing only, on 3000 synthetic jets: look at the data,
 * train a nominal and an FGSM-trained tagger at the same time, compare their ROC curves clean and
 * attacked, scan their robustness, inspect the jet FGSM changed most, open its loss surface in 2D and
 * 3D, compare the runs' configs and export the figures as one PDF. No page may log a console error.
 * Screenshots, the PDF and its first page rendered go to test/artifacts/study-*.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { SKIP, chooseOption, launchChromium } from './browser.ts';
import { serve, type Server } from '../../main/server/serve.ts';
import { ROOT, backend, builtRenderer, tmpDir } from '../helpers.ts';
import { PDFTOPPM, colours, meanGrey, pdfFirstPage } from './pictures.ts';

const ARTIFACTS = path.join(ROOT, 'test', 'artifacts');
/** Every page, in the study's order, with what it shows once its first calls have answered in this workspace. */
const READY: Record<string, string> = {
  Data: 'p.counts', Train: 'ul.jobs li[data-status=complete]', Evaluate: 'form.evaluate input[name=runs]', Robustness: 'table.worst-case',
  Inspect: 'form.inspect [role=combobox][name=run]:not(.p-placeholder)', Landscape: 'form.landscape input[name=run]', Runs: 'table.runs tr[data-run]', Export: 'form.export input[type=checkbox][value=nominal]',
};
const DATA = 'synthetic:3000';
const EPS = 0.05;

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `study-${name}.png`), fullPage: true });

/** The cells of a table's body rows, as text. */
function cells(page: Page, selector: string): Promise<string[][]> {
  return page.$$eval(`${selector} tbody tr`, (rows) => rows.map((r) => [...r.children].map((c) => c.textContent?.trim() ?? '')));
}

/** The texts drawn in the charts under `selector`. */
function chartTexts(page: Page, selector: string): Promise<string[]> {
  return page.$$eval(`${selector} .chart svg text`, (t) => t.map((x) => x.textContent ?? ''));
}

describe('the click-through study', { skip: SKIP }, () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  before(async () => {
    await backend();
    server = await serve({ workspace: tmpDir('tagscape-study-'), port: 0, staticDir: await builtRenderer(), maxJobs: 2 });
    browser = await launchChromium();
    const context = await browser.newContext({ acceptDownloads: true, colorScheme: 'light', viewport: { width: 1500, height: 1000 } });
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.goto(server.url);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const open = async (label: string) => {
    await page.click(`nav button:has-text("${label}")`);
    await page.waitForSelector(`main h2:has-text("${label}")`);
  };

  it('looks at the data set', async () => {
    await open('Data');
    // The page opens on the embedded default set; once it is shown, choose the small one.
    await page.waitForSelector('form.data button[type=submit]:not([disabled])', { timeout: 60_000 });
    await page.fill('form.data input[name=data]', DATA);
    await page.click('form.data button[type=submit]');
    await page.waitForSelector('p.counts:has-text("3000 jets")', { timeout: 60_000 });
    const counts = await page.$$eval('p.counts span[data-class]', (s) => s.map((x) => Number(x.textContent?.trim().split(' ')[1])));
    assert.equal(counts.length, 4, 'b, bb, c and udsg');
    assert.equal(counts.reduce((a, b) => a + b, 0), 3000, 'the class counts add up to the jets');
    await page.waitForSelector('.maps .chart svg');
    await shot(page, 'data');
  });

  it('trains a nominal and an FGSM-trained tagger at the same time and shows the live curves', async () => {
    await open('Train');
    await page.fill('form.train input[name=name]', 'nominal');
    await page.fill('form.train input[name=data]', DATA);
    await page.fill('form.train input[name=epochs]', '3');
    await page.click('form.train button[type=submit]');
    await page.waitForSelector('li[data-job]:has-text("nominal")');
    await page.fill('form.train input[name=name]', 'adversarial');
    await chooseOption(page, 'form.train [role=combobox][name=adv]', 'FGSM');
    await page.fill('form.train input[name=eps]', String(EPS));
    await page.click('form.train button[type=submit]');
    // Two job slots: both train at once (neither waits in the queue), their curves drawn as they go.
    await page.waitForSelector('.chart svg', { timeout: 60_000 });
    assert.equal((await page.$$('li[data-job][data-status=queued]')).length, 0);
    await shot(page, 'train-live');
    await page.locator('li[data-job][data-status=complete]').nth(1).waitFor({ timeout: 150_000 });
    assert.equal((await page.$$('li[data-job][data-status=failed]')).length, 0);
    // Coming back to the page draws the finished histories at once.
    await open('Runs');
    for (const run of ['nominal', 'adversarial']) await page.waitForSelector(`tr[data-run=${run}] .status-complete`);
    await open('Train');
    await page.waitForSelector('.chart svg');
    const texts = await chartTexts(page, 'section');
    for (const run of ['nominal', 'adversarial']) {
      for (const t of ['training', 'validation', 'AUC', 'accuracy']) assert.ok(texts.includes(`${run} ${t}`), `"${run} ${t}" in a legend`);
    }
    for (const t of ['epoch', 'loss']) assert.ok(texts.includes(t), `"${t}" on the axes`);
    await shot(page, 'train');
  });

  /** Each run's clean test BvL AUC, as the Evaluate page shows it. */
  const clean: Record<string, number> = {};

  it('evaluates both runs, clean and under FGSM, with both ROC curves drawn', async () => {
    await open('Evaluate');
    // The first ticked run is the reference of the ratio panel.
    await page.uncheck('form.evaluate input[name=runs][value=nominal]');
    await page.uncheck('form.evaluate input[name=runs][value=adversarial]');
    await page.check('form.evaluate input[name=runs][value=nominal]');
    await page.check('form.evaluate input[name=runs][value=adversarial]');
    await page.fill('form.evaluate input[name=data]', DATA);
    await chooseOption(page, 'form.evaluate [role=combobox][name=attack]', 'FGSM');
    await page.fill('form.evaluate input[name=eps]', String(EPS));
    await page.click('form.evaluate button[type=submit]');
    await page.waitForSelector('.maps .chart svg', { timeout: 90_000 });
    const rows = await cells(page, 'table.auc');
    const row = (run: string, attacked: boolean) => rows.find((r) => (attacked ? r[0].startsWith(`${run}, FGSM`) : r[0] === run));
    for (const run of ['nominal', 'adversarial']) {
      const [r, a] = [row(run, false), row(run, true)];
      assert.ok(r && a, `${run}: a clean and an attacked row in ${JSON.stringify(rows)}`);
      assert.match(r[1], /^600 \(test\)$/, 'the held-out 20% of the training data');
      clean[run] = Number(r[2]);
      assert.ok(clean[run] > 0.6 && clean[run] <= 1, `${run} BvL AUC ${r[2]}`);
      // FGSM pushes every jet up its loss: the attacked BvL AUC is lower.
      assert.ok(Number(a[2]) < clean[run], `${run}: FGSM lowers the BvL AUC (${r[2]} → ${a[2]})`);
    }
    // The legend names each curve with its AUC, which must agree with the table.
    const legend = await chartTexts(page, '.maps');
    for (const run of ['nominal', 'adversarial']) {
      assert.ok(legend.includes(`${run} (AUC ${clean[run].toFixed(3)})`), `${run}'s ROC curve in the legend: ${legend.join(' | ')}`);
      assert.ok(legend.some((t) => t.startsWith(`${run}, FGSM`)), `${run}'s attacked curve in the legend`);
    }
    assert.equal((await page.$$('table.confusion tbody tr')).length, 4);
    await shot(page, 'evaluate');
    // The rejection view and back: the same chart redrawn twice (Export must list it once).
    for (const [view, axis] of [['rejection (1 / mistag)', 'light-flavour-jet rejection'], ['efficiency vs mistag rate', 'light-flavour-jet mistag rate']]) {
      await page.click(`[data-testid=roc-view] button:has-text("${view}")`);
      await page.waitForSelector(`[data-testid=roc-view] button[aria-pressed=true]:has-text("${view}")`);
      await page.waitForSelector(`.maps .chart svg text:text-is("${axis}")`);
    }
  });

  it('scans both runs under FGSM and ranks the inputs it moved', async () => {
    await open('Robustness');
    await page.uncheck('form.robustness input[name=runs][value=nominal]');
    await page.uncheck('form.robustness input[name=runs][value=adversarial]');
    await page.check('form.robustness input[name=runs][value=nominal]');
    await page.check('form.robustness input[name=runs][value=adversarial]');
    for (const a of ['pgd', 'ngm', 'noise', 'shift']) await page.uncheck(`form.robustness input[name=attacks][value=${a}]`);
    await page.check('form.robustness input[name=attacks][value=fgsm]');
    await page.fill('form.robustness input[name=eps]', `0, 0.02, ${EPS}`);
    await page.fill('form.robustness input[name=data]', DATA);
    await page.click('form.robustness button[type=submit]');
    await page.waitForSelector('table.worst-case', { timeout: 120_000 });
    const worst = await cells(page, 'table.worst-case');
    for (const run of ['nominal', 'adversarial']) {
      const mine = worst.filter((r) => r[0] === run);
      assert.deepEqual(mine.map((r) => Number(r[1])), [0, 0.02, EPS], `${run}: one row per eps`);
      // eps = 0 is the clean test split the Evaluate page showed.
      assert.equal(Number(mine[0][2].split(' ')[0]), clean[run], `${run}: clean AUC as on the Evaluate page`);
      assert.ok(Number(mine[2][2].split(' ')[0]) < clean[run], `${run}: FGSM at eps ${EPS} lowers the AUC`);
    }
    const ranking = await cells(page, '.p-datatable.ranking');
    assert.ok(ranking.length > 0, 'inputs ranked');
    const deltas = ranking.map((r) => Number(r[2]));
    assert.deepEqual(deltas, [...deltas].sort((a, b) => b - a), 'ranked by mean |Δ|, largest first');
    // FGSM moves each free entry by exactly eps σ, frozen ones not at all: no mean shift can exceed eps.
    assert.ok(deltas[0] > 0 && deltas[0] <= EPS + 1e-4, `largest mean |Δ| ${deltas[0]} σ`);
    const texts = await chartTexts(page, '.maps');
    assert.ok(texts.includes('nominal, FGSM') && texts.includes('adversarial, FGSM'), 'both runs in the AUC-vs-eps legend');
    await shot(page, 'robustness');
  });

  let jet = -1;
  /** The nominal p(true class) of the inspected jet. */
  let pTrue = NaN;

  it('inspects the jet FGSM changed most, nominal against attacked', async () => {
    await open('Inspect');
    await chooseOption(page, 'form.inspect [name=run]', 'nominal');
    await page.fill('form.inspect input[name=data]', DATA);
    await chooseOption(page, 'form.inspect [name=attack]', 'FGSM');
    await page.fill('form.inspect input[name=eps]', String(EPS));
    await chooseOption(page, 'form.inspect [name=mode]', 'most changed by the attack');
    await page.click('form.inspect button[type=submit]');
    await page.waitForSelector('table.features tr[data-feature]', { timeout: 90_000 });
    jet = Number(await page.textContent('p.summary strong'));
    assert.ok(Number.isInteger(jet) && jet >= 0 && jet < 3000, `a data row: ${jet}`);
    // "Most changed": the first candidate is this jet, with the largest change of p(true class).
    const candidates = await cells(page, 'table.candidates');
    assert.equal(Number(candidates[0][0]), jet);
    const change = candidates.map((r) => Number(r[3]));
    assert.deepEqual(change, [...change].sort((a, b) => b - a), 'candidates ranked by |Δp|');
    pTrue = Number(candidates[0][2].split('→')[0]);

    const features = await page.$$eval('table.features tr[data-feature]', (rows) =>
      rows.map((r) => {
        const td = [...r.querySelectorAll('td')].map((c) => c.textContent?.trim() ?? '');
        return { name: td[0], nominal: Number(td[2]), attacked: Number(td[3]), delta: Number(td[4]), frozen: r.querySelector('.frozen') !== null };
      }),
    );
    assert.equal(features.length, 67, 'the 67 DeepCSV inputs');
    const frozen = features.filter((f) => f.frozen);
    const free = features.filter((f) => !f.frozen);
    assert.ok(frozen.length > 0 && free.length > 0, `${frozen.length} frozen and ${free.length} free inputs`);
    for (const f of frozen) assert.ok(f.delta === 0 && f.attacked === f.nominal, `${f.name} is frozen and stays put`);
    // FGSM: x' = x + eps·sign(∇L) in training σ, so every free input with a gradient moves by exactly eps.
    const moved = free.filter((f) => f.delta !== 0);
    assert.ok(moved.length >= free.length / 2, `${moved.length} of ${free.length} free inputs moved`);
    for (const f of moved) assert.ok(Math.abs(Math.abs(f.delta) - EPS) < 1e-3, `${f.name}: Δ = ${f.delta} σ`);
    const visible = moved.filter((f) => f.attacked !== f.nominal);
    assert.ok(visible.length >= moved.length / 2, `attacked values differ from nominal (${visible.length} of ${moved.length})`);
    for (const f of visible) assert.equal(Math.sign(f.attacked - f.nominal), Math.sign(f.delta), `${f.name} moves the way Δ says`);

    // The class probabilities before and after, as bars and as discriminants.
    const probs = await chartTexts(page, '.columns');
    for (const c of ['p(b)', 'p(bb)', 'p(c)', 'p(udsg)', 'nominal', `FGSM ε = ${EPS}`]) assert.ok(probs.includes(c), `"${c}" on the probability chart`);
    const disc = await cells(page, 'table.discriminants');
    assert.deepEqual(disc.map((r) => r[0]), ['BvL', 'BvC', 'CvB', 'CvL']);
    for (const r of disc) assert.ok([r[1], r[2]].every((v) => Number(v) >= 0 && Number(v) <= 1), `${r[0]}: ${r[1]} → ${r[2]}`);
    assert.ok(disc.some((r) => r[1] !== r[2]), 'the attack changed the scores');
    await shot(page, 'inspect');
    await page.click('button:has-text("Open in Landscape")');
  });

  it('opens that jet in Landscape: its 2D map with the FGSM step and curvature, then the 3D surface', async () => {
    await page.waitForSelector('main h2:has-text("Landscape")');
    await page.waitForSelector('[data-testid=fgsm-step]', { timeout: 120_000 });
    assert.equal(await page.inputValue('form.landscape input[name=jet]'), String(jet), 'the inspected jet is handed over');
    assert.match(String(await page.textContent('[data-testid=fgsm-step]')), /nominal: the FGSM step \(ε=[\d.]+\) lands at/);
    assert.ok((await chartTexts(page, '.maps')).includes(`jet ${jet}`), 'the map names the jet');
    const curvature = await cells(page, 'table.curvature');
    // The loss at the centre is the cross-entropy of the jet Inspect showed: -ln p(true class).
    const centre = Number(curvature.find((r) => r[0] === 'loss at the centre')?.[1]);
    assert.ok(Math.abs(centre + Math.log(pTrue)) < 2e-3, `centre loss ${centre} = -ln ${pTrue}`);
    const eig = curvature.find((r) => r[0].startsWith('top Hessian eigenvalue'));
    assert.ok(eig && Number.isFinite(Number(eig[1])), `Hessian eigenvalue shown: ${eig}`);
    await shot(page, 'landscape-2d');

    await page.click('.view-toggle button:has-text("3D")');
    await page.waitForSelector('.maps .chart canvas', { timeout: 60_000 });
    // echarts-gl draws on the next animation frames; wait until the surface's canvas is painted.
    const surface = (await page.$('.maps figure[data-map=nominal] .chart'))!;
    let png = await surface.screenshot();
    for (let k = 0; k < 20 && (await colours(page, png)) < 50; k++) {
      await page.waitForTimeout(250);
      png = await surface.screenshot();
    }
    assert.ok((await colours(page, png)) >= 50, 'the 3D surface is drawn in colour');
    await shot(page, 'landscape-3d');
    // WebGL cannot be printed as vectors: the 3D view exports the wireframe of the same surface.
    const [pdf] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click('.maps figure[data-map=nominal] button[data-format=pdf]')]);
    assert.equal(fs.readFileSync((await pdf.path())!).subarray(0, 5).toString('latin1'), '%PDF-');
    await page.click('.view-toggle button:has-text("2D")');
  });

  it('compares the two runs on the Runs page: only the adversarial training differs', async () => {
    await open('Runs');
    // The page lists the runs once its call has answered.
    for (const run of ['nominal', 'adversarial']) await page.waitForSelector(`table.runs tr[data-run=${run}]`);
    const table = await cells(page, 'table.runs');
    for (const run of ['nominal', 'adversarial']) {
      const row = table.find((r) => r[1] === run)!;
      assert.deepEqual([row[2], row[3]], ['complete', '3 / 3']);
      assert.equal(Number(row[5]), clean[run], `${run}: the test AUC the Evaluate page showed`);
    }
    for (const run of ['nominal', 'adversarial']) await page.check(`tr[data-run=${run}] input[name=compare]`);
    await page.click('button.compare');
    await page.waitForSelector('table.config-diff');
    const keys = await page.$$eval('table.config-diff tr[data-key]', (r) => r.map((x) => x.getAttribute('data-key') ?? ''));
    assert.ok(keys.length > 0 && keys.every((k) => k.startsWith('train.adversarial.')), `differing settings: ${keys.join(', ')}`);
    await shot(page, 'runs');
  });

  it('exports the figures as one PDF', async () => {
    await open('Export');
    // The nominal run first: the reference of the ROC figure's ratio panel.
    await page.uncheck('form.export input[type=checkbox][value=adversarial]');
    await page.check('form.export input[type=checkbox][value=nominal]');
    await page.check('form.export input[type=checkbox][value=adversarial]');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.click('form.export button:has-text("Export PDF")')]);
    const file = path.join(ARTIFACTS, 'study-export.pdf');
    await download.saveAs(file);
    const pdf = fs.readFileSync(file);
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    const titles = await page.$$eval('ul.figures li', (li) => li.map((l) => l.textContent ?? ''));
    for (const t of ['ROC BvL, nominal vs adversarial', 'training history', 'Training loss', 'BvL shapes', 'AUC vs eps', 'class probabilities', 'Landscape', '(3D)']) {
      assert.ok(titles.some((x) => x.includes(t)), `"${t}" among the figures: ${titles.join(' | ')}`);
    }
    assert.equal((pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length, titles.length, 'one page per listed figure');
    assert.equal(titles.filter((t) => /ROC BvL (mistag|rejection)/.test(t)).length, 1, `the ROC chart once, in its last view: ${titles.join(' | ')}`);
    if (fs.existsSync(PDFTOPPM)) {
      const grey = pdfFirstPage(pdf, { dpi: 60, png: path.join(ARTIFACTS, 'study-export-page1.png') });
      const ink = grey.filter((v) => v < 128).length / grey.length;
      assert.ok(meanGrey(grey) > 200 && ink > 0.002, `a white page with dark ink (mean grey ${meanGrey(grey).toFixed(0)}, ink ${ink})`);
    }
    await shot(page, 'export');
  });

  it('opens every page without a console error', async () => {
    for (const [label, ready] of Object.entries(READY)) {
      await open(label);
      await page.waitForSelector(ready, { state: 'attached', timeout: 60_000 });
    }
    assert.deepEqual(errors, []);
  });
});
