/** A self-contained HTML page with the study's figures, numbers and the config that made them. */

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

function fmt(v: unknown): string {
  return typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(4)) : v === null ? 'n/a' : esc(String(v));
}

const pm = (m: { mean: number; sd: number | null } | undefined) => (m ? `${fmt(m.mean)} ± ${m.sd === null ? 'n/a' : fmt(m.sd)}` : 'n/a');

/** The headline: the verdict in one sentence, then clean and attacked AUCs of both models with the seed spread. */
function headlineHtml(h: Record<string, any> | undefined): string {
  if (!h) return '';
  const rows = [
    `<tr><td>clean</td><td>0</td><td>${pm(h.clean.nominal)}</td><td>${pm(h.clean.adversarial)}</td><td>${fmt(h.clean.difference)}</td><td>|Δ| &lt; ${h.clean.tolerance}</td><td>${h.clean.kept ? 'kept' : 'not kept'}</td></tr>`,
    ...(h.attacked as Array<Record<string, any>>).map((p) =>
      `<tr><td>${esc(p.attack)}</td><td>${fmt(p.eps)}</td><td>${pm(p.nominal)}</td><td>${pm(p.adversarial)}</td><td>${fmt(p.difference)}</td><td>${p.spread === null ? 'n/a' : fmt(p.spread)}</td><td>${p.beyond_spread ? 'higher beyond spread' : '—'}${p.decides ? '' : ' (not deciding)'}</td></tr>`),
  ].join('\n');
  return `<h2>Headline</h2>
<p class="verdict"><strong>${esc(h.sentence)}</strong></p>
<p>Rule: the claim ${esc(h.rule)}; deciding attacks: ${esc((h.verdict_attacks as string[]).join(', '))}. ${esc(h.discriminant)} AUC on each run's test split, mean ± sample sd over seeds ${esc((h.nominal.seeds as number[]).join(', '))}.</p>
<table><tr><th>attack</th><th>eps</th><th>nominal</th><th>adversarial</th><th>adv − nom</th><th>seed spread</th><th></th></tr>
${rows}</table>`;
}

export function reportHtml(summary: Record<string, any>): string {
  const rows = (summary.robustness.results as Array<Record<string, any>>)
    .map((r) => `<tr><td>${esc(r.run)}</td><td>${esc(r.attack)}</td><td>${fmt(r.eps)}</td>${['BvL', 'BvC', 'CvB', 'CvL'].map((d) => `<td>${fmt(r.auc[d])}</td>`).join('')}</tr>`)
    .join('\n');
  const evalRows = Object.entries(summary.evaluation as Record<string, Record<string, number | null>>)
    .map(([run, auc]) => `<tr><td>${esc(run)}</td>${['BvL', 'BvC', 'CvB', 'CvL'].map((d) => `<td>${fmt(auc[d])}</td>`).join('')}</tr>`)
    .concat(((summary.evaluation_seed_groups ?? []) as Array<Record<string, any>>).map((g) => `<tr><td>${esc(g.group)}, mean ± sd (${g.seeds.length} seeds)</td>${['BvL', 'BvC', 'CvB', 'CvL'].map((d) => `<td>${pm(g.values[d])}</td>`).join('')}</tr>`))
    .join('\n');
  const curvRows = (summary.curvature as Array<Record<string, any>>)
    .map((c) => `<tr><td>${esc(c.run)}</td><td>${c.jets}</td><td>${fmt(c.grad_norm_mean)}</td><td>${fmt(c.hessian_top_eig.median)}</td><td>${fmt(c.loss_range_mean)}</td></tr>`)
    .join('\n');
  const figs = (summary.figures as string[])
    .filter((f) => f.endsWith('.png'))
    .map((f) => `<figure><img src="${esc(f)}" alt="${esc(f)}"><figcaption><a href="${esc(f.replace(/\.png$/, '.pdf'))}">${esc(f.replace(/\.png$/, '.pdf'))}</a></figcaption></figure>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self'; style-src 'unsafe-inline'">
<title>Tagscape study</title>
<style>
body { font-family: Helvetica, Arial, 'Liberation Sans', sans-serif; margin: 2em auto; max-width: 1280px; color: #111; }
table { border-collapse: collapse; margin: 1em 0; } td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
th { background: #f3f3f3; } td:first-child, td:nth-child(2) { text-align: left; }
figure { display: inline-block; margin: 8px; width: 600px; } img { width: 600px; border: 1px solid #ddd; }
pre { background: #f6f6f6; padding: 1em; overflow: auto; }
</style></head><body>
<h1>Tagscape study</h1>
<p>Tagscape ${esc(summary.tagscape_version)}, backend ${esc(summary.backend)}, data <code>${esc(summary.data.spec)}</code> (${summary.data.jets} jets, sha256 ${esc(summary.data.hash.slice(0, 16))}…), ${fmt(summary.seconds)} s.</p>
${headlineHtml(summary.headline)}
<h2>Clean performance (test split)</h2>
<table><tr><th>run</th><th>BvL</th><th>BvC</th><th>CvB</th><th>CvL</th></tr>
${evalRows}</table>
<h2>Robustness: AUC versus eps (white-box, inference mode)</h2>
<table><tr><th>run</th><th>attack</th><th>eps</th><th>BvL</th><th>BvC</th><th>CvB</th><th>CvL</th></tr>
${rows}</table>
<h2>Flatness</h2>
<table><tr><th>run</th><th>jets</th><th>mean |grad_x L|</th><th>median top Hessian eigenvalue</th><th>mean loss range in eps-box</th></tr>
${curvRows}</table>
<h2>Figures</h2>
${figs}
<h2>Configuration</h2>
<pre>${esc(JSON.stringify(summary.config, null, 2))}</pre>
</body></html>
`;
}
