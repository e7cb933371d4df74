/**
 * The command a batch system runs for one task: a plain `tagscape scan task` call on Node, no Electron.
 * By default this Node binary and this checkout's bin/tagscape.js, by absolute path (the paths must be
 * the same on the worker nodes, as on a shared file system); a profile or --command can name another, e.g.
 * `apptainer exec tagscape.sif tagscape` or a Node installed on CVMFS/AFS.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINE_NODE_FLAGS } from '../node-flags.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const TAGSCAPE_BIN = path.join(ROOT, 'bin', 'tagscape.js');

/** @default [absolute node, its flags (node-flags.ts), absolute bin/tagscape.js] */
export function defaultCommand(): string[] {
  return [process.execPath, ...ENGINE_NODE_FLAGS, TAGSCAPE_BIN];
}

/** Split a command given as one string on whitespace, honouring single and double quotes. */
export function splitCommand(text: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) words.push(m[1] ?? m[2] ?? m[3]);
  if (words.length === 0) throw new Error('The task command is empty; give the program that runs tagscape, e.g. "/usr/bin/node /opt/tagscape/bin/tagscape.js".');
  return words;
}

/** The arguments after the command that run task `indexVar` (a shell or submit-file variable). */
export function taskArgs(workspace: string, scan: string, indexVar: string, schedulerIdVar?: string): string[] {
  return ['scan', 'task', '--workspace', workspace, '--name', scan, '--index', indexVar, ...(schedulerIdVar ? ['--scheduler-id', schedulerIdVar] : [])];
}

/** POSIX shell quoting: safe inside a bash script whatever the path holds. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
