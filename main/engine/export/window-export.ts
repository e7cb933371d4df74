/**
 * Figures exported from the window: the chart's option as the window built it with the shared
 * builders (in wire form, see shared/charts/wire.ts), rendered by the same code as `tagscape export`
 * (render.ts). The option comes from outside, so it is checked first: only registered chart functions,
 * no 3D series (the print version of a 3D view is the wireframe figure), and no image URLs that would
 * make the renderer read files. ECharts writes option strings into SVG attributes without escaping them,
 * so a crafted colour can still smuggle markup in: the rendered SVG is checked too, before the PDF or
 * PNG renderer (which would follow links to local files) sees it.
 */
import { DEFAULT_SIZE } from '../../../shared/charts/style.ts';
import { fromWire } from '../../../shared/charts/wire.ts';
import { renderFigure, renderSvg, svgPagesToPdf, type FigureFormat } from './render.ts';

export interface ChartPage {
  /** The option in wire form. */
  option: unknown;
  /** Figure size in points. @default 600 x 450 (DEFAULT_SIZE) */
  width?: number;
  height?: number;
  /** PDF title and file name. @default 'Tagscape figure' */
  title?: string;
}

export interface ExportedFile {
  filename: string;
  mime: string;
  bytes: Buffer;
}

const MIME: Record<FigureFormat, string> = { pdf: 'application/pdf', svg: 'image/svg+xml', png: 'image/png' };

/** Series and components that only echarts-gl draws; the server-side SVG renderer has none of them. */
const GL_SERIES = new Set(['surface', 'bar3D', 'line3D', 'lines3D', 'scatter3D', 'scatterGL', 'linesGL', 'graphGL', 'flowGL', 'map3D', 'polygons3D']);
const GL_COMPONENTS = ['grid3D', 'globe', 'geo3D', 'mapbox3D', 'xAxis3D', 'yAxis3D', 'zAxis3D'];

function checkOption(option: Record<string, unknown>): void {
  const series = Array.isArray(option.series) ? option.series : option.series ? [option.series] : [];
  const gl = GL_COMPONENTS.some((k) => k in option) || series.some((s) => GL_SERIES.has(String((s as { type?: unknown })?.type)));
  if (gl) throw new Error('A 3D view cannot be printed as drawn on screen; export the 2D map instead, or the 3D wireframe with `tagscape export --plot landscape3d`.');
  const walk = (v: unknown, key: string): void => {
    if (typeof v === 'string') {
      const image = key === 'image' || v.startsWith('image://');
      if (image && !/^(image:\/\/)?data:image\/(png|jpeg);base64,[A-Za-z0-9+/=]*$/.test(v)) throw new Error('A chart to export may hold embedded images only (data: URLs), not links to files.');
      // ECharts escapes text it draws but writes other strings (colours, fonts, ...) into SVG attributes as
      // they are: there a quote, angle bracket, entity or escape could end the attribute and add markup.
      if (!image && !TEXT_KEYS.has(key) && /["<>&\\]/.test(v)) throw new Error(REFUSED);
    } else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(option, '');
}

/** Keys whose strings ECharts draws as text (escaped): labels, names, titles, category values, templates. */
const TEXT_KEYS = new Set(['text', 'subtext', 'name', 'formatter', 'data', 'title']);

/** The elements ECharts' SVG renderer draws charts with; anything else came from the option's strings. */
const SVG_ELEMENTS = new Set(['svg', 'g', 'defs', 'clipPath', 'linearGradient', 'radialGradient', 'stop', 'pattern', 'style', 'rect', 'circle', 'ellipse', 'line', 'path', 'polygon', 'polyline', 'text', 'tspan', 'title', 'image']);
const REFUSED = 'This chart cannot be exported: its option holds markup or links (for example a quote inside a colour); rebuild it from the page and try again.';

/**
 * The second line of defence, on the SVG itself: only drawing elements (no prefixed or foreign names), no
 * event handlers, images only as embedded PNG/JPEG data (resvg reads any other href, even "#x", as a file),
 * url() only to the document's own gradients and clips, no entities or escapes inside tags.
 */
export function checkRenderedSvg(svg: string): string {
  if (/<!(DOCTYPE|ENTITY)/i.test(svg)) throw new Error(REFUSED);
  for (const [, tag] of svg.matchAll(/<\/?([^\s/>!?]+)/g)) if (!SVG_ELEMENTS.has(tag)) throw new Error(REFUSED);
  for (const [tag] of svg.matchAll(/<[^>]*>/g)) {
    if (/\son[a-z]+\s*=|&#|\\/i.test(tag)) throw new Error(REFUSED);
  }
  for (const [, value] of svg.matchAll(/\bhref\s*=\s*["']?([^"'\s>]*)/gi)) {
    if (!/^data:image\/(png|jpeg);base64,[A-Za-z0-9+/=]*$/.test(value)) throw new Error(REFUSED);
  }
  for (const [, target] of svg.matchAll(/url\(\s*['"]?([^)'"]*)/gi)) if (!target.startsWith('#')) throw new Error(REFUSED);
  if (/@import|javascript:/i.test(svg)) throw new Error(REFUSED);
  return svg;
}

function prepare(page: ChartPage): { option: Record<string, unknown>; width: number; height: number } {
  const option = fromWire(page.option);
  checkOption(option);
  return { option, width: page.width ?? DEFAULT_SIZE.width, height: page.height ?? DEFAULT_SIZE.height };
}

export function exportFilename(title: string | undefined, format: FigureFormat): string {
  const slug = (title ?? '').toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80);
  return `${slug || 'tagscape-figure'}.${format}`;
}

/** One chart as a PDF, SVG or PNG (at `dpi`, default 300), exactly as `tagscape export` writes it. */
export async function exportChart(page: ChartPage & { format: FigureFormat; dpi?: number }): Promise<ExportedFile> {
  const { option, width, height } = prepare(page);
  const bytes = await renderFigure(option, page.format, { width, height, dpi: page.dpi, title: page.title ?? 'Tagscape figure', checkSvg: checkRenderedSvg });
  return { filename: exportFilename(page.title, page.format), mime: MIME[page.format], bytes };
}

/** Several charts as the pages of one vector PDF. */
export async function exportChartsPdf(pages: ChartPage[], title?: string): Promise<ExportedFile> {
  const svgs = pages.map((p) => {
    const { option, width, height } = prepare(p);
    return { svg: checkRenderedSvg(renderSvg(option, width, height)), width, height };
  });
  const bytes = await svgPagesToPdf(svgs, { title: title ?? 'Tagscape figures' });
  return { filename: exportFilename(title ?? 'tagscape-figures', 'pdf'), mime: MIME.pdf, bytes };
}
