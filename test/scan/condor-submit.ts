/**
 * A validator for HTCondor submit description files (there is no HTCondor package for Debian 12, so the
 * generated files are checked against the language's rules instead of condor_submit). Rules from the
 * condor_submit manual:
 *   - lines are blank, comments (# first), `key = value` (keys case-insensitive; `+Attr` or `MY.Attr` set a
 *     job ClassAd attribute, whose value must be a ClassAd expression), or a queue statement; a trailing
 *     backslash continues a line;
 *   - macros $(name) (optionally $(name:default)) and $ENV(name) must be closed, and name a macro defined
 *     earlier in the file, a queue variable or a built-in ($(ClusterId), $(ProcId), $(Process), ...);
 *   - `queue [N] [var[,var...] from FILE | in (a, b) | matching pattern]`, the last statement; the file
 *     given to `from` must exist (relative to the submit file's folder) and have one field per variable;
 *   - "new" arguments syntax: the value in double quotes, arguments apart by whitespace, single quotes
 *     group one argument, '' and "" are literal quotes;
 *   - required: executable, request_cpus (a positive integer), request_memory (MB, optionally with a
 *     unit), and log; universe, should_transfer_files and getenv take one of their known values.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface SubmitFile {
  commands: Map<string, string>;
  attributes: Map<string, string>;
  queue: { count: number; vars: string[]; mode: 'from' | 'in' | 'matching' | null; source: string | null; items: string[][] };
}

const BUILTINS = new Set(['clusterid', 'cluster', 'procid', 'process', 'node', 'step', 'item', 'itemindex', 'row', 'requestcpus', 'requestmemory', 'requestdisk']);
const UNIVERSES = new Set(['vanilla', 'scheduler', 'local', 'grid', 'java', 'vm', 'parallel', 'docker', 'container']);

/** Split an arguments value in the new syntax into argv; throws on a quoting error. */
export function parseArguments(value: string): string[] {
  if (!(value.length >= 2 && value.startsWith('"') && value.endsWith('"'))) throw new Error('arguments in the new syntax must be enclosed in double quotes');
  const s = value.slice(1, -1);
  const args: string[] = [];
  let cur: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"') {
      if (s[i + 1] !== '"') throw new Error(`unescaped double quote in arguments at ${i} (write "")`);
      cur = (cur ?? '') + '"';
      i++;
    } else if (c === "'") {
      cur ??= '';
      for (i++; ; i++) {
        if (i >= s.length) throw new Error('unterminated single quote in arguments');
        if (s[i] === "'" && s[i + 1] === "'") {
          cur += "'";
          i++;
        } else if (s[i] === "'") break;
        else if (s[i] === '"') {
          if (s[i + 1] !== '"') throw new Error('unescaped double quote inside single quotes in arguments');
          cur += '"';
          i++;
        } else cur += s[i];
      }
    } else if (/\s/.test(c)) {
      if (cur !== null) args.push(cur);
      cur = null;
    } else cur = (cur ?? '') + c;
  }
  if (cur !== null) args.push(cur);
  return args;
}

/** Every macro reference in a value; throws on an unclosed one. */
function macros(value: string, where: string): string[] {
  const names: string[] = [];
  for (let i = value.indexOf('$'); i >= 0; i = value.indexOf('$', i + 1)) {
    const rest = value.slice(i);
    if (rest.startsWith('$$(')) {
      // $$(attr): from the machine ad at match time.
      if (!rest.includes(')')) throw new Error(`${where}: unclosed $$( macro`);
      i++;
      continue;
    }
    const m = /^\$(ENV|RANDOM_INTEGER|RANDOM_CHOICE|INT|REAL|F[a-z]*)?\(/.exec(rest);
    if (!m) continue;
    let depth = 0;
    let end = -1;
    for (let j = m[0].length - 1; j < rest.length; j++) {
      if (rest[j] === '(') depth++;
      else if (rest[j] === ')' && --depth === 0) {
        end = j;
        break;
      }
    }
    if (end < 0) throw new Error(`${where}: unclosed macro ${rest.slice(0, 20)}`);
    const body = rest.slice(m[0].length, end);
    if (!m[1]) {
      const name = body.split(':')[0];
      if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name)) throw new Error(`${where}: "${name}" is not a macro name`);
      names.push(name);
    }
  }
  return names;
}

/** A ClassAd expression for a +Attr value: a number, a boolean, a quoted string, or an expression of names. */
function checkClassAdValue(value: string, where: string): void {
  if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value) || /^(true|false|undefined)$/i.test(value)) return;
  if (value.startsWith('"')) {
    if (!/^"([^"\\]|\\.)*"$/.test(value)) throw new Error(`${where}: a string value must be one double-quoted string`);
    return;
  }
  if (/^[A-Za-z_$][\w.$()*+\-/<>=!&| ]*$/.test(value)) return;
  throw new Error(`${where}: "${value}" is not a ClassAd expression (quote strings)`);
}

