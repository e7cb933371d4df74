/**
 * Scans in the browser UI: the Runs page groups a scan's tasks by grid point, runs the remaining ones as
 * local jobs and shows their states change without a reload; the Robustness page draws the scan's
 * mean ± sd with bands.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { ScanStore } from '../../main/engine/scan/store.ts';
import { serve, type Server } from '../../main/server/serve.ts';
import { SKIP, launchChromium } from '../e2e/browser.ts';
import { backend, builtRenderer, tmpDir } from '../helpers.ts';

describe('scans in the window', { skip: SKIP }, () => {
  let server: Server;
  let browser: Browser;
  const ws = tmpDir('tagscape-scan-ui-');

  before(async () => {
    await backend();
    new ScanStore(ws, 'ui').create({
      name: 'ui', data: 'synthetic:1200', modes: ['nominal', 'fgsm'], eps: [0.02], seeds: [1, 2], train: { epochs: 1, batchSize: 256 },
      evaluate: { attacks: ['fgsm'], eps: [0, 0.02] },
    });
    server = await serve({ workspace: ws, port: 0, staticDir: await builtRenderer(), maxJobs: 1 });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('runs a scan from the Runs page with live task states and plots its aggregate on Robustness', { timeout: 600_000 }, async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(server.url);
    await page.click('nav button:has-text("Runs")');
    const scan = 'section.scans details[data-scan=ui]';
    await page.waitForSelector(`${scan} tr[data-task="3"][data-state=unsubmitted]`);
    // Grouped by grid point: two groups of two seeds.
    assert.deepEqual(await page.$$eval(`${scan} td.group`, (tds) => tds.map((t) => [t.textContent!.trim(), t.getAttribute('rowspan')])), [['nominal', '2'], ['fgsm ε=0.02', '2']]);
    await page.click(`${scan} button.run-here`);
    // One job at a time: a task runs while the others wait, and the states change without a reload.
    await page.waitForSelector(`${scan} tr[data-state=running]`, { timeout: 120_000 });
    assert.ok((await page.$$(`${scan} tr[data-state=queued]`)).length >= 1);
    await page.waitForSelector(`${scan} tr[data-task="3"][data-state=complete]`, { timeout: 480_000 });
    assert.equal((await page.$$(`${scan} tr[data-state=complete]`)).length, 4);
    assert.equal(await page.$(`${scan} button.run-here`), null, 'nothing left to run');

    await page.click('nav button:has-text("Robustness")');
    await page.waitForSelector('section.scan-aggregate .hint');
    assert.match(await page.textContent('section.scan-aggregate .hint') ?? '', /4 of 4 tasks finished/);
    await page.waitForSelector('section.scan-aggregate svg, section.scan-aggregate canvas');
    assert.deepEqual(errors, []);
    await page.close();
  });
});
