#!/usr/bin/env node
// Runs every test/**/*.test.ts with node's test runner (TypeScript through tsx): the spec report on the
// terminal, a TAP copy in a temporary file whose totals become the plain closing line CI reads,
// "N passed, N failed".
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function collect(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return collect(p);
    return e.name.endsWith('.test.ts') ? [p] : [];
  });
}

const filter = process.argv.slice(2);
const files = collect('test').filter((f) => filter.length === 0 || filter.some((x) => f.includes(x))).sort();
const tap = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tagscape-test-')), 'report.tap');
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files],
  { stdio: 'inherit' },
);
const report = fs.existsSync(tap) ? fs.readFileSync(tap, 'utf8') : '';
const total = (key) => Number(report.match(new RegExp(`^# ${key} (\\d+)$`, 'm'))?.[1] ?? 0);
// A suite whose body throws before any test runs is "not ok" in the report but counted in neither total.
const failed = total('fail') + total('cancelled') || (r.status === 0 ? 0 : Math.max(1, (report.match(/^\s*not ok /gm) ?? []).length));
if (total('skipped')) console.log(`${total('skipped')} skipped (the reasons are in the report above)`);
console.log(`${total('pass')} passed, ${failed} failed`);
fs.rmSync(path.dirname(tap), { recursive: true, force: true });
process.exit(r.status ?? 1);
