/**
 * The Landscape page in Chromium: a nominal and an FGSM-trained run side by side around one jet, with
 * contours, each run's FGSM step, the difference map and the curvature table; then the 3D view. The
 * screenshots go to test/artifacts/.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser } from 'playwright-core';
import { SKIP, launchChromium } from './browser.ts';
import { loadData } from '../../main/engine/data/load.ts';
import { evaluateRun } from '../../main/engine/evaluate/evaluate-run.ts';
import { startTraining } from '../../main/engine/train/run.ts';
import { serve, type Server } from '../../main/server/serve.ts';
import { ROOT, backend, builtRenderer, tmpDir } from '../helpers.ts';
import { colours } from './pictures.ts';

const ARTIFACTS = path.join(ROOT, 'test', 'artifacts');
const DATA = 'synthetic:3000';

describe('the Landscape page', { skip: SKIP }, () => {
  let server: Server;
  let browser: Browser;
  let jet = 0;
  const errors: string[] = [];

  before(async () => {
    await backend();
    const workspace = tmpDir('tagscape-landscape-ui-');
    const data = await loadData(DATA);
    const config = { epochs: 4, batchSize: 128, hidden: [64, 64] };
    await startTraining({ workspace, name: 'nominal', data, config });
    await startTraining({ workspace, name: 'adversarial', data, config: { ...config, adversarial: { attack: 'fgsm', eps: 0.1, fraction: 1, warmupEpochs: 0 } } });
    // A typical b jet of the test split: the one with the median loss among them.
    const ev = evaluateRun(workspace, 'nominal', data);
    const b = [...ev.rows.keys()].filter((k) => ev.labels[k] === 0).map((k) => ({ jet: ev.rows[k], loss: -Math.log(ev.probs[k * 4]) })).sort((p, q) => p.loss - q.loss);
    jet = b[Math.floor(b.length / 2)].jet;
    const outDir = await builtRenderer();
    server = await serve({ workspace, port: 0, staticDir: outDir, maxJobs: 1 });
    browser = await launchChromium();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('maps two runs around one jet with contours, FGSM steps, a difference map and curvature, in 2D and 3D', async () => {
    const page = await browser.newPage({ viewport: { width: 1900, height: 1250 } });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(server.url);
    await page.click('nav button:has-text("Landscape")');
    await page.waitForSelector('form.landscape input[name=run][value=adversarial]');
    // The first run chosen is the reference: the difference map shows the second minus the first.
    await page.uncheck('form.landscape input[name=run][value=adversarial]');
    await page.check('form.landscape input[name=run][value=nominal]');
    await page.check('form.landscape input[name=run][value=adversarial]');
    await page.fill('form.landscape input[name=data]', DATA);
    await page.fill('form.landscape input[name=jet]', String(jet));
    await page.fill('form.landscape input[name=span]', '0.2');
    await page.fill('form.landscape input[name=grid]', '31');
    await page.click('form.landscape button[type=submit]');
    await page.waitForSelector('[data-testid=fgsm-step]', { timeout: 180_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'landscape-2d.png'), fullPage: true });
    await (await page.$('.maps figure[data-map=difference]'))!.screenshot({ path: path.join(ARTIFACTS, 'landscape-difference.png') });

    assert.equal((await page.$$('.maps .chart svg')).length, 3, 'nominal, adversarial and their difference');
    const contourPaths = await page.$$eval('.maps figure[data-map=nominal] .chart svg path', (ps) => ps.length);
    assert.ok(contourPaths > 31 * 31, `cells plus contour lines drawn (${contourPaths} paths)`);
    const steps = await page.textContent('[data-testid=fgsm-step]');
    assert.match(String(steps), /nominal.*FGSM step \(ε=0\.2\) lands at/s);
    assert.match(String(steps), /adversarial/);
    assert.ok(await page.$('.maps figure[data-map=nominal] svg text:has-text("FGSM ε=0.2")'), 'the arrow is labelled on the map');
    const header = await page.$$eval('table.curvature thead th', (th) => th.map((t) => t.textContent));
    assert.deepEqual(header.slice(1), ['nominal', 'adversarial']);
    const rows = await page.$$eval('table.curvature tbody tr', (tr) => tr.map((t) => [...t.children].map((c) => c.textContent ?? '')));
    const eig = rows.find((r) => r[0].startsWith('top Hessian eigenvalue'));
    assert.ok(eig && eig.slice(1).every((v) => Number.isFinite(Number(v.split(' ')[0]))), `Hessian eigenvalues shown: ${eig}`);

    await page.click('.view-toggle button:has-text("3D")');
    await page.waitForSelector('.maps .chart canvas', { timeout: 60_000 });
    // echarts-gl draws on the next animation frames; wait until the first surface's canvas is painted.
    const first = (await page.$('.maps figure[data-map=nominal] .chart'))!;
    let shot = await first.screenshot();
    for (let k = 0; k < 20 && (await colours(page, shot)) < 50; k++) {
      await page.waitForTimeout(250);
      shot = await first.screenshot();
    }
    assert.ok((await colours(page, shot)) >= 50, 'the 3D surface is drawn in colour');
    await page.screenshot({ path: path.join(ARTIFACTS, 'landscape-3d.png'), fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });
});
