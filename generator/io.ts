/**
 * The only generator module that touches the disk: read a catalog directory,
 * compare generated files with what is on disk, and write them atomically.
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { SourceFile } from './catalog/source.js';
import { BANNER_MARKER, type GeneratedFile } from './emit/output.js';
import { compareText } from './order.js';

/** Every `*.yaml` / `*.yml` file of a catalog directory (not recursive), with display paths relative to cwd. */
export function readCatalogDir(dir: string): SourceFile[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new CatalogDirError(`${dir}: not a catalog directory`);
  }
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => {
      const full = join(dir, f);
      return { path: displayPath(full), text: readFileSync(full, 'utf8') };
    });
}

export class CatalogDirError extends Error {}

export function displayPath(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel.startsWith('..') ? p : rel.split(sep).join('/');
}

export interface Drift {
  readonly stale: string[];
  readonly missing: string[];
  /** Generated files on disk (they carry the banner) that the catalog no longer produces. */
  readonly orphaned: string[];
}

export function compareWithDisk(outDir: string, files: readonly GeneratedFile[]): Drift {
  const drift: Drift = { stale: [], missing: [], orphaned: [] };
  const expected = new Set(files.map((f) => f.path));
  for (const f of files) {
    const full = join(outDir, f.path);
    if (!existsSync(full)) drift.missing.push(f.path);
    else if (readFileSync(full, 'utf8') !== f.content) drift.stale.push(f.path);
  }
  for (const path of listGenerated(outDir)) if (!expected.has(path)) drift.orphaned.push(path);
  return drift;
}

/**
 * Writes only what changed. Each file goes to a temporary sibling first and is
 * renamed into place, so a crash never leaves a half-written file; everything
 * was generated in memory before the first write, so an invalid catalog never
 * reaches this point.
 */
export function writeGenerated(outDir: string, files: readonly GeneratedFile[]): { written: string[]; removed: string[] } {
  const drift = compareWithDisk(outDir, files);
  const changed = new Set([...drift.stale, ...drift.missing]);
  const written: string[] = [];
  for (const f of files) {
    if (!changed.has(f.path)) continue;
    const full = join(outDir, f.path);
    mkdirSync(dirname(full), { recursive: true });
    const tmp = `${full}.tmp-${process.pid}`;
    writeFileSync(tmp, f.content);
    renameSync(tmp, full);
    written.push(f.path);
  }
  for (const path of drift.orphaned) rmSync(join(outDir, path));
  return { written, removed: drift.orphaned };
}

/** Files below `dir` that carry the generated banner (hand-written files there are left alone). */
function listGenerated(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => compareText(a.name, b.name))) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listGenerated(full, rel));
    else if (startsWithBanner(full)) out.push(rel);
  }
  return out;
}

/** Whether a file carries the banner in its first 400 bytes; reads only those (generated files can be large). */
function startsWithBanner(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(400);
    const n = readSync(fd, head, 0, head.length, 0);
    return head.toString('utf8', 0, n).includes(BANNER_MARKER);
  } finally {
    closeSync(fd);
  }
}
