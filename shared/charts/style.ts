/**
 * Publication styles shared by the screen and the exported figures: CMS, ATLAS or plain. Fonts are
 * Helvetica-like, ticks point inward on all four sides with minor ticks, and colours follow Petroff's
 * colour-blind-safe sequence (arXiv:2107.02270), as mplhep uses.
 */

export type StylePreset = 'cms' | 'atlas' | 'plain';

export const PETROFF10 = ['#3f90da', '#ffa90e', '#bd1f01', '#94a4a2', '#832db6', '#a96b59', '#e76300', '#b9ac70', '#717581', '#92dadd'];

export const FONT = "Helvetica, Arial, 'Liberation Sans', 'Nimbus Sans', sans-serif";

export interface FigureLabel {
  preset: StylePreset;
  /** The bold word of the label, replacing CMS/ATLAS; with preset 'plain' it turns the label on (neutral label). */
  experiment?: string;
  /** "Simulation", "Preliminary", "Private work (CMS simulation)", ... @default 'Simulation' for cms, 'Simulation Internal' for atlas */
  status?: string;
  /** Centre-of-mass energy in TeV for the right label. @default 13 */
  sqrtS?: number;
  /** Free text for the right label (e.g. a luminosity); replaces the sqrt(s) text when given ('' for none). */
  right?: string;
  /** Sample and selection lines printed inside the plot. */
  lines?: string[];
}

export interface FigureSize {
  width: number;
  height: number;
}

/** Figure size in CSS pixels (= PDF points): 6 x 4.5 in at 72 per inch, like a matplotlib default figure. */
export const DEFAULT_SIZE: FigureSize = { width: 600, height: 450 };

/**
 * The plot frame. outerBoundsMode 'none': ECharts 6 would otherwise shrink the frame to fit long axis
 * titles, which publication layouts place deliberately.
 */
export const GRID = { left: 86, right: 24, top: 48, bottom: 64, outerBoundsMode: 'none' };

/** A text element with separate font properties: SVG consumers (resvg, svg-to-pdfkit) read those, not the CSS shorthand. */
export function text(content: string, at: Record<string, number>, font: { fontSize: number; fontWeight?: string; fontStyle?: string }): object {
  return { type: 'text', ...at, style: { text: content, fontFamily: FONT, fill: '#000', fontWeight: 'normal', fontStyle: 'normal', ...font } };
}

/** The experiment label above the frame: bold experiment, italic status, energy on the right. */
export function titleGraphics(label: FigureLabel, size: FigureSize, frameRight = GRID.right): object[] {
  const lines = (label.lines ?? []).map((line, k) => text(line, { left: GRID.left + 12, top: GRID.top + 10 + 17 * k }, { fontSize: 13 }));
  if (label.preset === 'plain' && !label.experiment) return lines;
  const experiment = label.experiment ?? (label.preset === 'cms' ? 'CMS' : 'ATLAS');
  const status = label.status ?? (label.preset === 'cms' ? 'Simulation' : label.preset === 'atlas' ? 'Simulation Internal' : '');
  const right = label.right ?? (label.preset === 'plain' && label.sqrtS === undefined ? '' : `(${label.sqrtS ?? 13} TeV)`);
  const y = GRID.top - 10;
  const left = GRID.left;
  // Where the status starts: measured for CMS and ATLAS, estimated (bold 18 px Helvetica) for other words.
  const statusLeft = experiment === 'CMS' ? 46 : experiment === 'ATLAS' ? 68 : Math.round(experiment.length * 10.5) + 8;
  const items: object[] = [text(experiment, { left, top: y - 16 }, { fontSize: 18, fontWeight: 'bold', fontStyle: label.preset === 'atlas' ? 'italic' : 'normal' })];
  if (status) items.push(text(status, { left: left + statusLeft, top: y - 13 }, { fontSize: 14, fontStyle: 'italic' }));
  if (right) items.push(text(right, { right: frameRight, top: y - 13 }, { fontSize: 14 }));
  return [...items, ...lines];
}

/** What a figure's jets are, for the label rule. */
export interface LabelData {
  /** Generated jets (synthetic:N), or jets from a file. */
  synthetic: boolean;
  /** The experiment the jets come from, when the data say so. @default unknown */
  experiment?: 'cms' | 'atlas';
}

/** What the user asked for (command-line options, form fields); every field optional. */
export interface LabelRequest {
  /** --style as given; undefined when not asked for. */
  style?: StylePreset;
  status?: string;
  sqrtS?: number;
  right?: string;
  lines?: string[];
}

/** The neutral label's bold word. */
export const NEUTRAL_EXPERIMENT = 'Tagscape';

/**
 * The one rule for experiment labels. "CMS" or "ATLAS" appear only when the user asks for them (an
 * explicit style cms/atlas, or a status text, which is a CMS/ATLAS convention) or when the data come from
 * that experiment. Otherwise the label is neutral: "Tagscape" with "synthetic jets" for generated data or
 * "Private work" for a file, and no sqrt(s) unless one is given. Style plain draws no label.
 */
