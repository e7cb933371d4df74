/**
 * The window as a new user meets it (issue 17): the status bar, the first-launch study from one button to a
 * filled Evaluate page, tooltips from the shared glossary, the virtual jet table over 100k jets, and
 * axe-core on every page in the light and the dark theme (no serious or critical violation). Screenshots of
 * every page in both themes go to test/artifacts/.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { GLOSSARY } from '../../shared/glossary.ts';
import { PAGE_LABELS, PAGES } from '../../shared/pages.ts';
import { writeJetsH5 } from '../../main/engine/data/h5.ts';
import { generateJets } from '../../main/engine/synthetic/generator.ts';
import { serve, type Server } from '../../main/server/serve.ts';
import { ROOT, backend, builtRenderer, repeatedJets, tmpDir } from '../helpers.ts';
import { SKIP, chooseOption, launchChromium } from './browser.ts';

const ARTIFACTS = path.join(ROOT, 'test', 'artifacts');
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** The pages that need trained runs, and so show the first-launch study on an empty workspace. */
const NEED_RUNS = ['evaluate', 'robustness', 'inspect', 'landscape', 'runs', 'export'] as const;

/**
 * Polls an expression in the page until it is true. Evaluated through the debugging protocol: Playwright's
 * waitForFunction with a string would need the page's CSP to allow eval, which it does not.
 */
