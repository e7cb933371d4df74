/**
 * Looking at what the browser tests produced: how many colours a screenshot holds (is a WebGL canvas
 * painted?) and what the first page of a PDF looks like, rendered by poppler (is it blank?).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { tmpDir } from '../helpers.ts';

export const PDFTOPPM = '/usr/bin/pdftoppm';

/**
 * How many different colours a screenshot holds, counted by the browser from the PNG itself. The
 * function is passed as text: it runs in the page, whose DOM types this Node-side file does not load.
 */
export async function colours(page: Page, png: Buffer): Promise<number> {
  return page.evaluate(`(async () => {
    const img = new Image();
    img.src = 'data:image/png;base64,${png.toString('base64')}';
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const px = ctx.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < px.length; i += 4) seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
    return seen.size;
  })()`);
}

export interface PdfPageOptions {
  /** Resolution of the rendering. @default 30 */
  dpi?: number;
  /** Also write the page as a PNG here (e.g. a test artifact). */
  png?: string;
}

/** The first page of a PDF in grey levels (0 black .. 255 white), one byte per pixel, rendered by pdftoppm. */
export function pdfFirstPage(pdf: Buffer, options: PdfPageOptions = {}): Uint8Array {
  const dpi = String(options.dpi ?? 30);
  const dir = tmpDir();
  const file = path.join(dir, 'f.pdf');
  fs.writeFileSync(file, pdf);
  const pageArgs = ['-r', dpi, '-f', '1', '-l', '1', '-singlefile', file];
  execFileSync(PDFTOPPM, ['-gray', ...pageArgs, path.join(dir, 'p')]);
  if (options.png) execFileSync(PDFTOPPM, ['-png', ...pageArgs, options.png.replace(/\.png$/, '')]);
  const pgm = fs.readFileSync(path.join(dir, 'p.pgm'));
  const header = /^P5\s+\d+\s+\d+\s+\d+\s/.exec(pgm.subarray(0, 64).toString('latin1'))!;
  return pgm.subarray(header[0].length);
}

export function meanGrey(pixels: Uint8Array): number {
  return pixels.reduce((a, b) => a + b, 0) / pixels.length;
}
