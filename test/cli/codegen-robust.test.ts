/**
 * The codegen and validate commands on input that used to crash them: odd
 * catalog directories and files (exit 2, `file:line:col`, nothing written) and
 * output that cannot be written (exit 3, `cannot write <path>: <reason>;
 * nothing was changed`, every old file intact, no temporary file left).
 *
 * The full disk is real: a small tmpfs, mounted inside a private mount
 * namespace (`unshare --mount`, or `unshare --user --map-root-user --mount`
 * where plain root is not available) so that nothing outlives the test. Where
 * neither works the test says so and is skipped; test/generator/io.test.ts
 * still covers the same paths with injected failures.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT, type CliResult } from '../helpers/cli.js';
import { run } from '../helpers/process.js';

/** The shared runner (test/helpers/process.ts) from the repository root; two minutes, as a namespace with a mount takes longer than a plain run. */
function spawnAsync(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 120_000): Promise<CliResult> {
  return run(cmd, args, { cwd: ROOT, env, timeoutMs });
}

/** The real `ringrift-events` bin, as a user runs it. */
const runCli = (args: readonly string[]): Promise<CliResult> => spawnAsync(process.execPath, [BIN, ...args]);

const FIXTURE = join(ROOT, 'test/fixtures/catalogs/minimal');
const BIN = join(ROOT, 'bin/ringrift-events.js');
const PROBLEM_LINE = /^[^:\n]+:\d+:\d+: .+$/;

let dir: string;
let catalog: string;
let out: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rr-robust-'));
  catalog = join(dir, 'catalog');
  out = join(dir, 'generated');
  cpSync(FIXTURE, catalog, { recursive: true, filter: (src) => !src.includes('generated') });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Every file below `root` (hidden ones too) with its content. */
function snapshot(root: string): Record<string, string> {
  if (!existsSync(root)) return {};
  const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => statSync(join(root, f)).isFile()).sort();
  return Object.fromEntries(files.map((f) => [f, readFileSync(join(root, f), 'utf8')]));
}

/** Both commands refuse the catalog: exit 2, only `file:line:col: message` lines (then the count), no stack, nothing written. */
async function expectRefused(match: RegExp | string): Promise<string[]> {
  const lines: string[] = [];
  const commands = [['validate', '--catalog', catalog], ['codegen', '--catalog', catalog, '--out', out]];
  const results = await Promise.all(commands.map((args) => runCli(args)));
  for (const [i, args] of commands.entries()) {
    const r = results[i]!;
    expect(r.stderr, args[0]).not.toMatch(/\n\s+at /);
    expect(r.code, `${args[0]}: ${r.stderr}`).toBe(2);
    const problems = r.stderr.trim().split('\n').slice(0, -1);
    expect(problems.length).toBeGreaterThan(0);
    for (const line of problems) expect(line).toMatch(PROBLEM_LINE);
    expect(problems.join('\n')).toMatch(match);
    lines.push(...problems);
  }
  expect(existsSync(out)).toBe(false);
  return lines;
}

