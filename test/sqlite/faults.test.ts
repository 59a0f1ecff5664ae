/**
 * The queue under faults of its surroundings (issue 10): clocks that are
 * wrong, a database that is not a queue, a read-only directory, the guide's
 * two-process example, a WAL that must stay bounded. Real files, real
 * processes.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REGISTRY } from '../../generated/index.js';
import { silentLogger } from '../../runtime/index.js';
import { CrossProcessEventQueue, type CrossProcessEventQueueOptions } from '../../runtime/sqlite/index.js';
import { CHILDREN, ROOT, spawnProgram, spawnTs, tempDir, waitUntil } from './helpers.js';

const DAY = 86_400_000;
const BIN = join(ROOT, 'bin/ringrift-events.js');
const hash = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
const CLOCKED = join(CHILDREN, 'clocked.ts');

let tmp: ReturnType<typeof tempDir>;
const open: CrossProcessEventQueue[] = [];
function queue(options: Partial<CrossProcessEventQueueOptions> = {}): CrossProcessEventQueue {
  const q = new CrossProcessEventQueue({ dbPath: tmp.db, registry: REGISTRY, logger: silentLogger, retention: false, ...options });
  open.push(q);
  return q;
}
const hostOffline = (n: number, tag = 'n') => Array.from({ length: n }, (_, i) => ({ type: 'HOST_OFFLINE', payload: { node_id: `${tag}${i}` } }));

beforeEach(() => {
  tmp = tempDir('rr-faults-');
});
afterEach(async () => {
  for (const q of open.splice(0)) if (!q.isClosed) await q.close();
  tmp.cleanup();
});

describe('a process whose clock is wrong', () => {
  it('retention in a process whose clock is 8 days ahead deletes none of the events a live group has not acknowledged', async () => {
    const q = queue({ leaseMs: 300 });
    q.ensureGroup('live');
    q.sendMany(hostOffline(100));
    // A live member of "live": its handler is slow, so it holds its batch and renews the leases.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const handled: string[] = [];
    const consumer = q.consume(
      async (e) => {
        await gate;
        handled.push(e.payload.node_id as string);
      },
      { group: 'live', batchSize: 10 },
    );
    await waitUntil(() => q.stats().groups[0]!.inFlight > 0, 10_000, 'the member to claim a batch');

    // Another process, its clock 8 days ahead, sends (so the newest row is 8 days ahead too) and runs retention.
    const ahead = spawnTs(CLOCKED, {
      role: 'retention',
      db: tmp.db,
      offsetMs: 8 * DAY,
      runs: 3,
      gapMs: 400,
      sendEach: true,
      retention: { groupInactiveMs: 200, ephemeralInactiveMs: 200 },
    });
    expect(await ahead.exited).toBe(0);
    const results = ahead.lines.filter((l) => 'retention' in l).map((l) => l.retention as { eventsDeleted: number; unacknowledgedDeleted: number });
    expect(results).toHaveLength(3);
    expect(results.map((r) => r.eventsDeleted)).toEqual([0, 0, 0]);
    expect(q.stats().events.count).toBe(103);

    release();
    await waitUntil(() => handled.length === 103, 20_000, 'the live group to handle every event');
    await consumer.stop();
    expect(handled.slice(0, 100)).toEqual(hostOffline(100).map((e) => e.payload.node_id));
  }, 60_000);

  it('a member whose clock is a day ahead claims events and is killed: the group gets them back leaseMs later by its own clock, not a day later', async () => {
    let now = Date.now(); // this process's clock, moved by the test
    const q = queue({ leaseMs: 500, now: () => now });
    q.ensureGroup('g');
    q.sendMany(hostOffline(10));
    const member = spawnTs(CLOCKED, { role: 'claim', db: tmp.db, offsetMs: DAY, group: 'g', count: 10 });
    expect((await member.waitFor((l) => 'claimed' in l)).claimed).toBe(10);
    member.proc.kill('SIGKILL');
    await member.exited;

    expect(await q.receive({ group: 'g', limit: 10 })).toEqual([]); // leased: the member's expiries pulled back to now + leaseMs
    now += 499;
    expect(await q.receive({ group: 'g', limit: 10 })).toEqual([]);
    now += 1;
    const got = await q.receive({ group: 'g', limit: 10 });
    expect(got.map((e) => e.payload.node_id)).toEqual(hostOffline(10).map((e) => e.payload.node_id));
    expect(got.every((e) => e.redelivered)).toBe(true);
    expect(q.ack(got)).toBe(10);
  }, 60_000);
});

describe('a read-only directory', () => {
  it('readonly: true and ringrift-events stats and tail read a queue whose directory cannot be written', async () => {
    const q = queue();
    q.sendMany(hostOffline(3));
    await q.close(); // the last connection removes -wal and -shm
    expect(readdirSync(tmp.dir)).toEqual(['events.db']);
    const before = hash(tmp.db);
    // Root ignores permission bits: an immutable directory (no file can be created in it) stands for a read-only
    // mount. Other users cannot set the immutable flag, and for them the permission bits do it.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) execFileSync('chattr', ['+i', tmp.dir]);
    else chmodSync(tmp.dir, 0o555);
    try {
      expect(() => writeFileSync(join(tmp.dir, 'probe'), '')).toThrow(/EPERM|EACCES/); // nobody can create a file in it
      const reader = queue({ readonly: true });
      expect(reader.read(0).map((e) => e.payload.node_id)).toEqual(['n0', 'n1', 'n2']);
      expect(reader.stats().events).toMatchObject({ count: 3, lastSeq: 3 });
      await expect(reader.send('HOST_OFFLINE', { node_id: 'x' })).rejects.toThrow(/opened read-only/);
      await reader.close();

      const stats = spawnProgram(process.execPath, [BIN, 'stats', '--db', tmp.db]);
      expect(await stats.exited, stats.stderr.join('')).toBe(0);
      expect(stats.stdout.join('')).toMatch(/^events\s+3 stored \(seq 1\.\.3\)/m);
      const tail = spawnProgram(process.execPath, [BIN, 'tail', '--db', tmp.db, '--from-start', '--count', '3', '--json']);
      expect(await tail.exited, tail.stderr.join('')).toBe(0);
      expect(tail.lines.map((l) => (l.data as { node_id: string }).node_id)).toEqual(['n0', 'n1', 'n2']);
    } finally {
      if (asRoot) execFileSync('chattr', ['-i', tmp.dir]);
      else chmodSync(tmp.dir, 0o755);
    }
    expect(hash(tmp.db)).toBe(before);
    expect(readdirSync(tmp.dir)).toEqual(['events.db']);
  }, 60_000);
});

describe("the guide's two-process example, as written", () => {
  it('process B receiving with only eventTypes gets what process A sent before, and each such process gets its own copy', async () => {
    const guide = join(CHILDREN, 'guide.ts');
    const a = spawnTs(guide, { role: 'send', db: tmp.db });
    expect(await a.exited, a.stderr.join('')).toBe(0);
    // Two processes B, one after the other: neither takes the event from the other (design rule 2: no shared id).
    for (let i = 0; i < 2; i++) {
      const b = spawnTs(guide, { role: 'receive', db: tmp.db });
      expect(await b.exited, b.stderr.join('')).toBe(0);
      const line = await b.waitFor((l) => 'received' in l);
      expect(line.received).toEqual([{ type: 'TRAINING_COMPLETED', payload: expect.objectContaining({ config: 'hex8_2p' }) as unknown }]);
    }
    // And two receivers in one process side by side each get it too.
    const q1 = new CrossProcessEventQueue(tmp.db, { logger: silentLogger, retention: false });
    const q2 = new CrossProcessEventQueue(tmp.db, { logger: silentLogger, retention: false });
    open.push(q1, q2);
    expect((await q1.receive({ eventTypes: ['TRAINING_COMPLETED'] })).map((e) => e.type)).toEqual(['TRAINING_COMPLETED']);
    expect((await q2.receive({ eventTypes: ['TRAINING_COMPLETED'] })).map((e) => e.type)).toEqual(['TRAINING_COMPLETED']);
    expect(await q1.receive({ eventTypes: ['TRAINING_COMPLETED'] })).toEqual([]); // leased to q1, not handed out again
  }, 60_000);
});

describe('disk', () => {
  it('keeps the -wal file within a few tens of MiB while another process sends 10,000 events/s one per transaction to a busy consumer', async () => {
    const q = queue();
    q.ensureGroup('g');
    let handled = 0;
    const consumer = q.consume(() => void handled++, { group: 'g', batchSize: 64 });
    const N = 20_000;
    let walPeak = 0;
    const sampler = setInterval(() => {
      try {
        walPeak = Math.max(walPeak, statSync(`${tmp.db}-wal`).size);
      } catch {
        // not there yet
      }
    }, 10);
    const sender = spawnTs(CLOCKED, { role: 'send', db: tmp.db, count: N, oneByOne: true, rate: 10_000 });
    expect(await sender.exited, sender.stderr.join('')).toBe(0);
    await waitUntil(() => handled === N, 30_000, 'the consumer to handle every event');
    clearInterval(sampler);
    await consumer.stop();
    console.log(`[disk] ${N} events one per transaction: -wal peak ${(walPeak / 2 ** 20).toFixed(1)} MiB`);
    expect(walPeak).toBeGreaterThan(0);
    expect(walPeak).toBeLessThan(40 * 2 ** 20); // without rewinding it, ~20 KiB per event: ~400 MiB
  }, 60_000);
});
