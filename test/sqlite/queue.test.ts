/** CrossProcessEventQueue on real SQLite files: send/receive, groups, leases, redelivery, DLQ, retention, wake-ups. */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REGISTRY } from '../../generated/index.js';
import { EventValidationError, silentLogger, UnknownEventError, type Logger } from '../../runtime/index.js';
import { CrossProcessEventQueue, GroupMismatchError, PermanentDeliveryError, QueueError, type CrossProcessEventQueueOptions, type ReceivedEvent } from '../../runtime/sqlite/index.js';
import { CHILDREN, sleep, spawnTs, tempDir, waitUntil } from './helpers.js';

const promoted = (i = 0) => ({ config_key: 'hex8_2p', model_path: `/models/hex8_2p_v${i}.pth`, new_elo: 1800 + i });

let tmp: ReturnType<typeof tempDir>;
const open: CrossProcessEventQueue[] = [];
function queue(options: Partial<CrossProcessEventQueueOptions> = {}): CrossProcessEventQueue {
  const q = new CrossProcessEventQueue({ dbPath: tmp.db, registry: REGISTRY, logger: silentLogger, retention: false, ...options });
  open.push(q);
  return q;
}

beforeEach(() => {
  tmp = tempDir();
});
afterEach(async () => {
  for (const q of open.splice(0)) await q.close();
  tmp.cleanup();
});

