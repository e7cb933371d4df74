/**
 * `tagscape scan <create|submit|run|status|collect|resubmit|task|list>`: training grids over modes, ε,
 * λ, seeds and options, run by the local machine, SLURM or HTCondor, and collected as mean ± sd over seeds.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EXECUTORS, SCAN_MODES, VARIABLE_OPTIONS, type ExecutorName, type ScanDefinition } from '../../../shared/scan-definition.ts';
import { DEFAULT_SIZE, type StylePreset } from '../../../shared/charts/style.ts';
import { collectScan, scanLabel, scanRobustnessChart, summaryText } from '../../engine/scan/collect.ts';
import { LOCAL_MAX_CONCURRENT, runLocal } from '../../engine/scan/local.ts';
import { readProfile, Resources } from '../../engine/scan/profile.ts';
import { scanStatus, type ScanStatus } from '../../engine/scan/status.ts';
import { listScans, ScanStore } from '../../engine/scan/store.ts';
import { recordLocal, submitBatch, tasksToSend } from '../../engine/scan/submit.ts';
import { parseSeeds } from '../../engine/study/seed-group.ts';
import { writeFileAtomic, writeJsonAtomic } from '../../engine/store/atomic.ts';
import { numberList, optionalNumber, requireString, type CommandSpec, type OptionSpec } from '../args.ts';
import { CliError, makeOut, type Out } from '../output.ts';
import { networkOptions } from '../train-options.ts';

const COMMON: OptionSpec = { workspace: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean' } };
const COMMON_HELP: Array<[string, string]> = [
  ['--workspace DIR', 'workspace folder (the scan lives in DIR/scans/NAME, its runs in DIR/runs)'],
  ['--name SCAN', 'scan name (letters, digits, _ -, up to 40 characters)'],
  ['--json', 'print the result as JSON on stdout'],
];

const DEFINE: OptionSpec = {
  from: { type: 'string' }, data: { type: 'string' }, modes: { type: 'string' }, eps: { type: 'string' }, penalty: { type: 'string' },
  seeds: { type: 'string' }, epochs: { type: 'string' }, batch: { type: 'string' }, lr: { type: 'string' }, patience: { type: 'string' },
  hidden: { type: 'string' }, dropout: { type: 'string' }, reweight: { type: 'boolean' }, loss: { type: 'string' }, 'focal-gamma': { type: 'string' },
  'adv-fraction': { type: 'string' }, 'adv-warmup': { type: 'string' }, steps: { type: 'string' }, alpha: { type: 'string' },
  vary: { type: 'string', multiple: true }, attacks: { type: 'string' }, 'attack-eps': { type: 'string' },
  'curvature-jets': { type: 'string' }, 'curvature-eps': { type: 'string' },
};
const DEFINE_HELP: Array<[string, string]> = [
  ['--from FILE.json', 'the whole definition as JSON (the other grid options are then not allowed; see docs/scan.md)'],
  ['--data FILE|synthetic:N', 'training jets; a file path must be readable by every worker node'],
  ['--modes LIST', `training modes: ${SCAN_MODES.join(', ')} (gradpenalty = geometry-aware training)`],
  ['--eps LIST', 'training eps of the adversarial modes, in training sigma (default 0.01)'],
  ['--penalty LIST', 'lambda of gradpenalty (default 0.1)'],
  ['--seeds N|LIST', 'seeds 1..N, or a list such as 1,2,7'],
  ['--epochs, --batch, --lr, --patience, --hidden, --dropout, --reweight, --loss, --focal-gamma', 'as for `tagscape train`, for every task'],
  ['--adv-fraction F, --adv-warmup N, --steps K, --alpha A', 'adversarial modes: attacked fraction, warm-up, PGD steps and step size'],
  ['--vary OPTION=V1,V2', `also scan a training option (${VARIABLE_OPTIONS.join(', ')}); repeatable`],
  ['--attacks LIST', 'evaluation attacks for the robustness curves (default fgsm,pgd)'],
  ['--attack-eps LIST', 'evaluation eps, 0 = clean (default 0,0.005,0.01,0.02,0.05)'],
  ['--curvature-jets N, --curvature-eps E', 'also measure curvature on N test jets in an eps-box (default: not measured; eps 0.01)'],
];

const SUBMIT: OptionSpec = {
  executor: { type: 'string' }, profile: { type: 'string' }, cpus: { type: 'string' }, memory: { type: 'string' }, time: { type: 'string' },
  partition: { type: 'string' }, account: { type: 'string' }, extra: { type: 'string', multiple: true }, command: { type: 'string' },
  'max-running': { type: 'string' }, 'max-concurrent': { type: 'string' }, 'dry-run': { type: 'boolean' }, tasks: { type: 'string' },
};
const SUBMIT_HELP: Array<[string, string]> = [
  ['--executor local|slurm|htcondor', 'where the tasks run (resubmit: default the last one used)'],
  ['--profile FILE.json', 'resources {"cpus","memory","time","partition","account","extra","command","maxRunning"}; options below override it'],
  ['--cpus N, --memory 4G, --time 12:00:00', 'per task (defaults 1, 2G, 04:00:00)'],
  ['--partition P, --account A', 'SLURM partition and account'],
  ['--extra LINE', 'an extra #SBATCH option or HTCondor submit line, verbatim; repeatable'],
  ['--command "NODE BIN"', 'how worker nodes run tagscape (default: this node and bin/tagscape.js, absolute paths)'],
  ['--max-running N', 'SLURM: at most N array tasks at once'],
  ['--max-concurrent N', `local: tasks at once (default ${LOCAL_MAX_CONCURRENT} = cores - 1)`],
  ['--tasks LIST', 'only these task indices, e.g. 0-99,120'],
  ['--dry-run', 'write the batch files (slurm/submit-K.sh, htcondor/submit-K.sub) without submitting'],
];

function store(v: Record<string, unknown>, cmd: string): ScanStore {
  return new ScanStore(path.resolve(requireString(v, 'workspace', cmd)), requireString(v, 'name', cmd));
}

/** --tasks: "0-99,120,130-139" (ranges and single indices). */
function taskList(v: Record<string, unknown>): number[] | undefined {
  if (v.tasks === undefined) return undefined;
  const out: number[] = [];
  for (const part of String(v.tasks).split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m || (m[2] !== undefined && Number(m[2]) < Number(m[1]))) throw new CliError(`--tasks takes task indices and ranges such as 0-99,120, not "${part}".`, 2);
    for (let i = Number(m[1]); i <= Number(m[2] ?? m[1]); i++) out.push(i);
  }
  return out;
}