export function figureLabel(req: LabelRequest, data: LabelData): FigureLabel {
  const asked = { status: req.status, sqrtS: req.sqrtS, right: req.right, lines: req.lines };
  const clean = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  if (req.style === 'plain') return clean({ preset: 'plain', lines: req.lines });
  const experiment = req.style ?? data.experiment ?? (req.status !== undefined ? 'cms' : undefined);
  if (experiment) return clean({ preset: experiment, ...asked });
  return clean({ preset: 'plain', experiment: NEUTRAL_EXPERIMENT, ...asked, status: data.synthetic ? 'synthetic jets' : 'Private work' });
}

/** The label of a figure drawn in the window from a data spec as typed ("synthetic:N" or a file): figureLabel's default rule. */
export function dataSpecLabel(spec: string | undefined, lines?: string[]): FigureLabel {
  return figureLabel({ lines }, { synthetic: spec?.startsWith('synthetic:') ?? false });
}

interface AxisOptions {
  name: string;
  type: 'value' | 'log';
  min?: number;
  max?: number;
  gridIndex?: number;
  /** Hide tick labels (shared x of a main panel above a ratio panel). */
  hideLabels?: boolean;
  nameGap?: number;
  /** Counts (e.g. epochs): ticks on whole numbers only. */
  integer?: boolean;
}

/** Tick labels without floating-point noise (0.9 not 0.9000000001; 1000 with a thin separator). */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const clean = Number(v.toPrecision(8));
  return Math.abs(clean) >= 1e4 ? clean.toLocaleString('en-US') : String(clean);
}

function axisStyle(o: AxisOptions, mirrored: boolean): object {
  return {
    type: o.type,
    min: o.min,
    max: o.max,
    gridIndex: o.gridIndex ?? 0,
    ...(o.integer ? { minInterval: 1 } : {}),
    name: mirrored ? '' : o.name,
    nameLocation: 'end',
    nameGap: o.nameGap ?? 30,
    nameTextStyle: { fontFamily: FONT, fontSize: 15, color: '#000' },
    axisLine: { show: true, onZero: false, lineStyle: { color: '#000', width: 1 } },
    axisTick: { show: true, inside: true, length: 7, lineStyle: { color: '#000' } },
    minorTick: { show: !o.integer, splitNumber: o.type === 'log' ? 9 : 5, length: 3.5, lineStyle: { color: '#000' } },
    axisLabel: { show: !mirrored && !o.hideLabels, fontFamily: FONT, fontSize: 13, color: '#000', inside: false, hideOverlap: true, formatter: formatTick },
    splitLine: { show: false },
    logBase: 10,
  };
}

/** An axis plus its mirror on the opposite side (ticks only), so the frame has inward ticks on all four sides. */
export function xAxes(o: AxisOptions): object[] {
  return [{ ...axisStyle(o, false), name: '', position: 'bottom' }, { ...axisStyle(o, true), position: 'top' }];
}

export function yAxes(o: AxisOptions): object[] {
  return [{ ...axisStyle(o, false), name: '', position: 'left' }, { ...axisStyle(o, true), position: 'right' }];
}

export interface PanelRect {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/**
 * Axis titles as in mplhep's CMS/ATLAS styles: x title flush right under the frame, y title rotated and
 * flush with the top. Drawn as graphics because ECharts places axis names only at axis ends.
 */
export function axisTitles(size: FigureSize, panel: PanelRect, x: string | null, y: string | null, yOffset = 62): object[] {
  const out: object[] = [];
  if (x) out.push({ ...(text(x, {}, { fontSize: 15 }) as object), x: size.width - panel.right, y: size.height - panel.bottom + 30, style: { ...(text(x, {}, { fontSize: 15 }) as { style: object }).style, textAlign: 'right', textVerticalAlign: 'top' } });
  if (y) out.push({ type: 'text', x: panel.left - yOffset, y: panel.top, rotation: Math.PI / 2, style: { ...(text(y, {}, { fontSize: 15 }) as { style: object }).style, textAlign: 'right', textVerticalAlign: 'middle' } });
  return out;
}

export function baseOption(): Record<string, unknown> {
  return {
    animation: false,
    backgroundColor: '#fff',
    textStyle: { fontFamily: FONT, color: '#000' },
    color: PETROFF10,
  };
}

export function legend(data: string[], position: { right?: number; top?: number; left?: number; bottom?: number } = {}): object {
  return {
    data,
    orient: 'vertical',
    right: position.right ?? GRID.right + 12,
    top: position.bottom !== undefined ? undefined : (position.top ?? GRID.top + 10),
    left: position.left,
    bottom: position.bottom,
    textStyle: { fontFamily: FONT, fontSize: 13, color: '#000' },
    itemWidth: 26,
    itemHeight: 10,
    backgroundColor: 'rgba(255,255,255,0.8)',
  };
}
