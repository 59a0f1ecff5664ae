/**
 * writeGenerated is all or nothing for the set of files: a failure at any
 * step (a write while staging, a backup link, a rename while committing)
 * leaves every old file as it was and no temporary or backup file behind.
 * The failures are injected through its `fs` parameter, one step at a time;
 * test/cli/codegen-robust.test.ts does the same with a real full disk.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { linkSync, renameSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BANNER_MARKER, type GeneratedFile } from '../../generator/emit/output.js';
import { compareWithDisk, firstInvalidUtf8, OutputError, readCatalog, writeGenerated, type WriteFs } from '../../generator/io.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rr-io-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const gen = (path: string, body: string): GeneratedFile => ({ path, content: `/* ${BANNER_MARKER} */\n${body}\n` });

function snapshot(root: string): Record<string, string> {
  if (!existsSync(root)) return {};
  const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => statSync(join(root, f)).isFile()).sort();
  return Object.fromEntries(files.map((f) => [f, readFileSync(join(root, f), 'utf8')]));
}

const OLD = [gen('a.ts', 'old a'), gen('b.ts', 'old b'), gen('docs/c.md', 'old c'), gen('gone.ts', 'orphan'), gen('same.ts', 'same')];
// b.ts and docs/c.md change, d.ts and schemas/e.json are new, gone.ts is orphaned, same.ts is unchanged.
const NEW = [gen('a.ts', 'old a'), gen('b.ts', 'new b'), gen('docs/c.md', 'new c'), gen('d.ts', 'new d'), gen('same.ts', 'same'), gen('schemas/e.json', '{}')];

/** A real file system whose `op` fails on its `n`-th call (0-based), like a full disk would. */
function failing(op: keyof WriteFs, n: number, code = 'ENOSPC'): { fs: WriteFs; calls: () => number } {
  let calls = 0;
  const fail = () => Object.assign(new Error(`${code}: injected`), { code });
  const fs: WriteFs = {
    writeFile(path, content) {
      if (op === 'writeFile' && calls++ === n) {
        writeFileSync(path, content.slice(0, 3), { flag: 'wx' }); // half a file, as a full disk leaves it
        throw fail();
      }
      writeFileSync(path, content, { flag: 'wx' });
    },
    link(existing, backup) {
      if (op === 'link' && calls++ === n) throw fail();
      linkSync(existing, backup);
    },
    rename(from, to) {
      if (op === 'rename' && calls++ === n) throw fail();
      renameSync(from, to);
    },
    unlink(path) {
      if (op === 'unlink' && calls++ === n) throw fail();
      unlinkSync(path);
    },
  };
  return { fs, calls: () => calls };
}

describe('writeGenerated', () => {
  it('writes the changed files, removes orphans, leaves unchanged and hand-written files alone', () => {
    writeGenerated(dir, OLD);
    writeFileSync(join(dir, 'notes.md'), 'hand-written\n');
    const result = writeGenerated(dir, NEW);
    expect(result.written.sort()).toEqual(['b.ts', 'd.ts', 'docs/c.md', 'schemas/e.json']);
    expect(result.removed).toEqual(['gone.ts']);
    expect(snapshot(dir)).toEqual({ ...Object.fromEntries(NEW.map((f) => [f.path, f.content])), 'notes.md': 'hand-written\n' });
    expect(compareWithDisk(dir, NEW)).toEqual({ stale: [], missing: [], orphaned: [] });
  });

  for (const op of ['writeFile', 'link', 'rename'] as const) {
    // 4 writes (b, c, d, e), 2 links (b, c), 5 renames (4 files + the orphan).
    const steps = { writeFile: 4, link: 2, rename: 5 }[op];
    for (let n = 0; n < steps; n++) {
      it(`a failure at ${op} #${n + 1} changes nothing and leaves no temporary file`, () => {
        writeGenerated(dir, OLD);
        writeFileSync(join(dir, 'notes.md'), 'hand-written\n');
        const before = snapshot(dir);
        const { fs } = failing(op, n);
        let error: unknown;
        try {
          writeGenerated(dir, NEW, fs);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(OutputError);
        expect((error as OutputError).message).toMatch(/^cannot write \S+: no space left on device \(ENOSPC\)$/);
        expect(snapshot(dir)).toEqual(before); // includes hidden files: no .rrgen-tmp / .rrgen-bak left
        expect(existsSync(join(dir, 'schemas'))).toBe(false); // the directory this run created is gone too
        // And the next run, without the failure, completes.
        writeGenerated(dir, NEW);
        expect(compareWithDisk(dir, NEW)).toEqual({ stale: [], missing: [], orphaned: [] });
      });
    }
  }

  it('when even the restore fails, the error says where the old content is', () => {
    writeGenerated(dir, OLD);
    let renames = 0;
    const fs: WriteFs = {
      writeFile: (p, c) => writeFileSync(p, c, { flag: 'wx' }),
      link: linkSync,
      rename(from, to) {
        renames++;
        if (renames >= 3) throw Object.assign(new Error('EIO'), { code: 'EIO' });
        renameSync(from, to);
      },
      unlink: unlinkSync,
    };
    expect(() => writeGenerated(dir, NEW, fs)).toThrow(/input\/output error \(EIO\); and could not restore .*b\.ts.*\.rrgen-bak/);
  });

  it('refuses generated paths that climb out of the output directory', () => {
    expect(() => writeGenerated(dir, [gen('../evil.ts', 'x')])).toThrow(OutputError);
    expect(() => writeGenerated(dir, [gen('/etc/evil', 'x')])).toThrow(OutputError);
    expect(() => writeGenerated(dir, [gen('a/./b.ts', 'x')])).toThrow(OutputError);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('does not follow a symlink planted at its temporary name', () => {
    writeGenerated(dir, OLD);
    const target = join(dir, 'outside.txt');
    writeFileSync(target, 'precious\n');
    symlinkSync(target, join(dir, `.b.ts.${process.pid}.rrgen-tmp`));
    // Our own pid's leftovers are removed first (that process is gone), so the write goes ahead safely.
    writeGenerated(dir, NEW);
    expect(readFileSync(target, 'utf8')).toBe('precious\n');
    expect(readFileSync(join(dir, 'b.ts'), 'utf8')).toBe(NEW[1]!.content);
  });
});

