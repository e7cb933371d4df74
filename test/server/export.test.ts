import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { heatmapChart } from '../../shared/charts/heatmap.ts';
import { lineChart } from '../../shared/charts/lines.ts';
import { rocChart } from '../../shared/charts/roc.ts';
import { formatTick } from '../../shared/charts/style.ts';
import { fromWire, toWire } from '../../shared/charts/wire.ts';
import { renderSvg } from '../../main/engine/export/render.ts';
import { serve, type Server } from '../../main/server/serve.ts';
import { backend, tmpDir } from '../helpers.ts';

const PDFTOPPM = '/usr/bin/pdftoppm';

/** A ROC option as the Evaluate page builds it: two runs, ratio panel, CMS label. */
function rocOption(): Record<string, unknown> {
  const eff = Array.from({ length: 200 }, (_, i) => i / 199);
  return rocChart({
    discriminant: 'BvL', signal: ['b', 'bb'], background: ['udsg'], label: { preset: 'cms', lines: ['synthetic jets'] }, ratioTo: 0,
    curves: [
      { label: 'nominal', eff, mistag: eff.map((e) => Math.max(1e-4, e ** 6)) },
      { label: 'adversarial', eff, mistag: eff.map((e) => Math.max(1e-4, e ** 5)), dashed: true },
    ],
  });
}

/** A loss map as the Landscape page builds it (the cells are drawn by a declared renderItem function). */
function heatmapOption(n: number): Record<string, unknown> {
  const v = Array.from({ length: n }, (_, i) => (i - (n - 1) / 2) / (n - 1));
  const z = v.map((x) => v.map((y) => Math.log(1 + 4 * x * x + 2 * y * y)));
  return heatmapChart({ x: { title: 'fgsm direction', values: v }, y: { title: 'random direction', values: v }, z, zTitle: 'loss', label: { preset: 'plain' } });
}

/** Fraction of non-white pixels in a binary PGM (P5, 8 bit) image. */
function inkFraction(pgm: Buffer): { width: number; height: number; ink: number } {
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 64).toString('latin1'));
  assert.ok(header, 'pdftoppm wrote a PGM image');
  const [, w, h] = header.map(Number);
  const pixels = pgm.subarray(header[0].length);
  assert.equal(pixels.length, w * h);
  let ink = 0;
  for (const p of pixels) if (p < 200) ink++;
  return { width: w, height: h, ink: ink / pixels.length };
}

describe('chart options on the wire', () => {
  it('carries the declared functions as names and rebuilds them', () => {
    const live = heatmapOption(5);
    const wire = toWire(live);
    const text = JSON.stringify(wire);
    assert.match(text, /"formatter":\{"\$fn":"formatTick"\}/);
    assert.match(text, /"renderItem":\{"\$fn":"heatmapCell","args":\{"dx":0\.125,"dy":0\.125\}\}/);
    const back = fromWire(JSON.parse(text));
    const axis = (back.xAxis as Array<{ axisLabel: { formatter: unknown } }>)[0];
    assert.equal(axis.axisLabel.formatter, formatTick);
    // The revived option draws exactly what the live one draws (up to zrender's per-instance class names).
    const norm = (s: string) => s.replace(/zr\d+-/g, 'zr-').replace(/zr-cls-\d+/g, 'zr-cls');
    const [a, b] = [norm(renderSvg(back, 600, 450)), norm(renderSvg(live, 600, 450))];
    assert.ok((a.match(/<path /g) ?? []).length > 25, 'the cells are drawn');
    assert.ok(a === b, 'the same SVG from the live and the revived option');
  });

  it('refuses undeclared functions, unknown names and absurd nesting, and drops tooltip callbacks', () => {
    assert.throws(() => toWire({ series: [{ type: 'line', label: { formatter: () => 'x' } }] }), /undeclared function at series\.0\.label\.formatter/);
    assert.deepEqual(toWire({ tooltip: { formatter: () => 'x' }, a: [NaN, 1] }), { tooltip: {}, a: [null, 1] });
    assert.throws(() => fromWire({ xAxis: { axisLabel: { formatter: { $fn: 'eval' } } } }), /Unknown chart function "eval"/);
    assert.throws(() => fromWire({ series: [{ renderItem: { $fn: 'heatmapCell', args: { dx: 'x', dy: 1 } } }] }), /finite number/);
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    assert.throws(() => fromWire({ deep }), /nested too deeply/);
    assert.throws(() => fromWire([1, 2]), /must be an object/);
    const polluted = fromWire(JSON.parse('{"__proto__": {"polluted": true}, "a": 1}'));
    assert.equal((polluted as { polluted?: boolean }).polluted, undefined);
    assert.equal(({} as { polluted?: boolean }).polluted, undefined);
  });
});

