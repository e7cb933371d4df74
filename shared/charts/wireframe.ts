/**
 * The 3D loss surface for print: the grid projected with a fixed camera and drawn as vector polylines
 * (rows and columns of the mesh), shaded by height. On screen the same data go to echarts-gl.
 */
import { DEFAULT_SIZE, FONT, baseOption, titleGraphics, type FigureLabel, type FigureSize } from './style.ts';

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

export function wireframeChart(input: WireframeInput): Record<string, unknown> {
  const size = input.size ?? DEFAULT_SIZE;
  const az = ((input.azimuth ?? 35) * Math.PI) / 180;
  const el = ((input.elevation ?? 30) * Math.PI) / 180;
  const xv = input.x.values;
  const yv = input.y.values;
  const flat = input.z.flat();
  const zlo = Math.min(...flat);
  const zhi = Math.max(...flat) === zlo ? zlo + 1 : Math.max(...flat);
  const norm = (v: number, lo: number, hi: number) => (hi === lo ? 0 : (v - lo) / (hi - lo) - 0.5);
  const project = (i: number, j: number, zz: number): [number, number] => {
    const X = norm(xv[i], xv[0], xv[xv.length - 1]);
    const Y = norm(yv[j], yv[0], yv[yv.length - 1]);
    const Z = norm(zz, zlo, zhi) * 0.8;
    const u = X * Math.cos(az) - Y * Math.sin(az);
    const w = X * Math.sin(az) + Y * Math.cos(az);
    return [u, Z * Math.cos(el) + w * Math.sin(el)];
  };
  const stride = Math.max(1, Math.round(Math.max(xv.length, yv.length) / 40));
  const lines: Array<{ coords: Array<[number, number]>; lineStyle: object }> = [];
  const shade = (zz: number) => {
    const t = norm(zz, zlo, zhi) + 0.5;
    const r = Math.round(40 + 200 * t);
    const b = Math.round(200 - 160 * t);
    return `rgb(${r},80,${b})`;
  };
  for (let i = 0; i < xv.length; i += stride) {
    lines.push({ coords: yv.map((_, j) => project(i, j, input.z[i][j])), lineStyle: { color: shade(input.z[i][Math.floor(yv.length / 2)]), width: 0.8 } });
  }
  for (let j = 0; j < yv.length; j += stride) {
    lines.push({ coords: xv.map((_, i) => project(i, j, input.z[i][j])), lineStyle: { color: shade(input.z[Math.floor(xv.length / 2)][j]), width: 0.8 } });
  }
  return {
    ...baseOption(),
    grid: [{ left: 40, right: 40, top: 60, bottom: 40, outerBoundsMode: 'none' }],
    xAxis: { type: 'value', min: -0.9, max: 0.9, show: false },
    yAxis: { type: 'value', min: -0.8, max: 0.8, show: false },
    graphic: [
      ...titleGraphics(input.label, size),
      { type: 'text', left: 40, bottom: 16, style: { text: `x: ${input.x.title}   y: ${input.y.title}   height: ${input.zTitle} (${zlo.toPrecision(4)} to ${zhi.toPrecision(4)})`, fontFamily: FONT, fontSize: 12, fill: '#000' } },
    ],
    series: [{ type: 'lines', coordinateSystem: 'cartesian2d', polyline: true, silent: true, data: lines }],
  };
}
