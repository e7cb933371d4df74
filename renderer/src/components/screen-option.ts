/**
 * The screen copy of a chart in dark mode. The shared builders draw publication figures (black on
 * white), which is also what every export uses; on a dark page the same option is shown with its dark
 * greys (text, axes, ticks, black lines) turned light and its white backgrounds made dark. Data colours
 * and white drawn on data (contour lines) stay as they are.
 */

const DARK_PANEL = [30, 33, 40];

/** A dark grey (#rgb/#rrggbb with r = g = b below the middle, or 'black') as a light grey; anything else unchanged. */
function lightenGrey(c: string): string {
  if (c === 'black') return lightenGrey('#000');
  const m = /^#(?:([0-9a-f])\1\1|([0-9a-f]{2})\2\2)$/i.exec(c);
  if (!m) return c;
  const v = parseInt(m[1] ? m[1] + m[1] : m[2], 16);
  if (v >= 0x80) return c;
  const w = Math.round(230 - 0.4 * v).toString(16).padStart(2, '0');
  return `#${w}${w}${w}`;
}

function darkBackground(c: string): string {
  if (/^(#fff|#ffffff|white)$/i.test(c)) return 'transparent';
  const m = /^rgba\(\s*255\s*,\s*255\s*,\s*255\s*,\s*([0-9.]+)\s*\)$/.exec(c);
  return m ? `rgba(${DARK_PANEL.join(',')},${m[1]})` : c;
}

export function darkScreenOption(option: Record<string, unknown>): Record<string, unknown> {
  const walk = (v: unknown, key: string): unknown => {
    if (typeof v === 'string') return key === 'backgroundColor' ? darkBackground(v) : lightenGrey(v);
    if (Array.isArray(v)) return v.map((x) => walk(x, key));
    if (v && typeof v === 'object' && !ArrayBuffer.isView(v)) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x, k);
      return out;
    }
    return v;
  };
  return { ...(walk(option, '') as Record<string, unknown>), darkMode: true };
}
