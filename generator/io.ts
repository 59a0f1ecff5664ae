/**
 * The only generator module that touches the disk: read a catalog directory,
 * compare generated files with what is on disk, and write them atomically.
 *
 * Reading never throws on what the directory holds (a directory named
 * `x.yaml`, a FIFO, a symlink loop, a file that is not UTF-8 or too large):
 * each becomes a `Problem` at `file:line:col`. Writing is all or nothing for
 * the whole set of generated files (see `writeGenerated`).
 */
import {
  closeSync,
  copyFileSync,
  fstatSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeSync,
  type Dirent,
  type Stats,
} from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import type { Problem, SourceFile } from './catalog/source.js';
import { BANNER_MARKER, type GeneratedFile } from './emit/output.js';
import { compareText } from './order.js';

/** What a catalog directory may hold; the repository's catalog is about 150 KiB in 24 files. */
export const CATALOG_LIMITS = {
  maxFileBytes: 2 * 1024 * 1024,
  maxTotalBytes: 8 * 1024 * 1024,
  maxFiles: 1000,
} as const;

export class CatalogDirError extends Error {
  /** One problem per unreadable entry (`file:1:1` unless a position is known); empty when the directory itself is unusable (the message says why). */
  readonly problems: readonly Problem[];
  constructor(message: string, problems: readonly Problem[] = []) {
    super(message);
    this.name = 'CatalogDirError';
    this.problems = problems;
  }
}

/**
 * Every `*.yaml` / `*.yml` file of a catalog directory (not recursive; dot
 * files such as editor locks are skipped), with display paths relative to cwd.
 * Throws CatalogDirError (never anything else) when the directory or one of
 * its entries cannot be used as a catalog source.
 */
export function readCatalogDir(dir: string): SourceFile[] {
  const { sources, problems, error } = readCatalog(dir);
  if (error !== undefined) throw new CatalogDirError(error);
  if (problems.length > 0) throw new CatalogDirError(`${displayPath(dir)}: ${problems.length} unreadable catalog file${problems.length === 1 ? '' : 's'}`, problems);
  return sources;
}

/** The non-throwing form of readCatalogDir: the sources read, a problem per entry that could not be, or why the directory itself is unusable. */
export function readCatalog(dir: string): { sources: SourceFile[]; problems: Problem[]; error?: string } {
  let entries: Dirent[];
  try {
    if (!statSync(dir).isDirectory()) return { sources: [], problems: [], error: `${dir}: not a catalog directory` };
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    const code = errorCode(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') return { sources: [], problems: [], error: `${dir}: not a catalog directory` };
    return { sources: [], problems: [], error: `${dir}: not a catalog directory: ${describeFsError(e)}` };
  }
  const names = entries
    .map((e) => e.name)
    .filter((f) => /\.ya?ml$/.test(f) && !f.startsWith('.'))
    .sort(compareText);
  const sources: SourceFile[] = [];
  const problems: Problem[] = [];
  const problem = (path: string, message: string, line = 1, col = 1) => problems.push({ file: path, line, col, message });
  if (names.length > CATALOG_LIMITS.maxFiles) {
    return { sources: [], problems: [], error: `${dir}: ${names.length} YAML files; a catalog directory may hold at most ${CATALOG_LIMITS.maxFiles}` };
  }
  let total = 0;
  for (const name of names) {
    const full = join(dir, name);
    const shown = displayPath(full);
    const read = readCatalogFile(full);
    if ('problem' in read) {
      problem(shown, read.problem);
      continue;
    }
    total += read.bytes.length;
    if (total > CATALOG_LIMITS.maxTotalBytes) {
      problem(shown, `the catalog's files add up to more than ${formatBytes(CATALOG_LIMITS.maxTotalBytes)}; a catalog may be at most that large`);
      break;
    }
    const bad = firstInvalidUtf8(read.bytes);
    if (bad !== undefined) {
      const { line, col } = lineColOfByte(read.bytes, bad);
      problem(shown, `not UTF-8 text: byte 0x${read.bytes[bad]!.toString(16).toUpperCase().padStart(2, '0')} is not valid here (save the file as UTF-8)`, line, col);
      continue;
    }
    sources.push({ path: shown, text: read.bytes.toString('utf8') });
  }
  return { sources, problems };
}

/** Reads one regular file, at most the size limit (plus one byte, to know it is over). */
function readCatalogFile(path: string): { bytes: Buffer } | { problem: string } {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return { problem: 'cannot read: a symbolic link to nothing' };
    return { problem: `cannot read: ${describeFsError(e)}` };
  }
  if (stats.isDirectory()) return { problem: 'is a directory, not a catalog file: rename it or move it out of the catalog directory' };
  if (!stats.isFile()) return { problem: 'not a regular file (a FIFO, socket or device): a catalog file must be a plain file' };
  if (stats.size > CATALOG_LIMITS.maxFileBytes) return { problem: tooLarge(stats.size) };
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    return { problem: `cannot read: ${describeFsError(e)}` };
  }
  try {
    // The file may be replaced between stat and open: check again what was opened.
    if (!fstatSync(fd).isFile()) return { problem: 'not a regular file: a catalog file must be a plain file' };
    const buffer = Buffer.alloc(CATALOG_LIMITS.maxFileBytes + 1);
    let n = 0;
    for (;;) {
      const r = readSync(fd, buffer, n, buffer.length - n, null);
      if (r === 0) break;
      n += r;
      if (n === buffer.length) return { problem: tooLarge(n) };
    }
    return { bytes: buffer.subarray(0, n) };
  } catch (e) {
    return { problem: `cannot read: ${describeFsError(e)}` };
  } finally {
    closeSync(fd);
  }
}

