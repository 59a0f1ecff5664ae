/** `ringrift-events tail | stats | dlq list | dlq replay --db PATH`, run as the real command line. */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REGISTRY } from '../../generated/index.js';
import { silentLogger } from '../../runtime/index.js';
import { CrossProcessEventQueue } from '../../runtime/sqlite/index.js';
import { ROOT, spawnProgram, tempDir, waitUntil } from './helpers.js';

const BIN = join(ROOT, 'bin/ringrift-events.js');
const cli = (...args: string[]) => spawnProgram(process.execPath, [BIN, ...args]);
const out = (c: ReturnType<typeof cli>) => c.stdout.join('').trimEnd();
const hash = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

let tmp: ReturnType<typeof tempDir>;
let queue: CrossProcessEventQueue;
beforeEach(() => {
  tmp = tempDir('rr-cli-');
  queue = new CrossProcessEventQueue({ dbPath: tmp.db, registry: REGISTRY, logger: silentLogger, retention: false });
});
afterEach(async () => {
  await queue.close();
  tmp.cleanup();
});

describe('ringrift-events queue commands', () => {
  it('tail follows events live as they are sent, and prints retained ones with --from-start', async () => {
    await queue.send('HOST_OFFLINE', { node_id: 'old' });
    const tail = cli('tail', '--db', tmp.db, '--count', '2', '--type', 'training.*');
    await waitUntil(() => tail.stderr.join('').includes('following'), 20_000, 'tail to start');
    await queue.send('HOST_OFFLINE', { node_id: 'not shown' });
    await queue.send('TRAINING_STARTED', { config_key: 'hex8_2p', job_id: 'j1' }, { source: 'TrainingCoordinator' });
    await queue.send('TRAINING_FAILED', { config_key: 'hex8_2p' });
    expect(await tail.exited).toBe(0);
    const text = out(tail);
    expect(text).toMatch(/^#3 \S+ TRAINING_STARTED source=TrainingCoordinator id=\S+ \{"config_key":"hex8_2p","job_id":"j1"\}$/m);
    expect(text).toMatch(/^#4 \S+ TRAINING_FAILED /m);
    expect(text).not.toMatch(/HOST_OFFLINE/);

    const all = cli('tail', '--db', tmp.db, '--from-start', '--count', '4', '--json');
    expect(await all.exited).toBe(0);
    expect(all.lines.map((l) => l.type)).toEqual(['HOST_OFFLINE', 'HOST_OFFLINE', 'TRAINING_STARTED', 'TRAINING_FAILED']);
    expect(all.lines[0]).toMatchObject({ specversion: '1.0', data: { node_id: 'old' } });
  }, 60_000);

  it('stats shows events, groups with their lag and leases, and the DLQ', async () => {
    queue.ensureGroup('training', { eventTypes: ['TRAINING_COMPLETED'] });
    queue.ensureGroup('monitor');
    for (let i = 0; i < 5; i++) await queue.send('HOST_OFFLINE', { node_id: `n${i}` });
    await queue.receive({ group: 'monitor', limit: 2 });
    const stats = cli('stats', '--db', tmp.db);
    expect(await stats.exited).toBe(0);
    const text = out(stats);
    expect(text).toMatch(/^events\s+5 stored \(seq 1\.\.5\)/m);
    expect(text).toMatch(/^monitor\s+2\s+3\s+2\s+0\s+0\s+1\s/m);
    expect(text).toMatch(/^training\s+0\s+5\s+0\s+0\s+0\s+0\s.*TRAINING_COMPLETED$/m);
    expect(text).toMatch(/^dlq\s+0 pending, 0 recovered$/m);
    const json = cli('stats', '--db', tmp.db, '--json');
    expect(await json.exited).toBe(0);
    const parsed = JSON.parse(out(json)) as { events: { count: number } };
    expect(parsed.events.count).toBe(5);
  }, 60_000);

  it('dlq list and dlq replay report what there is, and replay without a running handler says who should serve it', async () => {
    expect(out(await run('dlq', 'list', '--db', tmp.db))).toBe('no dead letters');
    expect(out(await run('dlq', 'replay', '--db', tmp.db))).toBe('no pending dead letters match');
    const envelope = (await queue.send('HOST_OFFLINE', { node_id: 'n' })).envelope;
    await queue.dlqStore('health').add({ id: 'e1', envelope, eventType: 'HOST_OFFLINE', handlerName: 'Health:HOST_OFFLINE', error: 'boom', attempts: 3, failedAt: Date.now(), lastAttemptAt: Date.now(), status: 'pending' });
    expect(out(await run('dlq', 'list', '--db', tmp.db))).toMatch(/^e1\s+\S+\s+pending\s+HOST_OFFLINE\s+Health:HOST_OFFLINE\s+health\s+3\s+boom$/m);
    const replay = cli('dlq', 'replay', '--db', tmp.db, '--wait', '0.3');
    expect(await replay.exited).toBe(1);
    expect(out(replay)).toMatch(/waiting\s+e1 HOST_OFFLINE → Health:HOST_OFFLINE: no running process served it/);
    expect(out(await run('dlq', 'list', '--db', tmp.db))).toMatch(/pending \(replay requested\)/);
  }, 60_000);

  it('exits 2 with one clear line when the database cannot be used', async () => {
    const missing = cli('stats', '--db', join(tmp.dir, 'nope.db'));
    expect(await missing.exited).toBe(2);
    expect(missing.stderr.join('')).toMatch(/^error: cannot open the event queue .*nope\.db: no such file/);
    const junk = join(tmp.dir, 'junk.db');
    writeFileSync(junk, 'not a database at all, just text\n'.repeat(100));
    const bad = cli('tail', '--db', junk);
    expect(await bad.exited).toBe(2);
    expect(bad.stderr.join('')).toMatch(/not an SQLite database/);
    const usage = cli('dlq', 'list');
    expect(await usage.exited).toBe(2);
  }, 60_000);

  it('prints control characters from group names, sources and errors as escapes, never raw to the terminal', async () => {
    const evil = 'ops\x1b[2J\x1b]0;pwned\x07\u009b31m\u202e';
    queue.ensureGroup(evil);
    const envelope = (await queue.send('HOST_OFFLINE', { node_id: 'n' }, { source: `src\x1b[31m${evil}` })).envelope;
    await queue.dlqStore(evil).add({ id: 'e1', envelope, eventType: 'HOST_OFFLINE', handlerName: `h${evil}`, error: `boom\n${evil}`, attempts: 1, failedAt: Date.now(), lastAttemptAt: Date.now(), status: 'pending' });
    const runs = [
      await run('stats', '--db', tmp.db),
      await run('stats', '--db', tmp.db, '--json'),
      await run('tail', '--db', tmp.db, '--from-start', '--count', '1'),
      await run('tail', '--db', tmp.db, '--from-start', '--count', '1', '--json'),
      await run('dlq', 'list', '--db', tmp.db),
      await run('dlq', 'list', '--db', tmp.db, '--json'),
    ];
    for (const c of runs) {
      const text = c.stdout.join('');
      expect(text).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/); // nothing but newlines
      expect(text).toContain('ops');
    }
    expect(out(runs[0]!)).toMatch(/^ops\\x1b\[2J\\x1b\]0;pwned\\x07\\x9b31m\\u202e\s+0\s+1\s/m);
    expect(out(runs[2]!)).toContain('source=src\\x1b[31mops\\x1b[2J');
    expect(out(runs[4]!)).toContain('boom\\x0aops\\x1b[2J');
    // --json stays JSON with the same values.
    expect((JSON.parse(out(runs[1]!)) as { groups: { name: string }[] }).groups.map((g) => g.name)).toEqual([evil]);
    expect(runs[3]!.lines[0]!.source).toBe(`src\x1b[31m${evil}`);
  }, 60_000);

  it('refuses an SQLite database that is not a queue, reading or writing, and leaves it untouched', async () => {
    const foreign = join(tmp.dir, 'games.db');
    const other = new Database(foreign);
    other.exec("CREATE TABLE games (id INTEGER PRIMARY KEY, winner TEXT); INSERT INTO games (winner) VALUES ('p1')");
    other.close();
    const before = hash(foreign);
    for (const args of [['stats'], ['dlq', 'replay', '--wait', '0']]) {
      const c = cli(...args, '--db', foreign);
      expect(await c.exited).toBe(2);
      expect(c.stderr.join('')).toMatch(/^error: .*games\.db is an SQLite database but not an event queue/);
    }
    expect(hash(foreign)).toBe(before);
  }, 60_000);
});

async function run(...args: string[]) {
  const c = cli(...args);
  const code = await c.exited;
  expect(code, c.stderr.join('')).toBe(0);
  return c;
}
