/**
 * The window's size and position, remembered across launches (userData/window-state.json). A saved
 * position is used only while its title bar lands on a display that is still there, so a window closed
 * on an unplugged monitor comes back on a visible one. Electron-free, so it is unit-tested.
 */
import fs from 'node:fs';
import { writeJsonAtomic } from '../engine/store/atomic.ts';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_WINDOW: WindowState = { width: 1400, height: 900, maximized: false };
export const MIN_SIZE = { width: 800, height: 600 };
/** The strip along the window's top that must be on a display (its title bar), in pixels. */
const GRIP = { height: 40, width: 100 };

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

/** The state to open with: the saved one made valid for the displays' work areas, else the default. */
export function restoreWindowState(saved: unknown, workAreas: readonly Rect[]): WindowState {
  const s = (saved ?? {}) as Partial<Record<keyof WindowState, unknown>>;
  if (!finite(s.width) || !finite(s.height)) return { ...DEFAULT_WINDOW };
  const largest = workAreas.reduce((m, a) => ({ width: Math.max(m.width, a.width), height: Math.max(m.height, a.height) }), { width: MIN_SIZE.width, height: MIN_SIZE.height });
  const width = Math.round(Math.min(largest.width, Math.max(MIN_SIZE.width, s.width)));
  const height = Math.round(Math.min(largest.height, Math.max(MIN_SIZE.height, s.height)));
  const state: WindowState = { width, height, maximized: s.maximized === true };
  if (finite(s.x) && finite(s.y)) {
    const grip = { x: s.x, y: s.y, width, height: GRIP.height };
    const visible = workAreas.some((a) => {
      const o = overlap(grip, a);
      return o.width >= GRIP.width && o.height >= GRIP.height / 2;
    });
    if (visible) Object.assign(state, { x: Math.round(s.x), y: Math.round(s.y) });
  }
  return state;
}

export function readWindowState(file: string, workAreas: readonly Rect[]): WindowState {
  try {
    return restoreWindowState(JSON.parse(fs.readFileSync(file, 'utf8')), workAreas);
  } catch {
    return { ...DEFAULT_WINDOW };
  }
}

/** The window's normal (unmaximised) bounds and whether it was maximised. */
export function writeWindowState(file: string, bounds: Rect, maximized: boolean): void {
  writeJsonAtomic(file, { ...bounds, maximized });
}
