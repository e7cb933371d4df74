/**
 * One chart code, three outputs: an ECharts option (the same one the window shows) rendered on the
 * server to SVG, the SVG drawn into a vector PDF (pdfkit + svg-to-pdfkit, standard Helvetica), and the
 * SVG rasterised to PNG at a chosen dpi (resvg). Sizes are in points: 1 CSS px of the SVG = 1 pt.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';

export type FigureFormat = 'svg' | 'pdf' | 'png';

export function renderSvg(option: Record<string, unknown>, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/**
 * A Helvetica-metric TrueType family to embed (Greek letters need it: the standard PDF Helvetica has
 * no Greek). Liberation Sans first (Debian fonts-liberation), then DejaVu Sans; without either, the
 * standard Helvetica is used and needs no embedding.
 */
const SANS_CANDIDATES = [
  { dir: '/usr/share/fonts/truetype/liberation', files: ['LiberationSans-Regular.ttf', 'LiberationSans-Bold.ttf', 'LiberationSans-Italic.ttf', 'LiberationSans-BoldItalic.ttf'] },
  { dir: '/usr/share/fonts/truetype/liberation2', files: ['LiberationSans-Regular.ttf', 'LiberationSans-Bold.ttf', 'LiberationSans-Italic.ttf', 'LiberationSans-BoldItalic.ttf'] },
  { dir: '/usr/share/fonts/truetype/dejavu', files: ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSans-Oblique.ttf', 'DejaVuSans-BoldOblique.ttf'] },
];

function embeddableSans(): string[] | null {
  for (const c of SANS_CANDIDATES) {
    const paths = c.files.map((f) => path.join(c.dir, f));
    if (paths.every((p) => fs.existsSync(p))) return paths;
  }
  return null;
}

function fontChooser(doc: PDFKit.PDFDocument): (family: string, bold: boolean, italic: boolean) => string {
  const ttf = embeddableSans();
  if (ttf) ['Sans', 'Sans-Bold', 'Sans-Italic', 'Sans-BoldItalic'].forEach((name, i) => doc.registerFont(name, ttf[i]));
  return (_family, bold, italic) => {
    if (ttf) return bold && italic ? 'Sans-BoldItalic' : bold ? 'Sans-Bold' : italic ? 'Sans-Italic' : 'Sans';
    return bold && italic ? 'Helvetica-BoldOblique' : bold ? 'Helvetica-Bold' : italic ? 'Helvetica-Oblique' : 'Helvetica';
  };
}

export async function svgToPdf(svg: string, width: number, height: number, meta: { title?: string } = {}): Promise<Buffer> {
  return svgPagesToPdf([{ svg, width, height }], meta);
}

/** Several figures as the pages of one PDF, each page the size of its figure. */
export async function svgPagesToPdf(pages: Array<{ svg: string; width: number; height: number }>, meta: { title?: string } = {}): Promise<Buffer> {
  if (pages.length === 0) throw new Error('A PDF needs at least one figure.');
  const doc = new PDFDocument({ size: [pages[0].width, pages[0].height], margin: 0, info: { Title: meta.title ?? 'Tagscape figure', Creator: 'Tagscape' }, autoFirstPage: true });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });
  const fontCallback = fontChooser(doc);
  pages.forEach((p, k) => {
    if (k > 0) doc.addPage({ size: [p.width, p.height], margin: 0 });
    // Figures embed their images; a link to a file is never followed.
    SVGtoPDF(doc, p.svg, 0, 0, { width: p.width, height: p.height, assumePt: true, fontCallback, imageCallback: (link: string) => (/^data:image\/(png|jpeg);base64,/.test(link) ? link : '') });
  });
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

export function svgToPng(svg: string, dpi = 300): Buffer {
  const r = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: dpi / 72 },
    background: '#ffffff',
    font: { loadSystemFonts: true, defaultFontFamily: 'Liberation Sans', sansSerifFamily: 'Liberation Sans' },
  });
  return r.render().asPng();
}

export async function renderFigure(
  option: Record<string, unknown>,
  format: FigureFormat,
  options: { width: number; height: number; dpi?: number; title?: string; /** Refuses an SVG before it is written or rendered (throws). */ checkSvg?: (svg: string) => string },
): Promise<Buffer> {
  const rendered = renderSvg(option, options.width, options.height);
  const svg = options.checkSvg ? options.checkSvg(rendered) : rendered;
  if (format === 'svg') return Buffer.from(svg);
  if (format === 'pdf') return svgToPdf(svg, options.width, options.height, { title: options.title });
  return svgToPng(svg, options.dpi ?? 300);
}
