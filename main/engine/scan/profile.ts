/**
 * Batch resources for a submission: from a profile file (JSON), overridden by command-line options. The
 * same keys serve SLURM and HTCondor; each executor uses what it has (HTCondor has no partition or
 * account; at CERN `time` becomes +MaxRuntime). Example profile:
 *   {"cpus": 2, "memory": "4G", "time": "12:00:00", "partition": "short", "account": "cms",
 *    "extra": ["--qos=normal"], "command": "/cvmfs/sft.cern.ch/.../node /afs/.../bin/tagscape.js"}
 */
import fs from 'node:fs';
import { z } from 'zod';

export const Resources = z.object({
  /** CPUs per task. @default 1 */
  cpus: z.number().int().min(1).max(1024).optional(),
  /** Memory per task: MB as a number, or "4G", "1500M". @default "2G" */
  memory: z.union([z.number().int().positive(), z.string().regex(/^\d+(\.\d+)?\s*[KMGT]?B?$/i, 'memory is a number of MB or e.g. "4G"')]).optional(),
  /** Wall time per task, SLURM's forms ("90", "12:00:00", "1-00:00:00"). @default "04:00:00" */
  time: z.string().regex(/^(\d+-)?\d+(:\d{1,2}){0,2}$/, 'time is minutes or [D-]HH:MM:SS').optional(),
  partition: z.string().regex(/^[\w.,-]+$/).optional(),
  account: z.string().regex(/^[\w.-]+$/).optional(),
  /** Extra scheduler lines, verbatim: `--qos=x` or `#SBATCH --qos=x` for SLURM, `+JobFlavour = "workday"` for HTCondor. */
  extra: z.array(z.string().max(1000).refine((s) => !/[\r\n]/.test(s), 'one line each')).optional(),
  /** The program running tagscape, as one string (see command.ts). @default this node and bin/tagscape.js */
  command: z.string().min(1).max(4096).optional(),
  /** SLURM: at most this many tasks at once (`--array=...%N`). */
  maxRunning: z.number().int().min(1).optional(),
}).strict();
export type Resources = z.infer<typeof Resources>;

export const RESOURCE_DEFAULTS = { cpus: 1, memory: '2G', time: '04:00:00' } as const;

export function readProfile(file: string): Resources {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: cannot read the profile (${(err as Error).message.split('\n')[0]}); it is a JSON object such as {"cpus": 2, "memory": "4G", "time": "12:00:00"}.`);
  }
  const p = Resources.safeParse(raw);
  if (!p.success) {
    const i = p.error.issues[0];
    throw new Error(`${file}: ${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}.`);
  }
  return p.data;
}

/** Memory in MB (SLURM's --mem unit, HTCondor's request_memory unit). */
export function memoryMB(m: Resources['memory']): number {
  if (typeof m === 'number') return m;
  const r = /^(\d+(?:\.\d+)?)\s*([KMGT]?)B?$/i.exec(String(m ?? RESOURCE_DEFAULTS.memory))!;
  const f = { K: 1 / 1024, M: 1, G: 1024, T: 1024 * 1024, '': 1 }[r[2].toUpperCase() as 'K' | 'M' | 'G' | 'T' | ''];
  return Math.ceil(Number(r[1]) * f);
}

/** Wall time in seconds (HTCondor's +MaxRuntime). */
export function timeSeconds(t: string): number {
  const m = /^(?:(\d+)-)?(\d+)(?::(\d{1,2}))?(?::(\d{1,2}))?$/.exec(t)!;
  const days = Number(m[1] ?? 0);
  const parts = [m[2], m[3], m[4]].filter((x) => x !== undefined).map(Number);
  // SLURM: "M", "M:S", "H:M:S"; with days "D-H", "D-H:M", "D-H:M:S".
  let s: number;
  if (m[1] !== undefined) s = (parts[0] ?? 0) * 3600 + (parts[1] ?? 0) * 60 + (parts[2] ?? 0);
  else if (parts.length === 1) s = parts[0] * 60;
  else if (parts.length === 2) s = parts[0] * 60 + parts[1];
  else s = parts[0] * 3600 + parts[1] * 60 + parts[2];
  return days * 86400 + s;
}