function tooLarge(size: number): string {
  return `${size > CATALOG_LIMITS.maxFileBytes + 1 ? formatBytes(size) : `more than ${formatBytes(CATALOG_LIMITS.maxFileBytes)}`}: a catalog file may be at most ${formatBytes(CATALOG_LIMITS.maxFileBytes)}; split it`;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB` : `${n} bytes`;
}

/** The offset of the first byte that is not part of well-formed UTF-8 (no overlongs, surrogates or code points above U+10FFFF), if any. */
export function firstInvalidUtf8(bytes: Uint8Array): number | undefined {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) (need = 1), (min = 0x80);
    else if (b >= 0xe0 && b <= 0xef) (need = 2), (min = 0x800);
    else if (b >= 0xf0 && b <= 0xf4) (need = 3), (min = 0x10000);
    else return i;
    let cp = b & (0xff >> (need + 2));
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return undefined;
}

/** Line and column (in characters, 1-based) of a byte offset; the bytes before it are valid UTF-8. */
function lineColOfByte(bytes: Buffer, offset: number): { line: number; col: number } {
  const before = bytes.subarray(0, offset).toString('utf8');
  const lines = before.split('\n');
  return { line: lines.length, col: [...lines.at(-1)!.replace(/^\uFEFF/, '')].length + 1 };
}

export function displayPath(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel.startsWith('..') ? p : rel.split(sep).join('/');
}

// ---------------------------------------------------------------- comparing

export interface Drift {
  readonly stale: string[];
  readonly missing: string[];
  /** Generated files on disk (they carry the banner) that the catalog no longer produces. */
  readonly orphaned: string[];
}

/**
 * A file system operation that failed: `path` is the file the generator could
 * not read or write, `reason` why (`no space left on device`). When it comes
 * from writeGenerated, nothing on disk was changed.
 */
export class OutputError extends Error {
  readonly path: string;
  readonly reason: string;
  readonly code: string | undefined;
  constructor(readonly op: 'read' | 'write', path: string, cause: unknown) {
    const reason = typeof cause === 'string' ? cause : describeFsError(cause);
    super(`cannot ${op} ${path}: ${reason}`);
    this.name = 'OutputError';
    this.path = path;
    this.reason = reason;
    this.code = typeof cause === 'string' ? undefined : errorCode(cause);
  }
}

export function compareWithDisk(outDir: string, files: readonly GeneratedFile[]): Drift {
  const drift: Drift = { stale: [], missing: [], orphaned: [] };
  const expected = new Set(files.map((f) => checkRelativePath(f.path)));
  const outStats = statOrUndefined(outDir, 'read');
  if (outStats && !outStats.isDirectory()) throw new OutputError('read', outDir, 'not a directory');
  for (const f of files) {
    const full = join(outDir, f.path);
    const stats = outStats ? statOrUndefined(full, 'read') : undefined;
    if (!stats) drift.missing.push(f.path);
    else if (!stats.isFile() || !sameContent(full, f.content)) drift.stale.push(f.path);
  }
  if (outStats) for (const path of listGenerated(outDir)) if (!expected.has(path)) drift.orphaned.push(path);
  return drift;
}

function sameContent(path: string, content: string): boolean {
  const want = Buffer.from(content, 'utf8');
  const fd = openOrThrow(path, 'r', 'read');
  try {
    if (fstatSync(fd).size !== want.length) return false;
    const have = Buffer.alloc(want.length);
    let n = 0;
    while (n < have.length) {
      const r = readSync(fd, have, n, have.length - n, null);
      if (r === 0) break;
      n += r;
    }
    return n === want.length && have.equals(want);
  } catch (e) {
    throw new OutputError('read', path, e);
  } finally {
    closeSync(fd);
  }
}

/** Generated paths are relative, with `/`, and never climb out of the output directory. */
function checkRelativePath(path: string): string {
  const parts = path.split('/');
  if (path === '' || path.startsWith('/') || path.includes('\\') || parts.some((p) => p === '' || p === '.' || p === '..' || p.startsWith('.')) || path.includes('\0')) {
    throw new OutputError('write', path, 'not a plain relative path inside the output directory');
  }
  return path;
}

// ---------------------------------------------------------------- writing

/** Our temporary and backup siblings: `.<name>.<pid>.rrgen-tmp` / `.rrgen-bak`, hidden, and ending in no extension a tool would pick up. */
const LEFTOVER = /^\.(.+)\.(\d+)\.rrgen-(tmp|bak)$/;
/** The temporary files of earlier versions of this tool: `<name>.tmp-<pid>`. */
const OLD_LEFTOVER = /^(.+)\.tmp-(\d+)$/;

function sibling(full: string, kind: 'tmp' | 'bak'): string {
  return join(dirname(full), `.${basename(full)}.${process.pid}.rrgen-${kind}`);
}

/** File operations writeGenerated uses, replaceable by tests to fail one of them on purpose. */
export interface WriteFs {
  writeFile(path: string, content: string): void;
  link(existing: string, backup: string): void;
  rename(from: string, to: string): void;
  unlink(path: string): void;
}

const realFs: WriteFs = {
  writeFile(path, content) {
    // `wx`: never follow a symlink planted at the temporary name. fsync: delayed allocation
    // would otherwise report a full disk only after the rename.
    const fd = openSync(path, 'wx', 0o666);
    try {
      const bytes = Buffer.from(content, 'utf8');
      let n = 0;
      while (n < bytes.length) n += writeSync(fd, bytes, n, bytes.length - n);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  },
  link(existing, backup) {
    try {
      linkSync(existing, backup);
    } catch (e) {
      // A file system without hard links: copy (this allocates, but before anything changed).
      if (['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EMLINK'].includes(errorCode(e) ?? '')) copyFileSync(existing, backup);
      else throw e;
    }
  },
  rename: renameSync,
  unlink: unlinkSync,
};

/**
 * Writes only what changed, as one all-or-nothing step for the whole set:
 *
 * 1. leftovers of an interrupted earlier run (our `.rrgen-tmp`/`.rrgen-bak`
 *    siblings whose process is gone) are removed;
 * 2. every changed file is staged as a temporary sibling, written and synced:
 *    all disk allocation happens here, so a full disk fails here, and then
 *    every temporary file (and every directory this run created) is removed
 *    and the old files are untouched;
 * 3. every file about to be replaced or removed gets a backup (a hard link:
 *    no data is copied);
 * 4. the temporary files are renamed into place and orphaned files moved to
 *    their backups; if a rename fails, everything renamed so far is put back
 *    from the backups;
 * 5. the backups are removed.
 *
 * Everything was generated in memory before this is called, so an invalid
 * catalog never reaches it. Throws OutputError (`cannot write <path>:
 * <reason>`) after restoring the old state.
 */
export function writeGenerated(outDir: string, files: readonly GeneratedFile[], fs: WriteFs = realFs): { written: string[]; removed: string[] } {
  const outStats = statOrUndefined(outDir, 'write');
  if (outStats && !outStats.isDirectory()) throw new OutputError('write', outDir, 'not a directory');
  if (outStats) removeLeftovers(outDir);
  const drift = compareWithDisk(outDir, files);
  const changed = new Set([...drift.stale, ...drift.missing]);
  const plan = files
    .filter((f) => changed.has(f.path))
    .map((f) => {
      const full = join(outDir, f.path);
      return { path: f.path, full, content: f.content, tmp: sibling(full, 'tmp'), bak: sibling(full, 'bak'), existed: drift.stale.includes(f.path) };
    });
  const orphans = drift.orphaned.map((path) => {
    const full = join(outDir, path);
    return { path, full, bak: sibling(full, 'bak') };
  });
  if (plan.length === 0 && orphans.length === 0) return { written: [], removed: [] };

  const createdDirs: string[] = [];
  const staged: string[] = [];
  const backups: string[] = [];
  const undoStaging = () => {
    for (const tmp of [...staged, ...backups]) quietly(() => fs.unlink(tmp));
    for (const d of createdDirs.reverse()) quietly(() => rmdirSync(d));
  };

  // 2. Stage.
  let current = outDir;
  try {
    for (const dir of new Set([outDir, ...plan.map((p) => dirname(p.full))])) {
      current = dir;
      makeDirs(dir, createdDirs);
    }
    for (const p of plan) {
      current = p.full;
      const existing = statOrUndefined(p.full, 'write');
      if (existing?.isDirectory()) throw new OutputError('write', p.full, 'a directory is in the way');
      staged.push(p.tmp); // before writing: a write that fails half-way leaves a file to remove
      fs.writeFile(p.tmp, p.content);
    }
    // 3. Back up what will be replaced or removed.
    for (const p of plan.filter((x) => x.existed)) {
      current = p.full;
      backups.push(p.bak);
      fs.link(p.full, p.bak);
    }
  } catch (e) {
    undoStaging();
    throw e instanceof OutputError ? e : new OutputError('write', current, e);
  }

  // 4. Commit: renames only.
  const done: { full: string; bak?: string }[] = [];
  try {
    for (const p of plan) {
      current = p.full;
      fs.rename(p.tmp, p.full);
      done.push(p.existed ? { full: p.full, bak: p.bak } : { full: p.full });
    }
    for (const o of orphans) {
      // Not linked in step 3: renaming a file onto a hard link of itself does nothing.
      current = o.full;
      backups.push(o.bak);
      fs.rename(o.full, o.bak);
      done.push({ full: o.full, bak: o.bak });
    }
  } catch (e) {
    // Put back, newest first: a replaced file from its backup, a new one removed, an orphan restored.
    const failures: string[] = [];
    for (const d of done.reverse()) {
      try {
        if (d.bak) fs.rename(d.bak, d.full);
        else fs.unlink(d.full);
      } catch {
        failures.push(d.full);
      }
    }
    const restored = new Set(done.map((d) => d.bak));
    for (const tmp of [...staged, ...backups]) if (!restored.has(tmp)) quietly(() => fs.unlink(tmp));
    for (const d of createdDirs.reverse()) quietly(() => rmdirSync(d));
    const error = new OutputError('write', current, e);
    if (failures.length > 0) {
      throw new OutputError('write', current, `${error.reason}; and could not restore ${failures.join(', ')} (their old content is in the .rrgen-bak files beside them)`);
    }
    throw error;
  }

  // 5. Done: the backups are no longer needed.
  for (const b of backups) quietly(() => fs.unlink(b));
  return { written: plan.map((p) => p.path), removed: orphans.map((o) => o.path) };
}

function makeDirs(dir: string, created: string[]): void {
  const stats = statOrUndefined(dir, 'write');
  if (stats) {
    if (!stats.isDirectory()) throw new OutputError('write', dir, 'not a directory');
    return;
  }
  makeDirs(dirname(dir), created);
  try {
    mkdirSync(dir);
  } catch (e) {
    throw new OutputError('write', dir, e);
  }
  created.push(dir);
}

/** Removes our temporary and backup files below `dir` whose process has ended (a run that was killed). */
export function removeLeftovers(dir: string): string[] {
  const removed: string[] = [];
  const walk = (d: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) {
        walk(full);
        continue;
      }
      if (!entry.isFile() && !entry.isSymbolicLink()) continue; // unlinking a planted symlink never touches its target
      const m = LEFTOVER.exec(entry.name) ?? OLD_LEFTOVER.exec(entry.name);
      if (!m || isAlive(Number(m[2]))) continue;
      try {
        unlinkSync(full);
        removed.push(full);
      } catch (e) {
        throw new OutputError('write', full, e);
      }
    }
  };
  walk(dir);
  return removed;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return false; // our own pid: left by an earlier process that had it
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errorCode(e) === 'EPERM';
  }
}

/** Files below `dir` that carry the generated banner (hand-written files there are left alone; symlinks and special files are never followed). */
function listGenerated(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw new OutputError('read', dir, e);
  }
  for (const entry of entries.sort((a, b) => compareText(a.name, b.name))) {
    if (LEFTOVER.test(entry.name) || OLD_LEFTOVER.test(entry.name)) continue;
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listGenerated(full, rel));
    else if (entry.isFile() && startsWithBanner(full)) out.push(rel);
  }
  return out;
}

/** Whether a file carries the banner in its first 400 bytes; reads only those (generated files can be large). */
function startsWithBanner(path: string): boolean {
  const fd = openOrThrow(path, 'r', 'read');
  try {
    const head = Buffer.alloc(400);
    const n = readSync(fd, head, 0, head.length, 0);
    return head.toString('utf8', 0, n).includes(BANNER_MARKER);
  } catch (e) {
    throw new OutputError('read', path, e);
  } finally {
    closeSync(fd);
  }
}

// ---------------------------------------------------------------- small helpers

/** A path's stats (through symlinks); undefined when nothing is there (or a parent is a file: writing will say so). */
function statOrUndefined(path: string, op: 'read' | 'write'): Stats | undefined {
  try {
    return statSync(path);
  } catch (e) {
    const code = errorCode(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new OutputError(op, path, e);
  }
}

function openOrThrow(path: string, flags: string, op: 'read' | 'write'): number {
  try {
    return openSync(path, flags);
  } catch (e) {
    throw new OutputError(op, path, e);
  }
}

function quietly(f: () => void): void {
  try {
    f();
  } catch {
    // best effort: cleaning up after a failure must not hide the failure
  }
}

function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

const REASONS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EEXIST: 'already exists',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'name too long',
  EMFILE: 'too many open files',
  EBUSY: 'resource busy',
  EIO: 'input/output error',
  EXDEV: 'cross-device link',
};

/** `no space left on device (ENOSPC)`: the system's reason in words, and its code. */
export function describeFsError(e: unknown): string {
  const code = errorCode(e);
  if (code && REASONS[code]) return `${REASONS[code]} (${code})`;
  if (e instanceof Error) return e.message;
  return String(e);
}