describe('exportChart and exportCharts over the loopback API', () => {
  let server: Server;
  let base: string;
  before(async () => {
    await backend();
    server = await serve({ workspace: tmpDir(), port: 0, staticDir: tmpDir() });
    base = `http://127.0.0.1:${server.port}`;
  });
  after(() => server.close());

  const call = async (op: string, payload: unknown) => {
    const res = await fetch(`${base}/api/${op}`, { method: 'POST', body: JSON.stringify(payload), headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' } });
    return { status: res.status, body: (await res.json()) as { ok: boolean; error?: string; result?: { filename: string; mime: string; base64: string } } };
  };
  const exported = async (op: string, payload: unknown) => {
    const r = await call(op, payload);
    assert.equal(r.status, 200, r.body.error);
    return { ...r.body.result!, bytes: Buffer.from(r.body.result!.base64, 'base64') };
  };

  it('writes a vector PDF that renders to a drawn page', async () => {
    const f = await exported('exportChart', { option: toWire(rocOption()), format: 'pdf', title: 'ROC BvL' });
    assert.equal(f.mime, 'application/pdf');
    assert.equal(f.filename, 'roc-bvl.pdf');
    assert.equal(f.bytes.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.match(f.bytes.subarray(-32).toString('latin1'), /%%EOF\s*$/);
    if (!fs.existsSync(PDFTOPPM)) return;
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'roc.pdf'), f.bytes);
    execFileSync(PDFTOPPM, ['-r', '36', '-gray', '-f', '1', '-l', '1', '-singlefile', path.join(dir, 'roc.pdf'), path.join(dir, 'page')]);
    const page = inkFraction(fs.readFileSync(path.join(dir, 'page.pgm')));
    // 600 x 450 pt at 36 dpi.
    assert.deepEqual([page.width, page.height], [300, 225]);
    assert.ok(page.ink > 0.01 && page.ink < 0.5, `ink fraction ${page.ink}`);
  });

  it('writes a PNG with the PNG signature at the requested size and dpi', async () => {
    const f = await exported('exportChart', { option: toWire(rocOption()), format: 'png', width: 500, height: 400, dpi: 144 });
    assert.equal(f.mime, 'image/png');
    assert.equal(f.filename, 'tagscape-figure.png');
    assert.deepEqual([...f.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(f.bytes.subarray(12, 16).toString('latin1'), 'IHDR');
    assert.deepEqual([f.bytes.readUInt32BE(16), f.bytes.readUInt32BE(20)], [1000, 800]);
  });

  it('writes an SVG whose text holds the axis titles and the experiment label', async () => {
    const f = await exported('exportChart', { option: toWire(lineChart({ series: [{ label: 'training loss', points: [[1, 0.6], [2, 0.5]] }], x: { title: 'epoch' }, y: { title: 'loss' }, label: { preset: 'atlas' } })), format: 'svg' });
    const svg = f.bytes.toString('utf8');
    assert.equal(f.mime, 'image/svg+xml');
    assert.match(svg, /^<svg/);
    for (const t of ['epoch', 'loss', 'ATLAS', 'training loss']) assert.match(svg, new RegExp(`>${t}<`), `text "${t}"`);
    const roc = (await exported('exportChart', { option: toWire(rocOption()), format: 'svg' })).bytes.toString('utf8');
    assert.match(roc, />b-jet efficiency</);
    assert.match(roc, />light-flavour-jet mistag rate</);
  });

  it('takes a full 201 x 201 loss map beyond the ordinary request size, and puts several charts on the pages of one PDF', async () => {
    const big = toWire(heatmapOption(201));
    assert.ok(JSON.stringify(big).length > 1 << 20, 'the map is larger than an ordinary request');
    const svg = (await exported('exportChart', { option: big, format: 'svg' })).bytes.toString('utf8');
    assert.ok((svg.match(/<path /g) ?? []).length > 201 * 201, 'every cell is drawn');
    const pdf = await exported('exportCharts', { charts: [{ option: toWire(rocOption()), title: 'ROC' }, { option: toWire(heatmapOption(21)), width: 500, height: 500 }], title: 'My study' });
    assert.equal(pdf.filename, 'my-study.pdf');
    const text = pdf.bytes.toString('latin1');
    assert.equal((text.match(/\/Type \/Page\b/g) ?? []).length, 2);
    assert.match(text, /\/MediaBox \[0 0 600 450\]/);
    assert.match(text, /\/MediaBox \[0 0 500 500\]/);
  });

  it('refuses invalid payloads with one sentence and keeps serving', async () => {
    const refused = async (op: string, payload: unknown, pattern: RegExp) => {
      const r = await call(op, payload);
      assert.equal(r.status, 400);
      assert.equal(r.body.ok, false);
      assert.match(r.body.error!, pattern);
    };
    const option = toWire(rocOption());
    await refused('exportChart', { option: [1, 2], format: 'pdf' }, /Invalid exportChart request at option/);
    await refused('exportChart', { option: 'x', format: 'pdf' }, /Invalid exportChart request at option/);
    await refused('exportChart', { option, format: 'gif' }, /at format/);
    await refused('exportChart', { option, format: 'png', width: 10 }, /at width/);
    await refused('exportChart', { option, format: 'png', code: 'x' }, /Invalid exportChart request/);
    await refused('exportChart', { option: { ...option, xAxis: { axisLabel: { formatter: { $fn: 'require' } } } }, format: 'svg' }, /Unknown chart function "require"/);
    await refused('exportChart', { option: { series: [{ type: 'surface', data: [[0, 0, 1]] }] }, format: 'pdf' }, /3D view/);
    await refused('exportChart', { option: { graphic: [{ type: 'image', style: { image: '/etc/hostname' } }] }, format: 'pdf' }, /embedded images only/);
    await refused('exportChart', { option: { series: [{ type: 'scatter', symbol: 'image:///etc/hostname', data: [[0, 0]] }] }, format: 'png' }, /embedded images only/);
    await refused('exportCharts', { charts: [] }, /at charts/);
    // ECharts writes option strings into SVG attributes unescaped: a quote in a colour must not smuggle in an
    // <image> that the PDF or PNG renderer would read from disk.
    const smuggled = 'red"/><image href="/etc/hostname" width="99" height="99"/><path stroke="red';
    for (const format of ['pdf', 'png', 'svg']) {
      await refused('exportChart', { option: { ...option, series: [{ type: 'line', data: [[0, 1], [1, 2]], lineStyle: { color: smuggled } }] }, format }, /cannot be exported: its option holds markup or links/);
    }
    await refused('exportCharts', { charts: [{ option }, { option: { ...option, backgroundColor: 'url(file:///etc/hostname)' } }] }, /cannot be exported/);
    for (const bad of [
      'red"/><_:script xmlns:_="http://www.w3.org/2000/svg">alert(1)</_:script><path stroke="red',
      'red" onload="alert(1)',
      'red"/><image href="#red.png" width="9" height="9"/><path stroke="red',
      'red" style="fill:url&#40;https://example.org/x)',
    ]) {
      await refused('exportChart', { option: { ...option, series: [{ type: 'line', data: [[0, 1]], itemStyle: { color: bad } }] }, format: 'svg' }, /cannot be exported/);
    }
    await refused('exportChart', { option: { ...option, title: { text: 'x', textStyle: { fontFamily: 'x" onclick="alert(1)' } } }, format: 'pdf' }, /cannot be exported/);
    await refused('exportChart', { option, format: 'png', width: 4000, height: 4000, dpi: 1200 }, /at most 100 megapixels/);
    const tooBig = await fetch(`${base}/api/exportChart`, { method: 'POST', body: JSON.stringify({ option: { pad: 'x'.repeat(17 << 20) }, format: 'svg' }), headers: { authorization: `Bearer ${server.token}` } });
    assert.equal(tooBig.status, 413);
    assert.equal((await call('listRuns', {})).status, 200);
  });
});
