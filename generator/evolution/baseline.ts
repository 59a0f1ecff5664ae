/**
 * Reading the baseline catalog: a directory (a committed snapshot of the
 * released contract), or the catalog directory at a git revision, read with
 * `git ls-tree` and `git show` (no checkout: the working tree is never
 * touched). Like generator/io.ts, this is I/O for the CLI; the checker
 * (compare.ts) only sees the built models.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import type { SourceFile } from '../catalog/source.js';
import { readCatalogDir } from '../io.js';

export class BaselineError extends Error {}

export interface Baseline {
  /** How messages name it: the directory, or `REV:PATH`. */
  readonly label: string;
  readonly sources: SourceFile[];
}

/**
 * `spec` is a directory when one exists at that path; otherwise a git
 * revision (`main`, `v1.2.0`, `HEAD~1`), optionally `REV:PATH` with PATH the
 * catalog directory from the repository root (default: `catalogDir`'s).
 */
export function readBaseline(spec: string, catalogDir: string): Baseline {
  if (existsSync(spec) && statSync(spec).isDirectory()) {
    return { label: spec, sources: readCatalogDir(spec) };
  }
  const colon = spec.indexOf(':');
  const rev = colon >= 0 ? spec.slice(0, colon) : spec;
  if (rev === '' || rev.startsWith('-')) throw new BaselineError(`${spec}: not a directory, nor a git revision`);
  const top = git(['rev-parse', '--show-toplevel'], process.cwd(), `${spec}: not a directory, and ${process.cwd()} is not in a git repository`).trim();
  const path = colon >= 0 ? spec.slice(colon + 1).replace(/^\/+|\/+$/g, '') : relative(top, resolve(catalogDir)).split(sep).join('/');
  if (path.startsWith('..')) throw new BaselineError(`${catalogDir} is outside the git repository ${top}; give the baseline as REV:PATH`);
  git(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], top, `${spec}: not a directory, nor a git revision of ${top}`);
  const listing = git(['ls-tree', '--name-only', '-z', `${rev}:${path}`], top, `${spec}: the revision ${rev} has no directory ${path || '.'}`);
  const names = listing.split('\0').filter((n) => /\.ya?ml$/.test(n)).sort();
  return {
    label: `${rev}:${path}`,
    sources: names.map((name) => {
      const file = path ? `${path}/${name}` : name;
      return { path: `${rev}:${file}`, text: git(['show', `${rev}:${file}`], top, `${rev}:${file}: cannot be read`) };
    }),
  };
}

function git(args: string[], cwd: string, failure: string): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch {
    throw new BaselineError(failure);
  }
}