describe('odd catalog input is refused with file:line:col, never a stack trace', () => {
  it('a YAML alias bomb ("billion laughs")', async () => {
    const rows = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [prev, name] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e'], ['e', 'f'], ['f', 'g'], ['g', 'h'], ['h', 'i']]) {
      rows.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    writeFileSync(join(catalog, 'bomb.yaml'), rows.join('\n') + '\n');
    const [line] = await expectRefused(/bomb\.yaml:\d+:\d+: aliases expand this file to more than/);
    expect(line).toMatch(/^.*bomb\.yaml:(6|7|8|9):/);
  });

  it('an alias that refers to its own container (a cycle)', async () => {
    writeFileSync(join(catalog, 'cycle.yaml'), 'fields:\n  x: &x\n    type: string\n    description: *x\n');
    await expectRefused(/cycle\.yaml:4:18: alias \*x refers to a node that contains it/);
  });

  it('an alias to no anchor', async () => {
    writeFileSync(join(catalog, 'alias.yaml'), 'fields:\n  x: *nope\n');
    await expectRefused(/alias\.yaml:2:6: .*nope/);
  });

  it('a directory named x.yaml', async () => {
    mkdirSync(join(catalog, 'x.yaml'));
    await expectRefused(/x\.yaml:1:1: is a directory, not a catalog file/);
  });

  it('a FIFO named x.yaml (reading it would block forever)', async () => {
    const r = spawnSync('mkfifo', [join(catalog, 'fifo.yaml')]);
    if (r.status !== 0) return; // no mkfifo here: nothing to test
    await expectRefused(/fifo\.yaml:1:1: not a regular file/);
  });

  it('a symlink loop and a dangling symlink', async () => {
    symlinkSync('loop.yaml', join(catalog, 'loop.yaml'));
    symlinkSync('nowhere.yaml', join(catalog, 'dangling.yaml'));
    const lines = await expectRefused(/loop\.yaml:1:1: cannot read: too many levels of symbolic links/);
    expect(lines.join('\n')).toMatch(/dangling\.yaml:1:1: cannot read: a symbolic link to nothing/);
  });

  it('a file that is not UTF-8 (at the offending byte)', async () => {
    writeFileSync(join(catalog, 'latin1.yaml'), Buffer.concat([Buffer.from('category:\n  name: caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    await expectRefused(/latin1\.yaml:2:12: not UTF-8 text: byte 0xE9/);
  });

  it('a binary file', async () => {
    writeFileSync(join(catalog, 'blob.yaml'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]));
    await expectRefused(/blob\.yaml:1:1: /);
  });

  it('raw control characters (NUL) in the text', async () => {
    writeFileSync(join(catalog, 'nul.yaml'), 'fields:\n  x:\n    type: string\n    description: "a\u0000b"\n');
    await expectRefused(/nul\.yaml:4:20: character U\+0000 is not allowed in YAML text; write it escaped \("\\x00"\)/);
  });

  it('a 50 MB file', async () => {
    writeFileSync(join(catalog, 'huge.yaml'), Buffer.alloc(50 * 1024 * 1024, 'a'));
    await expectRefused(/huge\.yaml:1:1: 50 MiB: a catalog file may be at most 2 MiB/);
  });

  it('deeply nested YAML, flow and block', async () => {
    writeFileSync(join(catalog, 'flow.yaml'), `fields: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`);
    writeFileSync(join(catalog, 'block.yaml'), Array.from({ length: 200 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n');
    const lines = await expectRefused(/block\.yaml:\d+:\d+: nested more than 64 levels deep/);
    expect(lines.join('\n')).toMatch(/flow\.yaml:1:\d+: (invalid YAML: )?nested/);
  });

  it('tags outside the core schema: !!binary, !!js/function, !!set, a local tag', async () => {
    writeFileSync(join(catalog, 'tags.yaml'), 'fields:\n  x:\n    type: string\n    description: !!binary aGVsbG8=\n');
    writeFileSync(join(catalog, 'tags2.yaml'), 'fields:\n  y: !!js/function "function () { globalThis.PWNED = 1 }"\n');
    writeFileSync(join(catalog, 'tags3.yaml'), 'fields:\n  z: !custom\n    type: string\n');
    const lines = (await expectRefused(/tags\.yaml:4:\d+: the tag !!binary is not allowed/)).join('\n');
    expect(lines).toMatch(/tags2\.yaml:2:\d+: invalid YAML: Unresolved tag/);
    expect(lines).toMatch(/tags3\.yaml:2:\d+: .*!custom/);
  });

  it('two documents in one file, and duplicate keys', async () => {
    writeFileSync(join(catalog, 'two.yaml'), 'fields:\n  a: { type: string, description: A. }\n---\nfields:\n  b: { type: string, description: B. }\n');
    writeFileSync(join(catalog, 'dup.yaml'), 'fields:\n  c: { type: string, description: C. }\n  c: { type: integer, description: D. }\n');
    const lines = (await expectRefused(/two\.yaml:3:1: invalid YAML: a second document/)).join('\n');
    expect(lines).toMatch(/dup\.yaml:3:3: invalid YAML: Map keys must be unique/);
  });

  it('a byte order mark is accepted, and columns count from after it', async () => {
    const file = join(catalog, 'jobs.yaml');
    writeFileSync(file, `\uFEFF${readFileSync(file, 'utf8')}`);
    expect((await runCli(['validate', '--catalog', catalog])).code).toBe(0);
    writeFileSync(join(catalog, 'bom.yaml'), '\uFEFFunknown_top: 1\n');
    await expectRefused(/bom\.yaml:1:1: unknown key "unknown_top"/);
  });

  it('anchors, aliases and merge keys used legitimately are fine', async () => {
    writeFileSync(
      join(catalog, 'anchored.yaml'),
      [
        'category: { name: anchored, title: Anchored, description: Events written with anchors. }',
        'events:',
        '  THING_ONE:',
        '    value: thing_one',
        '    topic: thing.one',
        '    description: &desc The same words twice.',
        '    payload: &payload',
        '      size: &size { type: integer, minimum: 0, description: A size. }',
        '  THING_TWO:',
        '    value: thing_two',
        '    topic: thing.two',
        '    description: *desc',
        '    payload:',
        '      <<: *payload',
        '      other: *size',
        '',
      ].join('\n'),
    );
    const r = await runCli(['codegen', '--catalog', catalog, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const payloads = readFileSync(join(out, 'payloads.ts'), 'utf8');
    expect(payloads).toMatch(/ThingTwoPayload[\s\S]*other\?: number/);
    expect(payloads).toMatch(/ThingTwoPayload[\s\S]*size\?: number/);
  });

  it('a thousand events are generated (or refused), not a crash', { timeout: 120_000 }, async () => {
    const rows = ['category: { name: many, title: Many, description: Very many events. }', 'events:'];
    for (let i = 0; i < 1000; i++) {
      rows.push(`  MANY_${i}: { value: many_${i}, topic: many.e${i}, description: Event ${i}., payload: { n: { type: integer, minimum: 0, description: N. } } }`);
    }
    writeFileSync(join(catalog, 'many.yaml'), rows.join('\n') + '\n');
    const r = await runCli(['codegen', '--catalog', catalog, '--out', out]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    if (r.code === 2) for (const line of r.stderr.trim().split('\n').slice(0, -1)) expect(line).toMatch(PROBLEM_LINE);
    else expect(r.code, r.stderr).toBe(0);
  });
});

describe('output that cannot be written: exit 3, nothing changed', () => {
  it('the output path is a file', async () => {
    writeFileSync(out, 'not a directory\n');
    const r = await runCli(['codegen', '--catalog', catalog, '--out', out]);
    expect(r.code).toBe(3);
    expect(r.stderr.trim()).toBe(`cannot write ${out}: not a directory; nothing was changed`);
    expect(readFileSync(out, 'utf8')).toBe('not a directory\n');
    const check = await runCli(['codegen', '--check', '--catalog', catalog, '--out', out]);
    expect(check.code).toBe(3);
    expect(check.stderr.trim()).toBe(`cannot read ${out}: not a directory`);
  });

  it('a parent of the output path is a file', async () => {
    writeFileSync(join(dir, 'file'), 'x');
    const r = await runCli(['codegen', '--catalog', catalog, '--out', join(dir, 'file', 'generated')]);
    expect(r.code).toBe(3);
    expect(r.stderr.trim()).toBe(`cannot write ${join(dir, 'file')}: not a directory; nothing was changed`);
  });

  it('a directory where a generated file goes: nothing else is written either', async () => {
    expect((await runCli(['codegen', '--catalog', catalog, '--out', out])).code).toBe(0);
    const before = snapshot(out);
    const jobs = join(catalog, 'jobs.yaml');
    writeFileSync(jobs, readFileSync(jobs, 'utf8').replace('description: A job started.', 'description: A job started, again.'));
    rmSync(join(out, 'payloads.ts'));
    mkdirSync(join(out, 'payloads.ts', 'inside'), { recursive: true });
    delete before['payloads.ts'];
    const r = await runCli(['codegen', '--catalog', catalog, '--out', out]);
    expect(r.code).toBe(3);
    expect(r.stderr.trim()).toBe(`cannot write ${join(out, 'payloads.ts')}: a directory is in the way; nothing was changed`);
    expect(snapshot(out)).toEqual(before);
  });

  it('leftovers of an interrupted run are removed by the next run; a live run\'s are not', async () => {
    expect((await runCli(['codegen', '--catalog', catalog, '--out', out])).code).toBe(0);
    const dead = 2 ** 22 + 12345; // above any pid_max default: no such process
    writeFileSync(join(out, `.payloads.ts.${dead}.rrgen-tmp`), 'half a file');
    writeFileSync(join(out, `.index.ts.${dead}.rrgen-bak`), 'an old file');
    mkdirSync(join(out, 'schemas'), { recursive: true });
    writeFileSync(join(out, 'schemas', `.job_done.json.${dead}.rrgen-tmp`), '{');
    writeFileSync(join(out, `mappings.ts.tmp-${dead}`), 'the temp name of earlier versions');
    const live = `.emitters.ts.${process.pid}.rrgen-tmp`; // this test's process is alive: maybe a concurrent run
    writeFileSync(join(out, live), 'in progress');
    const r = await runCli(['codegen', '--catalog', catalog, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/0 written, 0 removed/);
    const left = (readdirSync(out, { recursive: true }) as string[]).filter((f) => /rrgen|\.tmp-/.test(f));
    expect(left).toEqual([live]);
  });
});

// ---------------------------------------------------------------- real mounts

/** How to get a private mount namespace here, if at all. */
const NAMESPACE = (() => {
  for (const prefix of [['unshare', '--mount'], ['unshare', '--user', '--map-root-user', '--mount']]) {
    const probe = spawnSync(prefix[0]!, [...prefix.slice(1), 'sh', '-c', 'd=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs "$d" && umount "$d" && rmdir "$d"'], { encoding: 'utf8' });
    if (probe.status === 0) return prefix;
  }
  console.warn('codegen-robust: no mount namespace (unshare --mount) here; the real full-disk and read-only tests are skipped (test/generator/io.test.ts injects the same failures)');
  return undefined;
})();

/** Runs a shell script in a private mount namespace (mounts vanish with it); `$NODE`, `$BIN`, `$W` (the test's dir) are set. */
function inNamespace(script: string): Promise<CliResult> {
  return spawnAsync(NAMESPACE![0]!, [...NAMESPACE!.slice(1), 'sh', '-c', script], { ...process.env, NODE: process.execPath, BIN, W: dir });
}

function readListing(path: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [hash, file] = l.split(/\s+/);
        return [file!, hash!];
      }),
  );
}

const REAL_FS_TITLE = NAMESPACE
  ? 'real file system failures (private mount namespace)'
  : 'real file system failures (skipped: `unshare --mount` is refused here, so no private mount namespace; test/generator/io.test.ts injects the same failures)';

describe.skipIf(!NAMESPACE)(REAL_FS_TITLE, () => {
  it('a full disk (ENOSPC) during codegen: exit 3, every old file intact, no temporary file left; a later run with space succeeds', { timeout: 120_000 }, async () => {
    const jobs = join(catalog, 'jobs.yaml');
    const grown = readFileSync(jobs, 'utf8').replace('description: A job started.', `description: "A job started. ${'x'.repeat(30_000)}"`);
    writeFileSync(join(dir, 'jobs-grown.yaml'), grown);
    const r = await inNamespace(`
      set -e
      mkdir -p "$W/mnt"
      mount -t tmpfs -o size=4m tmpfs "$W/mnt"
      O="$W/mnt/out"
      "$NODE" "$BIN" codegen --catalog "$W/catalog" --out "$O" > "$W/first.out" 2>&1
      used=$(du -sk "$W/mnt" | cut -f1)
      mount -o remount,size=$(( used + 64 ))k "$W/mnt"
      (cd "$O" && find . -type f -exec sha256sum {} + | sort -k2) > "$W/before.txt"
      cp "$W/jobs-grown.yaml" "$W/catalog/jobs.yaml"
      set +e
      "$NODE" "$BIN" codegen --catalog "$W/catalog" --out "$O" > "$W/second.stdout" 2> "$W/second.stderr"
      echo $? > "$W/second.code"
      set -e
      (cd "$O" && find . -type f -exec sha256sum {} + | sort -k2) > "$W/after.txt"
      mount -o remount,size=8m "$W/mnt"
      "$NODE" "$BIN" codegen --catalog "$W/catalog" --out "$O" > "$W/third.out" 2>&1
      (cd "$O" && find . -name '*rrgen*' -o -name '*.tmp-*') > "$W/third.leftovers"
      "$NODE" "$BIN" codegen --check --catalog "$W/catalog" --out "$O" > "$W/check.out" 2>&1
    `);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(readFileSync(join(dir, 'first.out'), 'utf8')).toMatch(/written/);
    const stderr = readFileSync(join(dir, 'second.stderr'), 'utf8');
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(join(dir, 'second.code'), 'utf8').trim()).toBe('3');
    expect(stderr.trim()).toMatch(/^cannot write \S+\/mnt\/out\/\S+: no space left on device \(ENOSPC\); nothing was changed$/);
    expect(readFileSync(join(dir, 'second.stdout'), 'utf8')).toBe('');
    // Byte for byte the same files, and not one more (a partial temporary file would show up here).
    expect(readListing(join(dir, 'after.txt'))).toEqual(readListing(join(dir, 'before.txt')));
    expect(readFileSync(join(dir, 'third.out'), 'utf8')).toMatch(/written/);
    expect(readFileSync(join(dir, 'third.leftovers'), 'utf8')).toBe('');
    expect(readFileSync(join(dir, 'check.out'), 'utf8')).toMatch(/up to date/);
  });

  it('a read-only output directory: exit 3, nothing changed', { timeout: 120_000 }, async () => {
    const jobs = join(catalog, 'jobs.yaml');
    writeFileSync(join(dir, 'jobs-edited.yaml'), readFileSync(jobs, 'utf8').replace('description: A job started.', 'description: A job began.'));
    const r = await inNamespace(`
      set -e
      mkdir -p "$W/mnt"
      mount -t tmpfs -o size=4m tmpfs "$W/mnt"
      O="$W/mnt/out"
      "$NODE" "$BIN" codegen --catalog "$W/catalog" --out "$O" > /dev/null
      mount -o remount,ro "$W/mnt"
      (cd "$O" && find . -type f -exec sha256sum {} + | sort -k2) > "$W/before.txt"
      cp "$W/jobs-edited.yaml" "$W/catalog/jobs.yaml"
      set +e
      "$NODE" "$BIN" codegen --catalog "$W/catalog" --out "$O" > /dev/null 2> "$W/ro.stderr"
      echo $? > "$W/ro.code"
      "$NODE" "$BIN" codegen --catalog "$W/catalog" --out "$W/mnt/new-out" > /dev/null 2> "$W/ro-new.stderr"
      echo $? > "$W/ro-new.code"
      set -e
      (cd "$O" && find . -type f -exec sha256sum {} + | sort -k2) > "$W/after.txt"
    `);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'ro.code'), 'utf8').trim()).toBe('3');
    expect(readFileSync(join(dir, 'ro.stderr'), 'utf8').trim()).toMatch(/^cannot write \S+: read-only file system \(EROFS\); nothing was changed$/);
    expect(readFileSync(join(dir, 'ro-new.code'), 'utf8').trim()).toBe('3');
    expect(readFileSync(join(dir, 'ro-new.stderr'), 'utf8').trim()).toMatch(/^cannot write \S+\/mnt\/new-out: read-only file system \(EROFS\); nothing was changed$/);
    expect(readListing(join(dir, 'after.txt'))).toEqual(readListing(join(dir, 'before.txt')));
  });

  it('a rename that fails half-way (EBUSY: a mount point over a generated file) is rolled back from the backups', { timeout: 120_000 }, async () => {
    const jobs = join(catalog, 'jobs.yaml');
    // Touches almost every generated file (the description reaches docs, schemas, payloads, validators).
    writeFileSync(join(dir, 'jobs-edited.yaml'), readFileSync(jobs, 'utf8').replace('description: A job started.', 'description: A job began.'));
    const r = await inNamespace(`
      set -e
      O="$W/out"
      "$NODE" "$BIN" codegen --catalog "$W/catalog" --out "$O" > /dev/null
      cp "$W/jobs-edited.yaml" "$W/catalog/jobs.yaml"
      set +e
      last=$("$NODE" "$BIN" codegen --check --catalog "$W/catalog" --out "$O" 2>&1 | sed -n 's/^stale: //p' | sort | tail -1)
      set -e
      cp "$last" "$W/shadow"
      mount --bind "$W/shadow" "$last"
      (cd "$O" && find . -type f -exec sha256sum {} + | sort -k2) > "$W/before.txt"
      set +e
      "$NODE" "$BIN" codegen --catalog "$W/catalog" --out "$O" > /dev/null 2> "$W/busy.stderr"
      echo $? > "$W/busy.code"
      set -e
      (cd "$O" && find . -type f -exec sha256sum {} + | sort -k2) > "$W/after.txt"
      echo "$last" > "$W/busy.file"
    `);
    expect(r.code, r.stderr).toBe(0);
    const last = readFileSync(join(dir, 'busy.file'), 'utf8').trim();
    expect(readFileSync(join(dir, 'busy.code'), 'utf8').trim()).toBe('3');
    expect(last.startsWith(join(dir, 'out'))).toBe(true);
    expect(readFileSync(join(dir, 'busy.stderr'), 'utf8').trim()).toBe(`cannot write ${last}: resource busy (EBUSY); nothing was changed`);
    expect(readListing(join(dir, 'after.txt'))).toEqual(readListing(join(dir, 'before.txt')));
  });
});