function list(v: Record<string, unknown>, key: string): string[] | undefined {
  return v[key] === undefined ? undefined : String(v[key]).split(',').map((s) => s.trim()).filter(Boolean);
}

/** The definition from --from or from the grid options. */
function definitionFrom(v: Record<string, unknown>, name: string): unknown {
  const gridKeys = Object.keys(DEFINE).filter((k) => k !== 'from' && v[k] !== undefined);
  if (v.from !== undefined) {
    if (gridKeys.length) throw new CliError(`--from gives the whole definition; drop --${gridKeys[0]}.`, 2);
    try {
      return { name, ...JSON.parse(fs.readFileSync(String(v.from), 'utf8')) };
    } catch (err) {
      throw new CliError(`${v.from}: cannot read the scan definition (${(err as Error).message.split('\n')[0]}).`, 2);
    }
  }
  const data = requireString(v, 'data', 'scan create');
  const seeds = v.seeds === undefined ? [1] : (() => {
    try {
      return parseSeeds(String(v.seeds));
    } catch (err) {
      throw new CliError((err as Error).message, 2);
    }
  })();
  const vary: Record<string, number[]> = {};
  for (const item of (v.vary as string[] | undefined) ?? []) {
    const m = /^([A-Za-z]+)=(.+)$/.exec(item);
    const values = m?.[2].split(',').map(Number);
    if (!m || !values!.every(Number.isFinite)) throw new CliError(`--vary must be OPTION=V1,V2 (numbers), not "${item}".`, 2);
    vary[m[1]] = values!;
  }
  const train = Object.fromEntries(Object.entries({
    epochs: optionalNumber(v, 'epochs', { integer: true, min: 1 }),
    ...networkOptions(v),
    advFraction: optionalNumber(v, 'adv-fraction'),
    advWarmup: optionalNumber(v, 'adv-warmup', { integer: true, min: 0 }),
    pgdSteps: optionalNumber(v, 'steps', { integer: true, min: 1 }),
    pgdAlpha: optionalNumber(v, 'alpha'),
  }).filter(([, x]) => x !== undefined));
  const curvatureJets = optionalNumber(v, 'curvature-jets', { integer: true, min: 1 });
  if (v['curvature-eps'] !== undefined && curvatureJets === undefined) throw new CliError('--curvature-eps needs --curvature-jets.', 2);
  return {
    name, data: /^synthetic:/.test(data) ? data : path.resolve(data),
    modes: list(v, 'modes') ?? ['nominal'],
    ...(v.eps !== undefined ? { eps: numberList(v, 'eps') } : {}),
    ...(v.penalty !== undefined ? { penalty: numberList(v, 'penalty') } : {}),
    seeds, train, vary,
    evaluate: {
      attacks: list(v, 'attacks') ?? ['fgsm', 'pgd'],
      eps: numberList(v, 'attack-eps') ?? [0, 0.005, 0.01, 0.02, 0.05],
      ...(curvatureJets !== undefined ? { curvature: { jets: curvatureJets, eps: optionalNumber(v, 'curvature-eps', { min: 0 }) ?? 0.01 } } : {}),
    },
  };
}

