/**
 * The 3D loss surface for print: the grid projected with a fixed camera and drawn as vector polylines
 * (rows and columns of the mesh), shaded by height, in a box with three labelled axes (ticks on the two
 * front base edges for x and y, a vertical z axis at the left corner) and a colour bar for the shading.
 * On screen the same data go to echarts-gl.
 */
import { extent, niceTicks } from './ranges.ts';
import { DEFAULT_SIZE, FONT, baseOption, formatTick, titleGraphics, type FigureLabel, type FigureSize } from './style.ts';

export interface WireframeInput {
  x: { title: string; values: number[] };
  y: { title: string; values: number[] };
  z: number[][];
  zTitle: string;
  label: FigureLabel;
  size?: FigureSize;
  /** Camera azimuth and elevation in degrees. @default 35, 30 */
  azimuth?: number;
  elevation?: number;
}

/** Half-height of the box in projected units: the surface spans Z in [-ZH, ZH]. */
const ZH = 0.4;
/** Plot area (data coordinates of the 2D canvas the projection draws on) and its frame in pixels. */
const VIEW = { x: [-0.95, 0.95], y: [-0.8, 0.75] } as const;
const FRAME = { left: 40, right: 110, top: 70, bottom: 36 };
const COLOUR_BAR = { width: 12, right: 48 };

/** Shading from blue (low) to red (high), t in [0, 1]. */
function shade(t: number): string {
  const c = Math.min(1, Math.max(0, t));
  return `rgb(${Math.round(40 + 200 * c)},80,${Math.round(200 - 160 * c)})`;
}

