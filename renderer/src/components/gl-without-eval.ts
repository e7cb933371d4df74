/**
 * echarts-gl describes its post-processing graph (claygl's compositor) as JSON whose sizes are strings
 * such as 'expr(width * dpr / 4)', which claygl turns into code with `new Function`. The window's content
 * security policy forbids that (no 'unsafe-eval'), so before the first 3D chart the strings are replaced
 * by plain functions, computed by a parser of the only forms they take: width, height, dpr and numbers
 * joined by * and /, alone or as an [x, y] pair. claygl calls such functions as it would call its own.
 */

type SizeExpression = (width: number, height: number, dpr: number) => number | number[];
interface GlRenderer { getWidth(): number; getHeight(): number; getDevicePixelRatio(): number }
type Parameters = Record<string, unknown>;

const EXPR = /^expr\((.*)\)$/s;

/** A product/quotient of width, height, dpr and numbers, or a bracketed list of them. */
export function parseSizeExpression(text: string): SizeExpression {
  const t = text.trim();
  if (t.startsWith('[') && t.endsWith(']')) {
    const parts = t.slice(1, -1).split(',').map(parseSizeExpression);
    return (w, h, d) => parts.map((p) => p(w, h, d) as number);
  }
  const tokens = t.split(/\s*([*/])\s*/);
  const operand = (tok: string): SizeExpression => {
    if (tok === 'width') return (w) => w;
    if (tok === 'height') return (_, h) => h;
    if (tok === 'dpr') return (_, __, d) => d;
    if (/^\d+(\.\d+)?$/.test(tok)) return () => Number(tok);
    throw new Error(`Unexpected "${tok}" in the echarts-gl size expression "${text}".`);
  };
  let value = operand(tokens[0]);
  for (let k = 1; k < tokens.length; k += 2) {
    const [left, right, op] = [value, operand(tokens[k + 1] ?? ''), tokens[k]];
    value = op === '*' ? (w, h, d) => (left(w, h, d) as number) * (right(w, h, d) as number) : (w, h, d) => (left(w, h, d) as number) / (right(w, h, d) as number);
  }
  return value;
}

/** Texture sizes: claygl calls width/height(renderer) and, for strings, scales the renderer's size by `scale`. */
function textureSizes(params: Parameters): void {
  const scale = typeof params.scale === 'number' ? params.scale : 1;
  for (const key of ['width', 'height']) {
    const m = typeof params[key] === 'string' ? EXPR.exec((params[key] as string).trim()) : null;
    if (!m) continue;
    const f = parseSizeExpression(m[1]);
    params[key] = (r: GlRenderer) => f(r.getWidth() * scale, r.getHeight() * scale, r.getDevicePixelRatio());
  }
}

/** Node parameters: claygl runs a function before each render with the node as `this`, which sets the value. */
function nodeParameters(params: Parameters): void {
  for (const [key, v] of Object.entries(params)) {
    const m = typeof v === 'string' ? EXPR.exec(v.trim()) : null;
    if (!m) continue;
    const f = parseSizeExpression(m[1]);
    params[key] = function (this: { setParameter(name: string, value: unknown): void }, r: GlRenderer) {
      this.setParameter(key, f(r.getWidth(), r.getHeight(), r.getDevicePixelRatio()));
    };
  }
}

/** Replaces every expression string of a compositor graph (in place) by its function. */
export function replaceExpressions(graph: { nodes?: Array<{ parameters?: Parameters; outputs?: Record<string, { parameters?: Parameters }> }>; parameters?: Record<string, Parameters> }): void {
  Object.values(graph.parameters ?? {}).forEach(textureSizes);
  for (const node of graph.nodes ?? []) {
    if (node.parameters) nodeParameters(node.parameters);
    for (const out of Object.values(node.outputs ?? {})) if (out.parameters) textureSizes(out.parameters);
  }
  // An expression somewhere else would still reach new Function: say so now rather than fail inside WebGL.
  if (JSON.stringify(graph).includes('expr(')) throw new Error('echarts-gl holds a size expression this window cannot evaluate.');
}