describe('send and receive (EVENT_SYSTEM_GUIDE.md)', () => {
  it('sends under any spelling and receives the canonical event with its payload', async () => {
    const q = queue();
    const sent = await q.send('model_promoted', promoted(3), { source: 'AutoPromotionDaemon' });
    expect(sent).toMatchObject({ seq: 1, duplicate: false });
    expect(sent.envelope.type).toBe('MODEL_PROMOTED');
    const events = await q.receive({ group: 'sync', eventTypes: ['MODEL_PROMOTED'] });
    expect(events).toHaveLength(1);
    const [e] = events;
    expect(e!.type).toBe('MODEL_PROMOTED');
    expect(e!.payload).toMatchObject({ model_path: '/models/hex8_2p_v3.pth', new_elo: 1803, source: 'AutoPromotionDaemon' });
    expect(e!.envelope).toMatchObject({ specversion: '1.0', id: sent.id, source: 'AutoPromotionDaemon', datacontenttype: 'application/json' });
    expect(e!.redelivered).toBe(false);
    expect(e!.ack()).toBe(true);
    expect(await q.receive({ group: 'sync', eventTypes: ['MODEL_PROMOTED'] })).toEqual([]);
  });

  it('stores an event id sent twice once', async () => {
    const q = queue();
    const a = await q.send('MODEL_PROMOTED', promoted(), { id: 'evt-1' });
    const b = await q.send('MODEL_PROMOTED', promoted(), { id: 'evt-1' });
    const c = q.sendSync('MODEL_PROMOTED', promoted(), { id: 'evt-1' });
    expect([a.duplicate, b.duplicate, c.duplicate]).toEqual([false, true, true]);
    expect(b.seq).toBe(a.seq);
    expect(q.stats().events.count).toBe(1);
    expect(await q.receive({ group: 'g' })).toHaveLength(1);
  });

  it('refuses an id already stored from another source, instead of reporting a duplicate and storing nothing', async () => {
    const q = queue();
    const a = await q.send('HOST_OFFLINE', { node_id: 'a' }, { id: '42', source: '/nodeA' });
    expect((await q.send('HOST_OFFLINE', { node_id: 'a' }, { id: '42', source: '/nodeA' })).duplicate).toBe(true);
    const refused = await q.send('HOST_OFFLINE', { node_id: 'b' }, { id: '42', source: '/nodeB' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(QueueError);
    expect((refused as QueueError).kind).toBe('conflict');
    expect((refused as QueueError).message).toMatch(/id "42" is already stored from source "\/nodeA".*from "\/nodeB".*Nothing was stored/s);
    expect(() => q.sendSync('HOST_OFFLINE', { node_id: 'b' }, { id: '42', source: '/nodeB' })).toThrow(/already stored from source/);
    // sendMany is all or none: the conflict stores nothing of the batch.
    expect(() =>
      q.sendMany([
        { type: 'HOST_OFFLINE', payload: { node_id: 'c' } },
        { type: 'HOST_OFFLINE', payload: { node_id: 'b' }, options: { id: '42', source: '/nodeB' } },
      ]),
    ).toThrow(/already stored from source/);
    // Sends of one tick share a transaction, yet only the conflicting one is refused.
    const tick = await Promise.allSettled([
      q.send('HOST_OFFLINE', { node_id: 'd' }),
      q.send('HOST_OFFLINE', { node_id: 'b' }, { id: '42', source: '/nodeB' }),
      q.send('HOST_OFFLINE', { node_id: 'e' }),
    ]);
    expect(tick.map((t) => t.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(q.read(0, 100).map((e) => `${e.source} ${String(e.payload.node_id)}`)).toEqual([`/nodeA a`, expect.stringMatching(/ d$/), expect.stringMatching(/ e$/)]);
    expect(a.seq).toBe(1);
  });

  it('commits the sends of one tick in one transaction, in call order', async () => {
    const q = queue();
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => q.send('HOST_OFFLINE', { node_id: `n${i}` })));
    expect(results.map((r) => r.seq)).toEqual(results.map((_, i) => i + 1));
    const events = await q.receive({ group: 'g', limit: 1000 });
    expect(events.map((e) => e.payload.node_id)).toEqual(results.map((_, i) => `n${i}`));
  });

  it('sendMany stores all events or none', () => {
    const q = queue();
    expect(() =>
      q.sendMany([
        { type: 'HOST_OFFLINE', payload: { node_id: 'a' } },
        { type: 'MODEL_PROMOTED', payload: { config_key: 'hex9_2p' } },
      ]),
    ).toThrow(EventValidationError);
    expect(q.stats().events.count).toBe(0);
    expect(q.sendMany([{ type: 'HOST_OFFLINE', payload: { node_id: 'a' } }, { type: 'HOST_ONLINE', payload: { node_id: 'a' } }]).map((r) => r.seq)).toEqual([1, 2]);
  });

  it('waits for an event with waitMs, and returns when it arrives, not when waitMs runs out', async () => {
    const q = queue();
    const other = queue();
    q.ensureGroup('g');
    // Sent once the receive waits: it returns with the event, before the test's own 30 s timeout, so long before waitMs.
    const receiving = q.receive({ group: 'g', waitMs: 600_000 });
    await other.send('HOST_ONLINE', { node_id: 'n1' });
    const events = await receiving;
    expect(events.map((e) => e.payload.node_id)).toEqual(['n1']);
  });
});

describe('an idle receive', () => {
  it('commits nothing while it waits, so its own claims do not wake it in a loop that starves timers', async () => {
    const q = queue();
    const other = queue();
    q.ensureGroup('g');
    const probe = new Database(tmp.db, { readonly: true });
    // data_version changes when another connection commits.
    const version = (): unknown => probe.pragma('data_version', { simple: true });
    const seen: unknown[] = [];
    const waiting = q.receive({ group: 'g', waitMs: 20_000 });
    await new Promise<void>((r) => setTimeout(r, 200));
    seen.push(version());
    await new Promise<void>((r) => setTimeout(r, 600));
    seen.push(version());
    await other.send('HOST_ONLINE', { node_id: 'n1' });
    const events = await waiting;
    probe.close();
    expect(seen[1]).toBe(seen[0]);
    expect(events.map((e) => e.payload.node_id)).toEqual(['n1']);
  });
});

describe('subscriber groups (design rule 2)', () => {
  it('gives every event to every group, and shares a group among its members', async () => {
    const a = queue();
    const b = queue(); // another connection, as another process would have
    a.ensureGroup('training');
    a.ensureGroup('monitor');
    for (let i = 0; i < 40; i++) await a.send('HOST_OFFLINE', { node_id: `n${i}` });
    const m1 = await a.receive({ group: 'training', limit: 15 });
    const m2 = await b.receive({ group: 'training', limit: 100 });
    const monitor = await b.receive({ group: 'monitor', limit: 100 });
    const ids = (es: ReceivedEvent[]) => es.map((e) => e.payload.node_id as string);
    expect(ids(m1)).toHaveLength(15);
    expect(ids(m2)).toHaveLength(25);
    expect(new Set([...ids(m1), ...ids(m2)]).size).toBe(40); // shared, nothing twice
    expect(ids(monitor)).toHaveLength(40); // the other group has its own cursor
    // Each member acknowledges what it was given; then the group has nothing in flight.
    expect(a.ack(m1)).toBe(15);
    expect(b.ack(m2)).toBe(25);
    expect(a.stats().groups.find((g) => g.name === 'training')).toMatchObject({ inFlight: 0, pending: 0 });
  });

  it('a group created with startFrom "new" starts after the events already stored; "all" gets them', async () => {
    const q = queue();
    await q.send('HOST_OFFLINE', { node_id: 'old' });
    q.ensureGroup('late', { startFrom: 'new' });
    q.ensureGroup('history');
    await q.send('HOST_OFFLINE', { node_id: 'new' });
    expect((await q.receive({ group: 'late' })).map((e) => e.payload.node_id)).toEqual(['new']);
    expect((await q.receive({ group: 'history' })).map((e) => e.payload.node_id)).toEqual(['old', 'new']);
  });

  it('filters by event type (spellings and patterns) and refuses a member that disagrees with its group', async () => {
    const q = queue();
    q.ensureGroup('training', { eventTypes: ['training.*', 'new_games'] });
    expect(() => queue().ensureGroup('training', { eventTypes: ['MODEL_PROMOTED'] })).toThrow(GroupMismatchError);
    expect(() => q.ensureGroup('x', { eventTypes: ['NOT_AN_EVENT'] })).toThrow(UnknownEventError);
    await q.send('HOST_OFFLINE', { node_id: 'n' });
    await q.send('TRAINING_STARTED', { config_key: 'hex8_2p' });
    await q.send('NEW_GAMES_AVAILABLE', { host: 'h', new_games: 10 });
    expect((await q.receive({ group: 'training' })).map((e) => e.type)).toEqual(['TRAINING_STARTED', 'NEW_GAMES_AVAILABLE']);
  });

  it('a group without a name belongs to the queue instance, sees the retained events and later ones, and is removed on close', async () => {
    const q = queue();
    await q.send('HOST_OFFLINE', { node_id: 'before' });
    expect((await q.receive()).map((e) => e.payload.node_id)).toEqual(['before']);
    await q.send('HOST_OFFLINE', { node_id: 'after' });
    expect((await q.receive()).map((e) => e.payload.node_id)).toEqual(['after']);
    const fromNow = queue();
    expect(await fromNow.receive({ startFrom: 'new' })).toEqual([]);
    const other = queue();
    expect(other.stats().groups.filter((g) => g.ephemeral)).toHaveLength(2);
    await q.close();
    await fromNow.close();
    expect(other.stats().groups.filter((g) => g.ephemeral)).toHaveLength(0);
  });
});

describe('leases, fencing and redelivery', () => {
  it('redelivers an event whose lease expired, marked as a redelivery, and rejects the stale holder\'s ack', async () => {
    let now = Date.now();
    const q1 = queue({ now: () => now });
    const q2 = queue({ now: () => now });
    await q1.send('HOST_OFFLINE', { node_id: 'n1' });
    const [first] = await q1.receive({ group: 'g', leaseMs: 50 });
    now += 49;
    expect(await q2.receive({ group: 'g' })).toEqual([]); // leased to q1 for 50 ms
    now += 1;
    const [second] = await q2.receive({ group: 'g' });
    expect(second).toMatchObject({ id: first!.id, attempt: 2, redelivered: true });
    expect(second!.token).toBeGreaterThan(first!.token);
    expect(first!.ack()).toBe(false); // fenced: the lease moved on
    expect(second!.ack()).toBe(true);
    expect(q1.stats().groups[0]).toMatchObject({ inFlight: 0, expired: 0, pending: 0 });
  });

  it('consume() acknowledges only after the handler settled, and renews the lease while it runs', async () => {
    let now = Date.now();
    const q = queue({ leaseMs: 150, now: () => now });
    await q.send('HOST_OFFLINE', { node_id: 'slow' });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const seen: number[] = [];
    const consumer = q.consume(
      async (e) => {
        seen.push(e.attempt);
        await gate;
      },
      { group: 'g' },
    );
    await waitUntil(() => seen.length === 1, 2000, 'the handler to start');
    // The queue's clock moves 100 ms (less than the lease) at a time, 300 ms in all, twice the lease; after
    // each step the consumer renews (a commit from its connection changes data_version here).
    const probe = new Database(tmp.db, { readonly: true });
    const version = (): unknown => probe.pragma('data_version', { simple: true });
    for (let step = 0; step < 3; step++) {
      now += 100;
      const before = version();
      await waitUntil(() => version() !== before, 5000, 'a lease renewal');
    }
    probe.close();
    expect(q.stats().groups[0]).toMatchObject({ inFlight: 1 });
    expect(await queue({ now: () => now }).receive({ group: 'g' })).toEqual([]); // still leased: no redelivery
    release();
    await waitUntil(() => consumer.stats.acked === 1, 2000, 'the ack');
    expect(seen).toEqual([1]);
    expect(q.stats().groups[0]).toMatchObject({ inFlight: 0, pending: 0 });
    await consumer.stop();
  });

  it('retries a failing handler with backoff up to maxDeliveries, then parks it in the DLQ; later events are not held back (design rule 3)', async () => {
    const errors: string[] = [];
    const logger: Logger = { ...silentLogger, error: (m) => errors.push(m) };
    // The queue's clock stands still unless the test moves it: a retry comes due exactly when the backoff says.
    let now = Date.now();
    const q = queue({ maxDeliveries: 3, retry: { baseDelayMs: 200, maxDelayMs: 1000 }, logger, now: () => now });
    const member = queue({ now: () => now }); // another member of the group, asking whether anything is due
    await q.send('HOST_OFFLINE', { node_id: 'poison' });
    await q.send('HOST_OFFLINE', { node_id: 'fine' });
    const calls: string[] = [];
    const consumer = q.consume(
      (e) => {
        calls.push(`${String(e.payload.node_id)}#${e.attempt}`);
        if (e.payload.node_id === 'poison') throw new Error('cannot handle poison');
      },
      { group: 'g' },
    );
    await waitUntil(() => consumer.stats.acked === 1, 5000, 'the fine event');
    expect(calls).toEqual(['poison#1', 'fine#1']); // the failed one waits for its retry; the next one goes on
    now += 199;
    expect(await member.receive({ group: 'g' })).toEqual([]); // the first retry waits 200 ms
    now += 1;
    await waitUntil(() => calls.length === 3, 5000, 'the second delivery');
    now += 399;
    expect(await member.receive({ group: 'g' })).toEqual([]); // the second waits twice as long
    now += 1;
    await waitUntil(() => consumer.stats.parked === 1, 5000, 'the poison event to be parked');
    await consumer.stop();
    expect(calls).toEqual(['poison#1', 'fine#1', 'poison#2', 'poison#3']); // bounded: exactly maxDeliveries calls
    const [entry] = await q.dlqStore().list();
    expect(entry).toMatchObject({ eventType: 'HOST_OFFLINE', handlerName: 'sqlite:g', attempts: 3, status: 'pending', group: 'g' });
    expect(entry!.error).toMatch(/3 deliveries failed; last: cannot handle poison/);
    expect(entry!.envelope.data).toMatchObject({ node_id: 'poison' });
    expect(errors.join('\n')).toMatch(/parked HOST_OFFLINE/);
    expect(q.stats().groups[0]).toMatchObject({ inFlight: 0, retrying: 0, pending: 0 });
  });

  it('parks a delivery whose consumer keeps dying (lease expiring) after maxDeliveries', async () => {
    let now = Date.now();
    const q = queue({ maxDeliveries: 2, now: () => now });
    await q.send('HOST_OFFLINE', { node_id: 'crasher' });
    for (let i = 0; i < 2; i++) {
      expect(await q.receive({ group: 'g', leaseMs: 10 })).toHaveLength(1); // claimed, never acknowledged
      now += 10; // the lease runs out
    }
    expect(await q.receive({ group: 'g' })).toEqual([]);
    const [entry] = await q.dlqStore().list();
    expect(entry!.error).toMatch(/lease expired 2 time\(s\)/);
  });

  it('parks at once an event written by another program that is not valid for the catalog, instead of dropping it', async () => {
    const q = queue();
    q.ensureGroup('g');
    const raw = new Database(tmp.db);
    const insert = raw.prepare('INSERT INTO rr_events (event_id, event_type, source, created_at, envelope) VALUES (?, ?, ?, ?, ?)');
    const env = (id: string, type: string, data: unknown) => JSON.stringify({ specversion: '1.0', id, source: 'py', type, time: new Date().toISOString(), datacontenttype: 'application/json', data });
    insert.run('bad-1', 'MODEL_PROMOTED', 'py', Date.now(), env('bad-1', 'MODEL_PROMOTED', { config_key: 'hex9_2p' }));
    insert.run('bad-2', 'NO_SUCH_EVENT', 'py', Date.now(), env('bad-2', 'NO_SUCH_EVENT', {}));
    insert.run('bad-3', 'HOST_OFFLINE', 'py', Date.now(), '{not json');
    insert.run('good', 'HOST_OFFLINE', 'py', Date.now(), env('good', 'HOST_OFFLINE', { node_id: 'n' }));
    raw.close();
    const handled: string[] = [];
    const consumer = q.consume((e) => void handled.push(e.id), { group: 'g' });
    await waitUntil(() => consumer.stats.acked + consumer.stats.parked === 4, 3000, 'all four events');
    await consumer.stop();
    expect(handled).toEqual(['good']);
    const parked = await q.dlqStore().list();
    expect(parked.map((e) => [e.envelope.id, e.attempts])).toEqual([
      ['bad-1', 1],
      ['bad-2', 1],
      ['bad-3', 1],
    ]);
    expect(parked[0]!.error).toMatch(/invalid MODEL_PROMOTED payload.*config_key/);
    expect(parked[1]!.error).toMatch(/unknown event type "NO_SUCH_EVENT"/);
    expect(parked[2]!.error).toMatch(/not JSON/);
  });

  it('a handler throwing PermanentDeliveryError is parked without retries', async () => {
    const q = queue();
    await q.send('HOST_OFFLINE', { node_id: 'x' });
    let calls = 0;
    const consumer = q.consume(
      () => {
        calls++;
        throw new PermanentDeliveryError('never going to work');
      },
      { group: 'g' },
    );
    await waitUntil(() => consumer.stats.parked === 1, 2000, 'parking');
    await consumer.stop();
    expect(calls).toBe(1);
  });

  it('stop() finishes the running handler and releases the rest of the batch to the group at once', async () => {
    const q = queue();
    for (let i = 0; i < 10; i++) await q.send('HOST_OFFLINE', { node_id: `n${i}` });
    let stopping: Promise<void> | undefined;
    const seen: string[] = [];
    const consumer = q.consume(
      async (e) => {
        seen.push(e.payload.node_id as string);
        if (seen.length === 3) stopping = consumer.stop();
        await sleep(5);
      },
      { group: 'g', batchSize: 10 },
    );
    await waitUntil(() => stopping !== undefined, 2000, 'stop');
    await stopping;
    expect(seen).toEqual(['n0', 'n1', 'n2']);
    const rest = await queue().receive({ group: 'g' });
    expect(rest.map((e) => [e.payload.node_id, e.redelivered])).toEqual(Array.from({ length: 7 }, (_, i) => [`n${i + 3}`, false]));
  });
});

describe('retention (design rule 8)', () => {
  it('deletes by itself the events every group acknowledged once older than the TTL, and keeps the others', async () => {
    const q = queue({ retention: { ttlMs: 100, intervalMs: 50 } });
    q.ensureGroup('fast');
    q.ensureGroup('slow');
    for (let i = 0; i < 20; i++) await q.send('HOST_OFFLINE', { node_id: `n${i}` });
    const fast = await q.receive({ group: 'fast', limit: 100 });
    q.ack(fast);
    const slow = await q.receive({ group: 'slow', limit: 5 });
    q.ack(slow);
    await waitUntil(() => q.stats().events.count === 15, 3000, 'retention to run by itself');
    await sleep(300);
    expect(q.stats().events).toMatchObject({ count: 15, firstSeq: 6 }); // what "slow" has not acknowledged stays
    q.ack(await q.receive({ group: 'slow', limit: 100 }));
    await waitUntil(() => q.stats().events.count === 0, 3000, 'the rest to go');
    // Sequence numbers never go back after the table emptied (cursors stay valid).
    expect((await q.send('HOST_OFFLINE', { node_id: 'later' })).seq).toBe(21);
    expect((await q.receive({ group: 'fast' })).map((e) => e.seq)).toEqual([21]);
  });

  it('deletes events older than maxAgeMs that a group whose processes are gone never acknowledged, and says so', async () => {
    const errors: string[] = [];
    let now = Date.now();
    const retention = { ttlMs: 10, maxAgeMs: 1000, groupInactiveMs: 200, intervalMs: 3_600_000 };
    const q = queue({ retention, now: () => now, logger: { ...silentLogger, error: (m) => errors.push(m) } });
    q.ensureGroup('gone');
    for (let i = 0; i < 5; i++) await q.send('HOST_OFFLINE', { node_id: `n${i}` });
    await q.receive({ group: 'gone', limit: 2 }); // 2 leased, 3 never claimed
    expect(q.runRetention()).toMatchObject({ eventsDeleted: 0 });
    now += 2000;
    // The database's own time moves on (another process sends), and "gone" shows no heartbeat for groupInactiveMs.
    const later = queue({ now: () => now });
    await later.send('HOST_ONLINE', { node_id: 'later' });
    expect(q.runRetention()).toMatchObject({ eventsDeleted: 0 }); // first sight of the groups: nobody is gone yet
    await sleep(250);
    expect(q.runRetention()).toMatchObject({ eventsDeleted: 5, unacknowledgedDeleted: 5 });
    expect(errors.join('\n')).toMatch(/5 event\(s\) older than maxAgeMs .* group "gone"/);
    expect(q.stats().groups[0]).toMatchObject({ inFlight: 0, expired: 0, pending: 1 });
  });

  it('removes per-process groups whose process is gone, and recovered DLQ entries after their TTL', async () => {
    let now = Date.now();
    const q = queue({ now: () => now, retention: { ephemeralInactiveMs: 200, dlqRecoveredTtlMs: 1000, intervalMs: 3_600_000 } });
    const other = queue({ now: () => now });
    await other.receive(); // creates other's per-process group
    const store = q.dlqStore();
    const envelope = (await q.send('HOST_OFFLINE', { node_id: 'n' })).envelope;
    await store.add({ id: 'r', envelope, eventType: 'HOST_OFFLINE', handlerName: 'h', error: 'e', attempts: 1, failedAt: now, lastAttemptAt: now, status: 'pending' });
    await store.markRecovered('r', now);
    now += 5000;
    await q.send('HOST_OFFLINE', { node_id: 'later' }); // the database's time moves on
    const first = q.runRetention();
    expect(first.groupsExpired).toHaveLength(0); // first sight: not yet known to be gone
    expect(first.dlqDeleted).toBe(1);
    await sleep(250);
    expect(q.runRetention().groupsExpired).toHaveLength(1);
  });
});

describe('checkpoints', () => {
  it('run in a worker thread, so the -wal file stays bounded and the events reach the database file', async () => {
    const q = queue();
    for (let i = 0; i < 30; i++) {
      q.sendMany(Array.from({ length: 500 }, (_, j) => ({ type: 'HOST_OFFLINE', payload: { node_id: `n${i}-${j}`, reason: 'r'.repeat(500) } })));
      await sleep(20);
    }
    await waitUntil(() => q.stats().files.dbBytes > 8_000_000, 10_000, 'the checkpoint worker to copy the events into the database file');
    await q.send('HOST_OFFLINE', { node_id: 'last' }); // a write after a complete checkpoint starts the -wal file over
    expect(q.stats().files.walBytes).toBeLessThan(64 * 1024 * 1024 + 1024 * 1024);
    expect(q.stats().events.count).toBe(15_001);
  });
});

describe('wake-ups without busy polling', () => {
  it('wakes a consumer in this process on a send from another process through fs.watch on the -wal file, not its safety poll', async () => {
    // The safety poll is 10 minutes: only a wake-up from the -wal file can deliver within the test's timeout.
    const q = queue({ pollIntervalMs: 600_000 });
    q.ensureGroup('g', { startFrom: 'new' });
    const got: unknown[] = [];
    const consumer = q.consume((e) => void got.push(e.payload.node_id), { group: 'g' });
    expect(consumer.watching).toBe(true);
    const child = spawnTs(join(CHILDREN, 'sender.ts'), { db: tmp.db, count: 40, intervalMs: 25 });
    expect(await child.exited).toBe(0);
    await waitUntil(() => got.length === 40, 20_000, 'all 40 events');
    await consumer.stop();
    expect(got).toEqual(Array.from({ length: 40 }, (_, i) => `n${i}`));
  });

  it('falls back to polling PRAGMA data_version when told to', async () => {
    const q = queue({ wake: 'poll', pollIntervalMs: 20 });
    const other = queue();
    const got: number[] = [];
    const consumer = q.consume((e) => void got.push(e.seq), { group: 'g' });
    expect(consumer.watching).toBe(false);
    await other.send('HOST_OFFLINE', { node_id: 'n' });
    await waitUntil(() => got.length === 1, 10_000, 'the polled event');
    await consumer.stop();
    expect(got).toEqual([1]);
  });
});

describe('the SQLite DLQ store', () => {
  it('keeps entries across reopening and implements the DlqStore contract', async () => {
    const q = queue();
    const store = q.dlqStore('training');
    const envelope = (await q.send('HOST_OFFLINE', { node_id: 'n' })).envelope;
    const base = { envelope, eventType: 'HOST_OFFLINE', handlerName: 'Health:HOST_OFFLINE', error: 'boom', attempts: 3, status: 'pending' as const };
    await store.add({ ...base, id: 'a', failedAt: 1000, lastAttemptAt: 1000 });
    await store.add({ ...base, id: 'b', failedAt: 2000, lastAttemptAt: 2000, handlerName: 'Other:HOST_OFFLINE' });
    await store.add({ ...base, id: 'c', failedAt: 3000, lastAttemptAt: 3000 });
    await q.close();
    const again = queue().dlqStore();
    expect((await again.list()).map((e) => e.id)).toEqual(['a', 'b', 'c']);
    expect(await again.count({ handlerName: 'Health:HOST_OFFLINE' })).toBe(2);
    expect((await again.list({ since: 2000, limit: 1 })).map((e) => e.id)).toEqual(['b']);
    await again.recordFailure('a', 'boom again', 4000);
    expect(await again.get('a')).toMatchObject({ attempts: 4, error: 'boom again', status: 'pending', group: 'training' });
    await again.markRecovered('c', 5000);
    expect(await again.get('c')).toMatchObject({ status: 'recovered', recoveredAt: 5000, attempts: 4 });
    expect(await again.count({ status: 'pending' })).toBe(2);
    expect(await again.remove('b')).toBe(true);
    expect(await again.remove('b')).toBe(false);
    expect(await again.purge(1500)).toBe(1);
    expect((await again.list({ status: 'recovered' })).map((e) => e.id)).toEqual(['c']);
    expect((await again.get('c'))!.envelope).toEqual(envelope);
  });
});
