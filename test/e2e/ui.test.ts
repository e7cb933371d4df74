import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { SKIP, launchChromium } from './browser.ts';
import { serve, type Server } from '../../main/server/serve.ts';
import { backend, builtRenderer, tmpDir } from '../helpers.ts';

describe('the UI in a browser, served on loopback', { skip: SKIP }, () => {
  let server: Server;
  let browser: Browser;
  const errors: string[] = [];

  before(async () => {
    await backend();
    const outDir = await builtRenderer();
    server = await serve({ workspace: tmpDir(), port: 0, staticDir: outDir, maxJobs: 1 });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('refuses the page without the token', async () => {
    const page = await browser.newPage();
    const res = await page.goto(`http://127.0.0.1:${server.port}/`);
    assert.equal(res?.status(), 401);
    await page.close();
  });

  it('trains a tagger by clicking, shows the job live, keeps it after a reload, and evaluates it', async () => {
    const page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    const res = await page.goto(server.url);
    assert.equal(res?.status(), 200);
    assert.match(res!.headers()['content-security-policy'], /default-src 'self'/);
    assert.equal(new URL(page.url()).search, '', 'the token leaves the address bar');
    await page.click('nav button:has-text("Train")');
    await page.fill('input[name=name]', 'clicked');
    await page.fill('input[name=data]', 'synthetic:1500');
    await page.fill('input[name=epochs]', '2');
    await page.click('form.train button[type=submit]');
    await page.waitForSelector('li[data-status=running], li[data-status=complete]', { timeout: 60_000 });
    await page.reload();
    await page.waitForSelector('li[data-job]', { timeout: 10_000 }); // jobs outlive a reload
    await page.waitForSelector('li[data-status=complete]', { timeout: 120_000 });
    await page.click('nav button:has-text("Runs")');
    await page.waitForSelector('tr[data-run=clicked] .status-complete');
    await page.click('nav button:has-text("Evaluate")');
    await page.fill('form.evaluate input[name=data]', 'synthetic:1500');
    await page.click('form.evaluate button[type=submit]');
    const cell = await page.waitForSelector('table.auc tr[data-run=clicked] td:nth-child(3)', { timeout: 60_000 });
    const auc = Number(await cell.textContent());
    assert.ok(auc > 0.5 && auc <= 1, `BvL AUC shown: ${auc}`);
    assert.ok(await page.$('.chart svg'), 'the ROC chart is drawn');
    await page.waitForSelector('table.confusion tbody tr');
    assert.equal((await page.$$('table.confusion tbody tr')).length, 4, 'b, bb, c, udsg rows');
    await page.screenshot({ path: path.join(tmpDir(), 'evaluate.png') });

    await page.click('nav button:has-text("Robustness")');
    await page.fill('form.robustness input[name=eps]', '0, 0.05');
    await page.fill('form.robustness input[name=data]', 'synthetic:1500');
    await page.uncheck('form.robustness input[value=pgd]');
    await page.uncheck('form.robustness input[value=noise]');
    await page.click('form.robustness button[type=submit]');
    await page.waitForSelector('.chart svg', { timeout: 120_000 });

    await page.click('nav button:has-text("Landscape")');
    await page.fill('form.landscape input[name=grid]', '9');
    await page.fill('form.landscape input[name=jets]', '20');
    await page.fill('form.landscape input[name=data]', 'synthetic:1500');
    await page.click('form.landscape button[type=submit]');
    await page.waitForSelector('.maps .chart svg', { timeout: 120_000 });

    await page.click('nav button:has-text("Data")');
    await page.fill('form.data input[name=data]', 'synthetic:1500');
    await page.click('form.data button[type=submit]');
    await page.waitForSelector('p.counts span[data-class=udsg]', { timeout: 60_000 });
    await page.waitForSelector('.p-datatable.jets tbody tr td');
    assert.ok((await page.$$('.p-datatable.jets tbody tr')).length >= 10, 'the rows in view of the virtual jet table');
    assert.equal((await page.$$('.maps .chart svg')).length, 2, 'histogram and correlation matrix');
    assert.deepEqual(errors, []);
  });

  it('says in one sentence what is wrong when a form is bad', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.click('nav button:has-text("Train")');
    await page.fill('input[name=name]', 'bad name with spaces');
    await page.click('form.train button[type=submit]');
    const alert = await page.waitForSelector('[role=alert]');
    assert.match(String(await alert.textContent()), /Invalid startJob request at job\.name/);
    // The form checks its own fields first, naming the one that is wrong.
    await page.fill('input[name=name]', 'fine');
    await page.fill('input[name=hidden]', '100,abc');
    await page.click('form.train button[type=submit]');
    await page.waitForSelector('[role=alert]:has-text("Hidden layers must be")');
    assert.equal(await page.getAttribute('input[name=hidden]', 'aria-invalid'), 'true');
  });
});
