/**
 * HTCondor submit files as `tagscape scan submit --executor htcondor` writes them, checked against the
 * submit-description language (condor-submit.ts), with their arguments parsed back and run.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { tmpDir } from '../helpers.ts';
import { tagscape, tagscapeJson } from '../cli/run-cli.ts';
import { parseArguments, validateSubmitFile } from './condor-submit.ts';
import { ENGINE_NODE_FLAGS } from '../../main/engine/node-flags.ts';

test('the submit-file validator refuses what condor_submit would refuse', () => {
  const dir = tmpDir('tagscape-condor-');
  fs.writeFileSync(path.join(dir, 'tasks.txt'), '0\n1\n');
  const good = ['executable = /bin/true', 'arguments = "a \'b c\' $(index)"', 'request_cpus = 1', 'request_memory = 2048', 'log = x.log', '+MaxRuntime = 600', 'queue index from tasks.txt'];
  const check = (lines: string[]) => {
    const f = path.join(dir, 'job.sub');
    fs.writeFileSync(f, lines.join('\n') + '\n');
    return validateSubmitFile(f);
  };
  assert.deepEqual(check(good).queue.items, [['0'], ['1']]);
  const broken: Array<[string[], RegExp]> = [
    [good.filter((l) => !l.startsWith('request_memory')), /request_memory" is missing/],
    [good.map((l) => l.replace('$(index)', '$(index')), /unclosed macro/],
    [good.map((l) => l.replace('$(index)', '$(idx)')), /\$\(idx\) is not defined/],
    [good.map((l) => l.replace('queue index from tasks.txt', 'queue from tasks.txt')), /malformed queue|needs variable names/],
    [good.map((l) => l.replace('tasks.txt', 'nope.txt')), /does not exist/],
    [good.map((l) => l.replace('"a \'b c\' $(index)"', '"a \'b c $(index)"')), /unterminated single quote/],
    [good.map((l) => l.replace('600', '"workday')), /one double-quoted string/],
    [[...good, 'universe = vanilla'], /after the queue statement/],
    [good.map((l) => l.replace('request_cpus = 1', 'request_cpus = two')), /request_cpus/],
    [good.filter((l) => !l.startsWith('queue')), /no queue statement/],
  ];
  for (const [lines, re] of broken) assert.throws(() => check(lines), re, lines.join(' | '));
  assert.deepEqual(parseArguments('"a \'it\'\'s here\' ""q"" b"'), ['a', "it's here", '"q"', 'b']);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('scan submit --executor htcondor writes a valid submit file whose arguments run the task', { timeout: 300_000 }, () => {
  // A workspace path with a space and a quote exercises the arguments quoting.
  const root = tmpDir('tagscape-condor-');
  const ws = path.join(root, "my ws", "it's");
  const profile = path.join(root, 'lxplus.json');
  fs.writeFileSync(profile, JSON.stringify({ cpus: 2, memory: '3G', time: '08:00:00', extra: ['+JobFlavour = "workday"', 'requirements = (OpSysAndVer =?= "AlmaLinux9")'] }));
  tagscapeJson('scan', 'create', '--workspace', ws, '--name', 'cg', '--data', 'synthetic:1500', '--modes', 'nominal,pgd', '--eps', '0.01', '--seeds', '1,2',
    '--epochs', '1', '--steps', '3', '--attacks', 'fgsm', '--attack-eps', '0,0.02', '--json');
  const sub = tagscapeJson('scan', 'submit', '--workspace', ws, '--name', 'cg', '--executor', 'htcondor', '--profile', profile, '--memory', '2500M', '--dry-run', '--json');
  assert.equal(sub.dry_run, true);
  assert.deepEqual(sub.submitted, [0, 1, 2, 3]);
  const [file, list] = sub.files;
  const parsed = validateSubmitFile(file);
  assert.equal(parsed.commands.get('request_cpus'), '2');
  assert.equal(parsed.commands.get('request_memory'), '2500', 'the option overrides the profile');
  assert.equal(parsed.attributes.get('MaxRuntime'), String(8 * 3600));
  assert.equal(parsed.commands.get('environment'), '"TAGSCAPE_THREADS=2"', 'kernel threads within request_cpus');
  assert.equal(parsed.attributes.get('JobFlavour'), '"workday"');
  assert.equal(parsed.commands.get('requirements'), '(OpSysAndVer =?= "AlmaLinux9")');
  assert.deepEqual(parsed.queue.vars, ['index']);
  assert.deepEqual(parsed.queue.items, [['0'], ['1'], ['2'], ['3']]);
  assert.equal(path.dirname(list), path.dirname(file));
  const exe = parsed.commands.get('executable')!;
  assert.ok(path.isAbsolute(exe) && fs.existsSync(exe), `the executable ${exe} is an absolute path that exists`);
  const argv = parseArguments(parsed.commands.get('arguments')!);
  // The engine's V8 flags, then the command line (scan/command.ts defaultCommand).
  assert.deepEqual(argv.slice(0, ENGINE_NODE_FLAGS.length + 1), [...ENGINE_NODE_FLAGS, path.resolve('bin/tagscape.js')]);
  assert.deepEqual(argv.slice(ENGINE_NODE_FLAGS.length + 1), ['scan', 'task', '--workspace', ws, '--name', 'cg', '--index', '$(index)', '--scheduler-id', '$(ClusterId).$(ProcId)']);
  // A dry run leaves the tasks unsubmitted.
  assert.equal(tagscapeJson('scan', 'status', '--workspace', ws, '--name', 'cg', '--json').counts.unsubmitted, 4);

  // What HTCondor would run for the second line of the task list, with its macros expanded.
  const expanded = argv.map((a) => a.replace('$(index)', parsed.queue.items[1][0]).replace('$(ClusterId).$(ProcId)', '42.1'));
  const r = spawnSync(exe, expanded, { cwd: parsed.commands.get('initialdir'), encoding: 'utf8', env: { ...process.env, TAGSCAPE_DEBUG: '' } });
  assert.equal(r.status, 0, r.stderr);
  const state = JSON.parse(fs.readFileSync(path.join(ws, 'scans', 'cg', 'state', '1.json'), 'utf8'));
  assert.equal(state.state, 'complete');
  assert.equal(state.scheduler_id, '42.1');

  // Collecting while tasks are missing gives what is done; export draws the same figure.
  const partial = tagscapeJson('scan', 'collect', '--workspace', ws, '--name', 'cg', '--format', 'svg', '--json');
  assert.equal(partial.complete, 1);
  assert.deepEqual(partial.groups.map((g: any) => [g.group, g.seeds, g.missing]), [['nominal', [2], [0]], ['pgd ε=0.01', [], [2, 3]]]);
  assert.equal(partial.groups[0].test_auc.BvL.sd, null, 'one seed has no spread');
  const svg = path.join(root, 'scan.svg');
  assert.equal(tagscapeJson('export', '--workspace', ws, '--scan', 'cg', '--plot', 'robustness', '--format', 'svg', '--out', svg, '--json').complete, 1);
  assert.equal(fs.readFileSync(svg, 'utf8'), fs.readFileSync(partial.files.figures[0], 'utf8'), 'export --scan and collect draw the same figure');

  // Without HTCondor's tools a real submission fails in one sentence and records nothing.
  const real = tagscape('scan', 'submit', '--workspace', ws, '--name', 'cg', '--executor', 'htcondor');
  if (spawnSync('condor_submit', ['-version']).error) {
    assert.equal(real.code, 1);
    assert.match(real.stderr, /^tagscape scan submit: condor_submit could not be run \(ENOENT\); submit .+submit-1\.sub from a machine with HTCondor's tools/);
    const st = tagscapeJson('scan', 'status', '--workspace', ws, '--name', 'cg', '--json');
    assert.deepEqual(st.tasks.map((t: any) => t.state), ['unsubmitted', 'complete', 'unsubmitted', 'unsubmitted']);
  }
  fs.rmSync(root, { recursive: true, force: true });
});