export function validateSubmitFile(file: string): SubmitFile {
  const text = fs.readFileSync(file, 'utf8');
  const raw = text.split('\n');
  const lines: Array<{ n: number; text: string }> = [];
  for (let i = 0; i < raw.length; i++) {
    let t = raw[i];
    const n = i + 1;
    while (t.endsWith('\\') && i + 1 < raw.length) t = t.slice(0, -1) + raw[++i];
    lines.push({ n, text: t.trim() });
  }
  const commands = new Map<string, string>();
  const attributes = new Map<string, string>();
  const defined = new Set<string>(BUILTINS);
  const pendingRefs: Array<{ name: string; where: string }> = [];
  let queue: SubmitFile['queue'] | null = null;
  for (const { n, text: t } of lines) {
    const where = `${path.basename(file)}:${n}`;
    if (t === '' || t.startsWith('#')) continue;
    if (queue) throw new Error(`${where}: a statement after the queue statement is ignored by condor_submit`);
    if (/^queue(\s|$)/i.test(t)) {
      const m = /^queue(?:\s+(\d+))?(?:\s+([A-Za-z_][\w]*(?:\s*,\s*[A-Za-z_][\w]*)*)\s+(from|in|matching)\s+(.+))?\s*$/i.exec(t);
      if (!m) throw new Error(`${where}: malformed queue statement "${t}"`);
      const vars = m[2] ? m[2].split(',').map((v) => v.trim()) : [];
      const mode = (m[3]?.toLowerCase() ?? null) as SubmitFile['queue']['mode'];
      let items: string[][] = [];
      if (mode === 'from') {
        const src = m[4].trim();
        if (src.startsWith('(')) throw new Error(`${where}: inline "from (" lists go on the following lines; use a file here`);
        const listFile = path.resolve(path.dirname(file), src);
        if (!fs.existsSync(listFile)) throw new Error(`${where}: the queue file ${src} does not exist`);
        items = fs.readFileSync(listFile, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).map((l) => l.split(/[\s,]+/));
        const bad = items.find((f) => f.length !== vars.length);
        if (bad) throw new Error(`${where}: ${src} has a line with ${bad.length} fields for ${vars.length} variable(s)`);
        if (items.length === 0) throw new Error(`${where}: ${src} lists no items`);
      } else if (mode === 'in') {
        const inner = /^\((.*)\)$/.exec(m[4].trim());
        if (!inner) throw new Error(`${where}: "in" takes a parenthesised list`);
        items = inner[1].split(',').map((x) => [x.trim()]);
      }
      if (vars.length === 0 && mode) throw new Error(`${where}: ${mode} needs variable names`);
      for (const v of vars.length ? vars : mode ? ['item'] : []) defined.add(v.toLowerCase());
      queue = { count: m[1] ? Number(m[1]) : 1, vars, mode, source: m[4]?.trim() ?? null, items };
      continue;
    }
    const kv = /^([+]?[A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/.exec(t);
    if (!kv) throw new Error(`${where}: "${t}" is neither "key = value" nor a queue statement`);
    const [, key, value] = kv;
    for (const name of macros(value, where)) pendingRefs.push({ name, where });
    if (key.startsWith('+') || /^my\./i.test(key)) {
      checkClassAdValue(value, where);
      attributes.set(key.replace(/^\+|^my\./i, ''), value);
    } else {
      if (commands.has(key.toLowerCase())) throw new Error(`${where}: ${key} is set twice`);
      commands.set(key.toLowerCase(), value);
      defined.add(key.toLowerCase());
    }
  }
  if (!queue) throw new Error(`${path.basename(file)}: no queue statement, so no job would be submitted`);
  for (const r of pendingRefs) if (!defined.has(r.name.toLowerCase())) throw new Error(`${r.where}: $(${r.name}) is not defined`);
  for (const k of ['executable', 'request_cpus', 'request_memory', 'log']) if (!commands.get(k)) throw new Error(`${path.basename(file)}: "${k}" is missing`);
  if (!/^[1-9]\d*$/.test(commands.get('request_cpus')!)) throw new Error('request_cpus must be a positive integer');
  if (!/^[1-9]\d*(\.\d+)?\s*([KMGT]B?)?$/i.test(commands.get('request_memory')!)) throw new Error('request_memory must be MB or a quantity with a unit');
  const u = commands.get('universe');
  if (u !== undefined && !UNIVERSES.has(u.toLowerCase())) throw new Error(`universe "${u}" is not one HTCondor knows`);
  const stf = commands.get('should_transfer_files');
  if (stf !== undefined && !/^(YES|NO|IF_NEEDED)$/i.test(stf)) throw new Error('should_transfer_files is YES, NO or IF_NEEDED');
  const ge = commands.get('getenv');
  if (ge !== undefined && !/^(true|false)$/i.test(ge) && !/^[\w*,\s]+$/.test(ge)) throw new Error('getenv is True, False or a list of variables');
  const args = commands.get('arguments');
  if (args !== undefined) parseArguments(args);
  return { commands, attributes, queue };
}