export function wireframeChart(input: WireframeInput): Record<string, unknown> {
  const size = input.size ?? DEFAULT_SIZE;
  const az = ((input.azimuth ?? 35) * Math.PI) / 180;
  const el = ((input.elevation ?? 30) * Math.PI) / 180;
  const xv = input.x.values;
  const yv = input.y.values;
  // Not Math.min(...flat): a 501 x 501 surface has more values than the call stack takes.
  const [zlo, zmax] = extent(input.z.flat());
  const zhi = zmax === zlo ? zlo + 1 : zmax;
  const [x0, x1] = [xv[0], xv[xv.length - 1]];
  const [y0, y1] = [yv[0], yv[yv.length - 1]];
  const norm = (v: number, lo: number, hi: number) => (hi === lo ? 0 : (v - lo) / (hi - lo) - 0.5);
  // Box coordinates X, Y in [-0.5, 0.5], Z in [-ZH, ZH] to the 2D canvas.
  const toScreen = (X: number, Y: number, Z: number): [number, number] => {
    const u = X * Math.cos(az) - Y * Math.sin(az);
    const w = X * Math.sin(az) + Y * Math.cos(az);
    return [u, Z * Math.cos(el) + w * Math.sin(el)];
  };
  const project = (i: number, j: number, zz: number) => toScreen(norm(xv[i], x0, x1), norm(yv[j], y0, y1), norm(zz, zlo, zhi) * 2 * ZH);
  const stride = Math.max(1, Math.round(Math.max(xv.length, yv.length) / 40));
  const lines: Array<{ coords: Array<[number, number]>; lineStyle: object }> = [];
  const shadeZ = (zz: number) => shade(norm(zz, zlo, zhi) + 0.5);
  for (let i = 0; i < xv.length; i += stride) {
    lines.push({ coords: yv.map((_, j) => project(i, j, input.z[i][j])), lineStyle: { color: shadeZ(input.z[i][Math.floor(yv.length / 2)]), width: 0.8 } });
  }
  for (let j = 0; j < yv.length; j += stride) {
    lines.push({ coords: xv.map((_, i) => project(i, j, input.z[i][j])), lineStyle: { color: shadeZ(input.z[Math.floor(xv.length / 2)][j]), width: 0.8 } });
  }

  // The box: the base rectangle at the lowest height and the vertical z axis at the left corner.
  const base = (X: number, Y: number) => toScreen(X, Y, -ZH);
  const axisLines: Array<{ coords: Array<[number, number]>; lineStyle: object }> = [];
  const edge = (a: [number, number], b: [number, number]) => axisLines.push({ coords: [a, b], lineStyle: { color: '#000', width: 1, opacity: 1 } });
  edge(base(-0.5, -0.5), base(0.5, -0.5));
  edge(base(-0.5, -0.5), base(-0.5, 0.5));
  edge(base(0.5, -0.5), base(0.5, 0.5));
  edge(base(-0.5, 0.5), base(0.5, 0.5));
  edge(toScreen(-0.5, 0.5, -ZH), toScreen(-0.5, 0.5, ZH));

  const labels: Array<{ name: string; value: [number, number]; label: object }> = [];
  const text = (name: string, at: [number, number], align: 'left' | 'right' | 'center', extra: object = {}) =>
    labels.push({ name, value: at, label: { show: true, formatter: '{b}', position: 'inside', align, verticalAlign: 'middle', fontFamily: FONT, fontSize: 12, color: '#000', ...extra } });
  const centre = base(0, 0);
  /** Ticks and labels along a base edge: outward from the base's centre. */
  const baseAxis = (lo: number, hi: number, at: (t: number) => [number, number], title: string) => {
    const mid = at(0);
    const d = [mid[0] - centre[0], mid[1] - centre[1]];
    const len = Math.hypot(d[0], d[1]);
    const [dx, dy] = [d[0] / len, d[1] / len];
    const align = dx < -0.2 ? 'right' : dx > 0.2 ? 'left' : 'center';
    for (const v of niceTicks(Math.min(lo, hi), Math.max(lo, hi), 4)) {
      const p = at(norm(v, lo, hi));
      edge(p, [p[0] + 0.025 * dx, p[1] + 0.025 * dy]);
      text(formatTick(v), [p[0] + 0.06 * dx, p[1] + 0.06 * dy], align);
    }
    text(title, [mid[0] + 0.17 * dx, mid[1] + 0.17 * dy], align, { fontSize: 13 });
  };
  baseAxis(x0, x1, (t) => base(t, -0.5), input.x.title);
  baseAxis(y0, y1, (t) => base(-0.5, t), input.y.title);
  const zTicks = niceTicks(zlo, zhi, 4);
  for (const v of zTicks) {
    const p = toScreen(-0.5, 0.5, norm(v, zlo, zhi) * 2 * ZH);
    edge(p, [p[0] - 0.025, p[1]]);
    text(formatTick(v), [p[0] - 0.04, p[1]], 'right');
  }
  const zTop = toScreen(-0.5, 0.5, ZH);
  text(input.zTitle, [zTop[0], zTop[1] + 0.06], 'center', { fontSize: 13 });

  // Colour bar: the shading against height, with the z ticks.
  const barTop = FRAME.top + 20;
  const barBottom = size.height - FRAME.bottom - 40;
  const barX = size.width - COLOUR_BAR.right - COLOUR_BAR.width;
  const bar: object[] = [
    {
      type: 'rect', shape: { x: barX, y: barTop, width: COLOUR_BAR.width, height: barBottom - barTop },
      style: { fill: { type: 'linear', x: 0, y: 1, x2: 0, y2: 0, colorStops: [0, 0.25, 0.5, 0.75, 1].map((t) => ({ offset: t, color: shade(t) })) }, stroke: '#000', lineWidth: 0.8 },
    },
    ...zTicks.flatMap((v) => {
      const y = barBottom - (norm(v, zlo, zhi) + 0.5) * (barBottom - barTop);
      return [
        { type: 'line', shape: { x1: barX + COLOUR_BAR.width - 4, y1: y, x2: barX + COLOUR_BAR.width, y2: y }, style: { stroke: '#000', lineWidth: 0.8 } },
        { type: 'text', x: barX + COLOUR_BAR.width + 4, y, style: { text: formatTick(v), fontFamily: FONT, fontSize: 11, fill: '#000', textVerticalAlign: 'middle' } },
      ];
    }),
    { type: 'text', x: barX + COLOUR_BAR.width / 2, y: barTop - 8, style: { text: input.zTitle, fontFamily: FONT, fontSize: 12, fill: '#000', textAlign: 'center', textVerticalAlign: 'bottom' } },
  ];

  return {
    ...baseOption(),
    grid: [{ ...FRAME, outerBoundsMode: 'none' }],
    xAxis: { type: 'value', min: VIEW.x[0], max: VIEW.x[1], show: false },
    yAxis: { type: 'value', min: VIEW.y[0], max: VIEW.y[1], show: false },
    graphic: [...titleGraphics(input.label, size), ...bar],
    series: [
      { type: 'lines', coordinateSystem: 'cartesian2d', polyline: true, silent: true, data: lines, z: 2 },
      { type: 'lines', coordinateSystem: 'cartesian2d', polyline: true, silent: true, data: axisLines, z: 1 },
      { type: 'scatter', coordinateSystem: 'cartesian2d', symbolSize: 0, silent: true, itemStyle: { opacity: 1 }, data: labels, z: 4 },
    ],
  };
}
