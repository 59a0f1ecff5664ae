/**
 * The `breaking` command around the rules: a baseline read from a git
 * revision (no checkout), invalid input (exit 2, `file:line:col`), usage.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { BASE, breakLines, pair, swap, type Pair } from './helpers.js';

let p: Pair | undefined;
let repo: string | undefined;
afterEach(() => {
  p?.dispose();
  if (repo) rmSync(repo, { recursive: true, force: true });
  p = repo = undefined;
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.test', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
}

describe('ringrift-events breaking', () => {
  it('reads the baseline at a git revision without touching the working tree', async () => {
    repo = mkdtempSync(join(tmpdir(), 'rr-evolution-git-'));
    git(repo, 'init', '-q');
    execFileSync('mkdir', ['-p', join(repo, 'events')]);
    for (const [name, text] of Object.entries(BASE)) writeFileSync(join(repo, 'events', name), text);
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'release 1');
    git(repo, 'tag', 'v1');
    const jobs = join(repo, 'events', 'jobs.yaml');
    const edited = swap('[succeeded, failed]', '[succeeded]')(readFileSync(jobs, 'utf8'));
    writeFileSync(jobs, edited);
    const state = edited.split('\n').findIndex((l) => l.includes('state:')) + 1;

    for (const against of ['v1', 'v1:events', 'HEAD']) {
      const r = await runCli(['breaking', '--against', against, '--catalog', 'events'], repo);
      expect(breakLines(r)).toEqual([`events/jobs.yaml:${state}:7: ENUM_VALUE_REMOVED: event JOB_DONE, field state: enum value "failed" removed (breaks backward, source)`]);
      expect(r.stderr).toContain(`events against ${against === 'HEAD' ? 'HEAD' : 'v1'}:events (backward, forward, source): 1 breaking change.`);
      expect(r.code).toBe(1);
    }
    // Gone from the working tree: positions are in the revision's file, named REV:PATH.
    writeFileSync(jobs, edited.replace(/ {2}JOB_PAUSED:[\s\S]*$/, ''));
    const removed = await runCli(['breaking', '--against', 'v1', '--catalog', 'events'], repo);
    const paused = BASE['jobs.yaml']!.split('\n').findIndex((l) => l.includes('JOB_PAUSED:')) + 1;
    expect(breakLines(removed)).toContain(`v1:events/jobs.yaml:${paused}:3: EVENT_REMOVED: event JOB_PAUSED was removed (breaks backward, source)`);
    expect(git(repo, 'status', '--porcelain')).toBe(' M events/jobs.yaml\n');
  });

  it('exits 2 naming file:line:col when either catalog is invalid, and compares nothing', async () => {
    p = pair({ new: { 'jobs.yaml': swap('        enum: [succeeded, failed]\n', '        enum: [succeeded, 7]\n') } });
    const r = await p.breaking();
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([
      `${p.at('new/jobs.yaml', '7]')}: event JOB_DONE, field state: enum value 7 does not fit type string`,
      '1 problem in new; nothing was compared',
    ]);
  });

  it('exits 2 for an invalid baseline, naming it', async () => {
    p = pair({ old: { 'jobs.yaml': swap('    topic: job.paused\n', '    topic: job.paused\n    version: 0\n') }, new: { 'jobs.yaml': swap('    version: 0\n', '') } });
    const r = await p.breaking();
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`${p.at('old/jobs.yaml', 'version: 0')}: event JOB_PAUSED (version): must be >= 1`, '1 problem in the baseline old; nothing was compared']);
  });

  it('exits 2 for a baseline that is neither a directory nor a git revision, and for an unknown mode', async () => {
    p = pair();
    const missing = await runCli(['breaking', '--against', 'no-such-release', '--catalog', 'new'], p.dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toMatch(/^no-such-release: not a directory, (and .* is not in a git repository|nor a git revision of .*)$/);
    const mode = await p.breaking('--mode', 'sideways');
    expect(mode.code).toBe(2);
    expect(mode.stderr.trim()).toBe('--mode: unknown mode "sideways": modes are backward, forward, source, full (backward,forward; also called wire) and all');
  });

  it('an unchanged catalog passes; --list-rules names every rule with its modes', async () => {
    p = pair();
    const same = await p.breaking();
    expect(same.stdout.trim()).toBe('new against old (backward, forward, source): no breaking change');
    expect(same.code).toBe(0);
    const rules = await runCli(['breaking', '--against', '.', '--list-rules']);
    expect(rules.code).toBe(0);
    expect(rules.stdout).toContain('ENUM_VALUE_ADDED [forward, source]: an enum value was added');
    expect(rules.stdout.trim().split('\n')).toHaveLength(26);
  });
});