function create(v: Record<string, unknown>, out: Out) {
  const s = store(v, 'scan create');
  try {
    const file = s.create(definitionFrom(v, s.name));
    out.note(`scan "${s.name}": ${file.tasks.length} tasks in ${s.dir}`);
    return { s, file };
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError((err as Error).message, 2);
  }
}

function resources(v: Record<string, unknown>, fallback: Resources = {}): Resources {
  const base = v.profile ? readProfile(String(v.profile)) : fallback;
  const given = Object.fromEntries(Object.entries({
    cpus: optionalNumber(v, 'cpus', { integer: true, min: 1 }),
    memory: v.memory as string | undefined, time: v.time as string | undefined, partition: v.partition as string | undefined,
    account: v.account as string | undefined, extra: v.extra as string[] | undefined, command: v.command as string | undefined,
    maxRunning: optionalNumber(v, 'max-running', { integer: true, min: 1 }),
  }).filter(([, x]) => x !== undefined));
  const p = Resources.safeParse({ ...base, ...given });
  if (!p.success) throw new CliError(`--${p.error.issues[0].path.join('.')}: ${p.error.issues[0].message}.`, 2);
  return p.data;
}

function statusText(st: ScanStatus): string {
  const counts = Object.entries(st.counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ');
  return [
    `scan ${st.scan}: ${counts}${st.unreachable.length ? ` (could not ask ${st.unreachable.join(', ')}; states from the workspace)` : ''}`,
    ...st.tasks.map((t) => `  ${String(t.index).padStart(4)}  ${t.state.padEnd(11)} ${t.run}${t.scheduler_state ? `  [${t.scheduler_state}]` : ''}${t.error ? `  ${t.error}` : ''}`),
  ].join('\n');
}

/** Send the tasks that need it to an executor; the local one runs them here and waits. */
async function submit(s: ScanStore, v: Record<string, unknown>, out: Out, executor: ExecutorName, fallback?: Resources): Promise<number> {
  const only = taskList(v);
  if (executor === 'local') {
    const indices = tasksToSend(s, { only });
    if (indices.length === 0) {
      out.result({ scan: s.name, executor, submitted: [] }, `scan ${s.name}: nothing to run (every task is complete, queued or running)`);
      return 0;
    }
    recordLocal(s, indices);
    const max = optionalNumber(v, 'max-concurrent', { integer: true, min: 1 });
    out.note(`scan ${s.name}: running ${indices.length} task(s) here, ${Math.min(max ?? LOCAL_MAX_CONCURRENT, indices.length)} at once`);
    const abort = new AbortController();
    const stop = () => abort.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    let codes;
    try {
      codes = await runLocal({
        workspace: s.workspace, scan: s.name, indices, maxConcurrent: max, command: (v.command as string | undefined) ?? fallback?.command, signal: abort.signal,
        onTaskEnd: (i, code, last) => out.note(`task ${i}: ${code === 0 ? 'complete' : `failed (exit ${code})${last ? `: ${last}` : ''}`}`),
      });
    } finally {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
    }
    const st = scanStatus(s);
    out.result({ scan: s.name, executor, submitted: indices, status: st }, statusText(st));
    return [...codes.values()].every((c) => c === 0) && codes.size === indices.length ? 0 : 1;
  }
  const sub = submitBatch(s, { executor, resources: resources(v, fallback), dryRun: Boolean(v['dry-run']), only });
  if (!sub) {
    out.result({ scan: s.name, executor, submitted: [] }, `scan ${s.name}: nothing to submit (every task is complete, queued or running)`);
    return 0;
  }
  out.result(
    { scan: s.name, executor, job_id: sub.job_id, submitted: sub.indices, files: sub.files, dry_run: Boolean(sub.dry_run) },
    sub.dry_run ? `wrote ${sub.files.join(' and ')} for ${sub.indices.length} task(s); not submitted (--dry-run)` : `submitted ${sub.indices.length} task(s) to ${executor} as job ${sub.job_id} (${sub.files[0]})`,
  );
  return 0;
}

function executorOf(v: Record<string, unknown>, fallback?: ExecutorName): ExecutorName {
  const e = (v.executor as string | undefined) ?? fallback;
  if (!e) throw new CliError(`--executor must be given: ${EXECUTORS.join(', ')}.`, 2);
  if (!(EXECUTORS as readonly string[]).includes(e)) throw new CliError(`--executor must be ${EXECUTORS.join(', ')}, not "${e}".`, 2);
  return e as ExecutorName;
}

type Sub = { summary: string; options: OptionSpec; help: Array<[string, string]>; run(v: Record<string, unknown>, out: Out): Promise<number> };

const SUBCOMMANDS: Record<string, Sub> = {
  create: {
    summary: 'define a scan (idempotent: the same definition again is accepted)',
    options: DEFINE, help: DEFINE_HELP,
    async run(v, out) {
      const { s, file } = create(v, out);
      out.result({ scan: s.name, dir: s.dir, tasks: file.tasks }, file.tasks.map((t) => `  ${String(t.index).padStart(4)}  ${t.run}  (${t.group}, seed ${t.seed})`).join('\n'));
      return 0;
    },
  },
  submit: {
    summary: 'send every task that is not complete, queued or running to an executor',
    options: SUBMIT, help: SUBMIT_HELP,
    run: async (v, out) => submit(store(v, 'scan submit'), v, out, executorOf(v)),
  },
  run: {
    summary: 'create, then submit',
    options: { ...DEFINE, ...SUBMIT }, help: [...DEFINE_HELP, ...SUBMIT_HELP],
    async run(v, out) {
      const { s } = create(v, out);
      return submit(s, v, out, executorOf(v));
    },
  },
  status: {
    summary: 'each task\'s state, from squeue/condor_q where they answer, else from the workspace',
    options: {}, help: [],
    async run(v, out) {
      const st = scanStatus(store(v, 'scan status'));
      out.result(st, statusText(st));
      return 0;
    },
  },
  resubmit: {
    summary: 'send only the failed and missing tasks again (same executor and resources unless given)',
    options: SUBMIT, help: SUBMIT_HELP,
    async run(v, out) {
      const s = store(v, 'scan resubmit');
      const last = s.submissions().filter((x) => !x.dry_run).pop();
      const executor = executorOf(v, last?.executor);
      const needs = scanStatus(s).tasks.filter((t) => t.state === 'failed' || t.state === 'missing').map((t) => t.index);
      const only = taskList(v);
      const chosen = only ? needs.filter((i) => only.includes(i)) : needs;
      if (chosen.length === 0) {
        out.result({ scan: s.name, executor, submitted: [] }, `scan ${s.name}: no failed or missing task`);
        return 0;
      }
      return submit(s, { ...v, tasks: chosen.join(',') }, out, executor, last?.executor === executor ? last.resources : undefined);
    },
  },
  collect: {
    summary: 'mean ± sd over seeds of the robustness curves, test AUCs and curvature; summary.json, summary.txt and figures',
    options: { discriminant: { type: 'string' }, format: { type: 'string' }, style: { type: 'string' }, out: { type: 'string' } },
    help: [
      ['--discriminant D', 'the figure\'s and table\'s discriminant (default BvL)'],
      ['--format LIST', 'figure formats, from pdf, png, svg (default pdf,png)'],
      ['--style cms|atlas|plain', 'figure label style (default: a neutral label)'],
      ['--out DIR', 'where to write (default WORKSPACE/scans/NAME/collect)'],
    ],
    async run(v, out) {
      const s = store(v, 'scan collect');
      const disc = (v.discriminant as string | undefined) ?? 'BvL';
      const formats = list(v, 'format') ?? ['pdf', 'png'];
      const bad = formats.find((f) => !['pdf', 'png', 'svg'].includes(f));
      if (bad) throw new CliError(`--format takes pdf, png and svg, not "${bad}".`, 2);
      const style = v.style as StylePreset | undefined;
      if (style !== undefined && !['cms', 'atlas', 'plain'].includes(style)) throw new CliError(`--style must be cms, atlas or plain, not "${style}".`, 2);
      const dir = v.out ? path.resolve(String(v.out)) : s.file('collect');
      const summary = collectScan(s);
      if (summary.complete === 0) throw new CliError(`Scan "${s.name}" has no finished task yet; see \`tagscape scan status\`.`);
      if (!summary.robustness.some((r) => disc in r.auc)) throw new CliError(`--discriminant ${disc} is not in the results (${Object.keys(summary.robustness[0].auc).join(', ')}).`, 2);
      const text = summaryText(summary, disc);
      writeJsonAtomic(path.join(dir, 'summary.json'), summary);
      writeFileAtomic(path.join(dir, 'summary.txt'), text);
      const { renderFigure } = await import('../../engine/export/render.ts');
      const option = scanRobustnessChart(summary, { discriminant: disc, label: scanLabel(summary, style) });
      const figures: string[] = [];
      for (const f of formats) {
        const file = path.join(dir, `robustness-${disc}.${f}`);
        writeFileAtomic(file, await renderFigure(option, f as 'pdf' | 'png' | 'svg', { ...DEFAULT_SIZE, title: `scan ${s.name}: ${disc} AUC vs eps` }));
        figures.push(file);
      }
      out.result({ ...summary, files: { json: path.join(dir, 'summary.json'), text: path.join(dir, 'summary.txt'), figures } }, text.trimEnd() + `\n\nwrote ${dir}`);
      return 0;
    },
  },
  task: {
    summary: 'run one task (what the executors call; idempotent)',
    options: { index: { type: 'string' }, 'scheduler-id': { type: 'string' } },
    help: [['--index I', 'task index (SLURM: $SLURM_ARRAY_TASK_ID)'], ['--scheduler-id ID', 'recorded in the task\'s state file']],
    async run(v, out) {
      const s = store(v, 'scan task');
      const index = optionalNumber(v, 'index', { integer: true, min: 0 });
      if (index === undefined) throw new CliError('tagscape scan task needs --index.', 2);
      const [{ initBackend }, { runScanTask }] = await Promise.all([import('../../engine/backend.ts'), import('../../engine/scan/task.ts')]);
      const backend = await initBackend();
      out.note(`backend: ${backend.name}`);
      const abort = new AbortController();
      const stop = () => abort.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        const r = await runScanTask({ workspace: s.workspace, scan: s.name, index, schedulerId: v['scheduler-id'] as string | undefined, signal: abort.signal, onProgress: (m) => out.note(m) });
        out.result({ scan: s.name, index, state: r === 'complete' ? 'complete' : 'failed', run: s.task(index).run }, `task ${index}: ${r}`);
        return r === 'complete' ? 0 : 130;
      } finally {
        process.removeListener('SIGINT', stop);
        process.removeListener('SIGTERM', stop);
      }
    },
  },
  list: {
    summary: 'the scans of a workspace',
    options: {}, help: [],
    async run(v, out) {
      const ws = path.resolve(requireString(v, 'workspace', 'scan list'));
      const names = listScans(ws);
      out.result({ scans: names }, names.length ? names.join('\n') : `no scans in ${ws}`);
      return 0;
    },
  },
};