describe('readCatalog', () => {
  it('reports each unusable entry and reads the rest', () => {
    writeFileSync(join(dir, 'good.yaml'), 'a: 1\n');
    mkdirSync(join(dir, 'sub.yml'));
    writeFileSync(join(dir, 'bad.yaml'), Buffer.from([0x61, 0x3a, 0x20, 0xc3, 0x28, 0x0a]));
    writeFileSync(join(dir, '.#lock.yaml'), 'editor lock file');
    writeFileSync(join(dir, 'readme.txt'), 'not yaml');
    const r = readCatalog(dir);
    expect(r.error).toBeUndefined();
    expect(r.sources.map((s) => s.path.split('/').pop())).toEqual(['good.yaml']);
    expect(r.problems.map((p) => [p.file.split('/').pop(), p.line, p.col, p.message.split(':')[0]])).toEqual([
      ['bad.yaml', 1, 4, 'not UTF-8 text'],
      ['sub.yml', 1, 1, 'is a directory, not a catalog file'],
    ]);
  });

  it('a missing directory, or a file given as the directory', () => {
    expect(readCatalog(join(dir, 'nope')).error).toMatch(/not a catalog directory$/);
    writeFileSync(join(dir, 'f'), '');
    expect(readCatalog(join(dir, 'f')).error).toMatch(/not a catalog directory$/);
  });

  it('firstInvalidUtf8 finds overlongs, surrogates, truncations and stray continuation bytes', () => {
    expect(firstInvalidUtf8(Buffer.from('héllo ✓ 😀', 'utf8'))).toBeUndefined();
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0x80]))).toBe(1); // overlong NUL
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xed, 0xa0, 0x80]))).toBe(1); // a surrogate
    expect(firstInvalidUtf8(Buffer.from([0x61, 0x62, 0xe2, 0x9c]))).toBe(2); // truncated
    expect(firstInvalidUtf8(Buffer.from([0x80]))).toBe(0);
    expect(firstInvalidUtf8(Buffer.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0); // above U+10FFFF
  });
});
