/** What the packaged app must ship: the packages the built main-process bundles load, with their dependencies. */
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers.ts';

interface LockEntry {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/**
 * Every runtime dependency the bundles in `outMain` (out/main) name, in an import or as a specifier held in
 * a variable, and everything those depend on (from package-lock.json), as package names. With
 * `installedOnly`, packages absent from node_modules (an optional one that failed to install) are left
 * out with what only they depend on.
 */
export function mainProcessPackages(outMain: string, installedOnly = false): Set<string> {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; optionalDependencies: Record<string, string> };
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const declared = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies)]);
  // (Less the JobManager's default `--import tsx` fork of the sources: the app passes its own spawner.)
  const code = fs.readdirSync(outMain).map((f) => fs.readFileSync(path.join(outMain, f), 'utf8')).join('\n').replace(/"--import",\s*"tsx"/g, '');
  const named = new Set([...code.matchAll(/["'`]((?:@[\w.-]+\/)?[\w.-]+)(?:\/[\w./-]*)?["'`]/g)].map((m) => m[1]).filter((n) => declared.has(n)));
  const needed = new Set<string>();
  const visit = (name: string) => {
    const entry = lock.packages[`node_modules/${name}`];
    if (!entry || needed.has(name) || (installedOnly && !fs.existsSync(path.join(ROOT, 'node_modules', name)))) return;
    needed.add(name);
    for (const d of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) visit(d);
  };
  named.forEach(visit);
  return needed;
}

/** The packages electron-builder.yml leaves out whole (`"!node_modules/<name>{,/**}"`). */
export function excludedPackages(): string[] {
  const yml = fs.readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8');
  return [...yml.matchAll(/^\s*-\s*"!node_modules\/((?:@[^/{"]+\/)?[^/{"]+)\{,\/\*\*\}"/gm)].map((m) => m[1]);
}