async function until(page: Page, expression: string, timeout: number): Promise<void> {
  const end = Date.now() + timeout;
  while (!(await page.evaluate<boolean>(expression))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${expression}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

interface AxeViolation { id: string; impact: string | null; help: string; nodes: Array<{ target: string[] }> }

/** axe-core's serious and critical findings on the page as it is (run through the debugging protocol, so the page's CSP stays on). */
async function axeFindings(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE);
  const violations = await page.evaluate<AxeViolation[]>(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target })) })))`);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

describe('the window for a new user: status bar, first-launch study, tooltips, jet table, accessibility', { skip: SKIP }, () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  let workspace: string;
  /** 100k jets in an HDF5 file. */
  let bigFile: string;
  const errors: string[] = [];

  before(async () => {
    await backend();
    const outDir = await builtRenderer();
    workspace = tmpDir();
    // 100k jets for the table: 5000 generated jets repeated 20 times (generating 100k takes the event model
    // minutes on this machine, and would stall this process, which also drives the browser, while the page waits).
    bigFile = path.join(tmpDir(), 'jets-100k.h5');
    await writeJetsH5(bigFile, repeatedJets(generateJets({ jets: 5000, seed: 7 }), 20));
    server = await serve({ workspace, port: 0, staticDir: outDir, maxJobs: 1 });
    browser = await launchChromium();
    page = await (await browser.newContext({ colorScheme: 'light', viewport: { width: 1400, height: 1000 } })).newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(server.url);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  // Generous: the server answers in this same process, so a page that makes it load a data set holds up the click.
  const open = async (id: (typeof PAGES)[number]) => {
    await page.click(`[role=tab][data-page=${id}]`, { timeout: 180_000 });
    await page.waitForSelector(`[role=tabpanel]:visible h2:has-text("${PAGE_LABELS[id]}")`);
  };

  it('shows the backend, its threads, the jobs, the workspace and the data source in the status bar on every page', async () => {
    for (const id of PAGES) {
      await open(id);
      const bar = page.locator('footer.status-bar');
      await bar.locator('.backend').waitFor();
      const text = (await bar.textContent()) ?? '';
      // Without native TensorFlow the dense tagger runs on the SIMD kernels (on every core by default).
      assert.match(text, /Backend: (native TensorFlow|wasm with SIMD kernels|cpu with SIMD kernels), \d+ threads?/, id);
      assert.match(text, /Jobs:\s+none running/, id);
      assert.ok(text.includes(`Workspace: ${workspace}`), `${id}: ${text}`);
      assert.match(text, /Data: synthetic:20000/, id);
    }
    const text = (await page.textContent('footer.status-bar')) ?? '';
    if (!text.includes('native TensorFlow')) assert.match(text, /TensorFlow/, 'says why the backend is not native TensorFlow');
  });

  it('on an empty workspace, every page that needs runs says so and offers the study', async () => {
    for (const id of NEED_RUNS) {
      await open(id);
      await page.waitForSelector('[role=tabpanel]:visible section.first-study');
      assert.match(String(await page.textContent('[role=tabpanel]:visible section.first-study')), /no trained taggers/, id);
      assert.equal(await page.textContent('[role=tabpanel]:visible button.run-study'), "Run the paper's study on the embedded jets", id);
    }
  });

  it('explains every physics term and Train option with the glossary sentence, on hover and to screen readers', async () => {
    await open('train');
    await chooseOption(page, 'form.train [role=combobox][name=adv]', 'FGSM');
    const terms = await page.$$eval('[role=tabpanel]:visible [data-term]', (els) => els.map((e) => e.getAttribute('data-term')));
    for (const key of ['hidden', 'dropout', 'epochs', 'batchSize', 'learningRate', 'loss', 'patience', 'seed', 'reweight', 'eps', 'fgsm', 'ngm', 'pgd', 'advFraction', 'advWarmup', 'gradPenalty', 'adversarialTraining']) {
      assert.ok(terms.includes(key), `Train explains ${key}`);
    }
    // The description a screen reader announces is the glossary's sentence.
    const described = await page.evaluate<string>(`document.getElementById(document.querySelector('[data-term=dropout]').getAttribute('aria-describedby')).textContent`);
    assert.equal(described, GLOSSARY.dropout.text);
    await page.hover('[data-term=eps]');
    await page.waitForSelector(`.p-tooltip:has-text("${GLOSSARY.eps.text.slice(0, 40)}")`);
    await chooseOption(page, 'form.train [role=combobox][name=adv]', 'none');
    await chooseOption(page, 'form.train [role=combobox][name=loss]', 'focal');
    assert.ok(await page.$('[data-term=focalGamma]'), 'focal γ explained');
    await chooseOption(page, 'form.train [role=combobox][name=loss]', 'cross-entropy');
    await open('landscape');
    for (const key of ['directions', 'curvature', 'frozen']) assert.ok(await page.$(`[role=tabpanel]:visible [data-term=${key}]`), `Landscape explains ${key}`);
  });

  it('shows the same tooltip on keyboard focus, hides it on Escape and on leaving, and leaves the focus on the term', async () => {
    await open('train');
    const focused = () => page.evaluate<string | null>(`document.activeElement?.getAttribute('data-term') ?? null`);
    const sentence = (key: string | null) => GLOSSARY[key as keyof typeof GLOSSARY].text;
    /** Waits until the tooltips on the page show exactly these texts (the directive adds and removes them after a tick). */
    const tips = async (expected: string[]) => {
      const read = () => page.$$eval('.p-tooltip', (els) => els.map((e) => e.textContent?.trim() ?? ''));
      for (let i = 0; i < 50 && JSON.stringify(await read()) !== JSON.stringify(expected); i++) await page.waitForTimeout(100);
      assert.deepEqual(await read(), expected);
    };
    // From the page's heading, Tab on as a keyboard user would until a glossary term has the focus.
    await page.click('[role=tabpanel]:visible h2');
    let term: string | null = null;
    for (let i = 0; i < 40 && !term; i++) {
      await page.keyboard.press('Tab');
      term = await focused();
    }
    assert.ok(term, 'a glossary term on the Train page is reachable with Tab');
    await tips([sentence(term)]);
    assert.ok(await page.isVisible('.p-tooltip'), 'the tooltip is visible');
    assert.equal(await focused(), term, 'the tooltip does not take the focus');
    await page.waitForTimeout(400); // the popup's 250 ms fade-in, for the screenshot
    await page.screenshot({ path: path.join(ARTIFACTS, 'window-tooltip-focus.png') });
    assert.deepEqual(await axeFindings(page), [], 'no serious or critical axe-core violation with the tooltip shown');
    await page.keyboard.press('Escape');
    await tips([]);
    assert.equal(await focused(), term, 'Escape hides the tooltip and leaves the focus where it was');
    // Back onto the term and off it again: leaving hides its tooltip (the next control shows its own, if a term).
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    assert.equal(await focused(), term);
    await tips([sentence(term)]);
    await page.keyboard.press('Tab');
    const next = await focused();
    assert.notEqual(next, term);
    await tips(next ? [sentence(next)] : []);
    await page.keyboard.press('Escape');
    await tips([]);
  });

  it('runs the paper\'s study from the one button to a filled Evaluate page, then robustness and landscape', async () => {
    await open('evaluate');
    await page.click('[role=tabpanel]:visible button.run-study');
    // The jobs with their progress, in the study panel and the status bar.
    await page.waitForSelector('footer.status-bar .job:has-text("train nominal") [role=progressbar]', { timeout: 60_000 });
    await page.waitForSelector('section.first-study li:has-text("train adversarial")');
    await page.screenshot({ path: path.join(ARTIFACTS, 'window-first-study-running.png'), fullPage: true });
    // Evaluate fills in by itself once both taggers are trained.
    await page.waitForSelector('table.auc tr[data-run=adversarial]', { timeout: 900_000 });
    for (const run of ['nominal', 'adversarial']) {
      const auc = Number(await page.textContent(`table.auc tr[data-run=${run}] td:nth-child(3)`));
      assert.ok(auc > 0.8 && auc <= 1, `${run} BvL AUC ${auc}`);
    }
    assert.ok(await page.$('[role=tabpanel]:visible .chart svg'), 'the ROC is drawn');
    for (const d of ['BvL', 'BvC', 'CvB', 'CvL', 'workingPoints']) assert.ok(await page.$(`[role=tabpanel]:visible [data-term=${d}]`), `Evaluate explains ${d}`);
    // Then the robustness scan and the loss surface.
    await until(page, `JSON.parse(localStorage.getItem('tagscape.first-study') ?? '{}').phase === 'done'`, 900_000);
    await open('robustness');
    await page.waitForSelector('[role=tabpanel]:visible table.worst-case', { timeout: 60_000 });
    await open('landscape');
    await page.waitForSelector('[role=tabpanel]:visible .maps .chart svg', { timeout: 60_000 });
    assert.equal(await page.$('section.first-study'), null, 'the study panel is gone once it is done');
  });

  it('scrolls a virtual, sortable table of 100k jets that only renders the rows in view', async () => {
    await open('data');
    await page.fill('form.data input[name=data]', bigFile);
    await page.click('form.data button[type=submit]');
    await page.waitForSelector('[data-testid=matched]:has-text("100,000 of 100,000")', { timeout: 300_000 });
    const scroller = '.p-datatable.jets .p-virtualscroller';
    await page.$eval(scroller, (el) => el.scrollTo({ top: el.scrollHeight }));
    await page.waitForSelector('.p-datatable.jets tbody td:text-is("99999")', { timeout: 30_000 });
    const rendered = (await page.$$('.p-datatable.jets tbody tr')).length;
    assert.ok(rendered > 5 && rendered < 200, `only the rows in view are in the page (${rendered})`);
    // Sorted by flavour, descending: the light jets (udsg) come first.
    await page.$eval(scroller, (el) => el.scrollTo({ top: 0 }));
    await page.click('.p-datatable.jets th:has-text("flavour")');
    await page.click('.p-datatable.jets th:has-text("flavour")');
    await page.waitForSelector('.p-datatable.jets th[aria-sort=descending]:has-text("flavour")');
    await until(page, `[...document.querySelectorAll('.p-datatable.jets tbody tr td:nth-child(2)')].slice(0, 5).every((td) => td.textContent.trim() === 'udsg')`, 30_000);
    assert.ok(String(await page.textContent('footer.status-bar')).includes(`Data: ${bigFile}`));
    await page.screenshot({ path: path.join(ARTIFACTS, 'window-data-100k.png') });
    // Back to the embedded set for the accessibility pass.
    await page.fill('form.data input[name=data]', 'synthetic:20000');
    await page.click('form.data button[type=submit]');
    await page.waitForSelector('[data-testid=matched]:has-text("20,000 of 20,000")', { timeout: 120_000 });
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`has no serious or critical axe-core violation on any page in the ${theme} theme`, async () => {
      await chooseOption(page, '[name=theme]', theme);
      await page.waitForSelector(`html[data-theme=${theme}]`);
      const found: string[] = [];
      for (const id of PAGES) {
        await open(id);
        // Pages that compute on request are checked with their results shown.
        const fill = { evaluate: 'table.auc tbody tr', inspect: 'table.features tbody tr' }[id as string];
        if (fill) {
          await page.click(`form.${id} button[type=submit]`);
          await page.waitForSelector(`[role=tabpanel]:visible ${fill}`, { timeout: 120_000 });
        }
        // Let the page's own calls and charts settle.
        await page.waitForLoadState('networkidle').catch(() => {});
        await page.waitForTimeout(1500);
        for (const v of await axeFindings(page)) found.push(`${id}: ${v.impact} ${v.id} (${v.help}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        await page.screenshot({ path: path.join(ARTIFACTS, `window-${id}-${theme}.png`), fullPage: true });
      }
      assert.deepEqual(found, []);
    });
  }

  it('logged no error in the page', () => {
    assert.deepEqual(errors, []);
  });
});
