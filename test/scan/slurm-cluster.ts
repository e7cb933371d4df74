/**
 * A throw-away single-node SLURM on localhost for the scan tests (Debian's slurmctld, slurmd, slurm-client
 * and munge, 22.05): munged as user munge on its own socket and key, slurmctld -D and slurmd -D with a
 * slurm.conf in a temporary folder, on free ports. Only plugins that work without systemd or cgroups
 * (proctrack/linuxproc, task/none, no accounting). Needs root (slurmd runs jobs as their user, munged runs
 * as munge); where it cannot start, startSlurm() says why in one sentence and the tests skip with it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface SlurmCluster {
  /** Environment for sbatch/squeue/scancel: SLURM_CONF pointing at this cluster. */
  env: NodeJS.ProcessEnv;
  dir: string;
  stop(): Promise<void>;
}

const BINARIES = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'sinfo'];

function which(bin: string): string | null {
  for (const d of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin', '/sbin'])) {
    const p = path.join(d, bin);
    if (fs.existsSync(p)) return p;
  }
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Why a local SLURM cannot start here, or null when it can be tried. */
export function slurmUnavailable(): string | null {
  if (process.platform !== 'linux') return 'a local SLURM test cluster needs Linux';
  if (process.getuid?.() !== 0) return 'starting a local SLURM (munged as munge, slurmd) needs root; run the tests as root (as .ci/run does)';
  const missing = BINARIES.filter((b) => !which(b));
  if (missing.length) return `SLURM/munge binaries missing (${missing.join(', ')}): apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge`;
  if (spawnSync('id', ['-u', 'munge']).status !== 0) return 'there is no user "munge" (the munge package creates it)';
  return null;
}

/** Start the cluster; resolves once the node is idle, or rejects with what the daemons logged. */
export async function startSlurm(): Promise<SlurmCluster> {
  const why = slurmUnavailable();
  if (why) throw new Error(why);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tagscape-slurm-'));
  fs.chmodSync(dir, 0o755);
  const mungeDir = path.join(dir, 'munge');
  fs.mkdirSync(mungeDir, { mode: 0o700 });
  const key = path.join(mungeDir, 'munge.key');
  fs.writeFileSync(key, crypto.getRandomValues(new Uint8Array(1024)), { mode: 0o400 });
  spawnSync('chown', ['-R', 'munge:munge', mungeDir]);
  for (const d of ['state', 'spool', 'log']) fs.mkdirSync(path.join(dir, d));
  const socket = path.join(mungeDir, 'munge.socket');
  const host = os.hostname().split('.')[0];
  const [ctldPort, dPort] = [await freePort(), await freePort()];
  const conf = path.join(dir, 'slurm.conf');
  fs.writeFileSync(conf, [
    'ClusterName=tagscapetest',
    `SlurmctldHost=${host}(127.0.0.1)`,
    'SlurmUser=root',
    'SlurmdUser=root',
    `SlurmctldPort=${ctldPort}`,
    `SlurmdPort=${dPort}`,
    'AuthType=auth/munge',
    'CredType=cred/munge',
    `AuthInfo=socket=${socket}`,
    `StateSaveLocation=${dir}/state`,
    `SlurmdSpoolDir=${dir}/spool`,
    `SlurmctldPidFile=${dir}/slurmctld.pid`,
    `SlurmdPidFile=${dir}/slurmd.pid`,
    `SlurmctldLogFile=${dir}/log/slurmctld.log`,
    `SlurmdLogFile=${dir}/log/slurmd.log`,
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'JobAcctGatherType=jobacct_gather/none',
    'AccountingStorageType=accounting_storage/none',
    'JobCompType=jobcomp/none',
    'MpiDefault=none',
    'SchedulerType=sched/backfill',
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_CPU',
    'ReturnToService=2',
    'MinJobAge=600',
    'SlurmdTimeout=300',
    'KillWait=5',
    `NodeName=${host} NodeAddr=127.0.0.1 CPUs=2 RealMemory=1000 State=UNKNOWN`,
    `PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
    '',
  ].join('\n'));
  const env = { ...process.env, SLURM_CONF: conf };
  const children: ChildProcess[] = [];
  const start = (cmd: string, args: string[], log: string) => {
    const out = fs.openSync(path.join(dir, 'log', log), 'a');
    const child = spawn(cmd, args, { env, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    children.push(child);
    return child;
  };
  const stop = async () => {
    for (const c of children.reverse()) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    for (const c of children) {
      for (let i = 0; i < 50 && c.exitCode === null && c.signalCode === null; i++) await sleep(100);
      if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    start('runuser', ['-u', 'munge', '--', which('munged')!, '-F', '--force', `--socket=${socket}`, `--key-file=${key}`,
      `--pid-file=${mungeDir}/munged.pid`, `--seed-file=${mungeDir}/munge.seed`, `--log-file=${mungeDir}/munged.log`], 'munged.out');
    for (let i = 0; i < 50 && !fs.existsSync(socket); i++) await sleep(100);
    if (!fs.existsSync(socket)) throw new Error(`munged did not start: ${tail(path.join(dir, 'log', 'munged.out'))} ${tail(path.join(mungeDir, 'munged.log'))}`);
    start(which('slurmctld')!, ['-D', '-i', '-f', conf], 'slurmctld.out');
    start(which('slurmd')!, ['-D', '-f', conf], 'slurmd.out');
    for (let i = 0; i < 150; i++) {
      const r = spawnSync('sinfo', ['-h', '-N', '-o', '%T'], { env, encoding: 'utf8' });
      if (r.status === 0 && /^(idle|mixed|allocated)/m.test(r.stdout)) return { env, dir, stop };
      if (children.some((c) => c.exitCode !== null)) break;
      await sleep(200);
    }
    throw new Error(`the local SLURM did not come up: ${tail(path.join(dir, 'log', 'slurmctld.log'))} | ${tail(path.join(dir, 'log', 'slurmd.log'))}`);
  } catch (err) {
    await stop();
    throw err;
  }
}

function tail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-3).join(' / ');
  } catch {
    return '(no log)';
  }
}
