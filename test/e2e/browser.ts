/** Debian's Chromium for the browser tests (never a downloaded browser), and how they launch it. */
import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const SKIP = fs.existsSync(CHROMIUM) ? false : 'Debian chromium is not installed (apt-get install chromium); browser tests skipped';

/** Headless and quiet; WebGL (the 3D view) comes from SwiftShader, Chromium's software renderer, as there is no GPU. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * Chooses the option labelled `label` in the PrimeVue Select that `select` finds (its combobox, e.g.
 * 'form.inspect [name=attack]'), as a user does: opens the list, clicks the option, waits for the list to close.
 */
export async function chooseOption(page: Page, select: string, label: string): Promise<void> {
  await page.click(select);
  await page.click(`.p-select-overlay [role=option][aria-label=${JSON.stringify(label)}]`);
  await page.waitForSelector('.p-select-overlay', { state: 'detached' });
}