/** One CommandSpec per subcommand, named `scan <sub>` for help and errors. */
export const scanSubcommands: Record<string, CommandSpec & { summary: string }> = Object.fromEntries(Object.entries(SUBCOMMANDS).map(([name, sub]) => {
  const common = name === 'list' ? { workspace: COMMON.workspace, json: COMMON.json } : COMMON;
  const spec: CommandSpec = {
    name: `scan ${name}`,
    usage: `tagscape scan ${name} --workspace DIR${name === 'list' ? '' : ' --name SCAN'} [options]`,
    options: { ...common, ...sub.options },
    help: [...COMMON_HELP.filter(([k]) => name !== 'list' || !k.startsWith('--name')), ...sub.help],
    run: (v) => sub.run(v, makeOut(Boolean(v.json))),
  };
  return [name, Object.assign(spec, { summary: sub.summary })];
}));

export const scanCommand: CommandSpec = {
  name: 'scan',
  usage: `tagscape scan ${Object.keys(SUBCOMMANDS).join('|')} --workspace DIR --name SCAN [options]   (tagscape scan <sub> --help)`,
  options: {},
  help: Object.entries(SUBCOMMANDS).map(([k, s]) => [k, s.summary]),
  subcommands: scanSubcommands,
  async run() {
    throw new CliError(`tagscape scan needs a subcommand: ${Object.keys(SUBCOMMANDS).join(', ')}.`, 2);
  },
};
