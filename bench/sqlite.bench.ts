/**
 * The SQLite cross-process queue against raw better-sqlite3 doing the same
 * work, in the same run (ratios, not absolute thresholds):
 *
 * 1. send throughput, one event per transaction: `await queue.send()` (with
 *    the catalog: spelling, validation, envelope, JSON) against a prepared
 *    INSERT of the same, already serialized rows, each in its own BEGIN
 *    IMMEDIATE transaction;
 * 2. the same with 100 events per transaction (100 sends in one tick against
 *    100 inserts in one transaction);
 * 3. end to end across two processes: a producer process sending in batches
 *    and a consumer process handling each event (queue.consume: claim, lease
 *    renewal, ack after the handler), against the same two processes running
 *    raw SQL (the same inserts, and a tight claim-and-ack loop on the same
 *    tables);
 * 4. latency from send to handler across processes at 1,000 events/s,
 *    through the router and the SQLite transport, with fs.watch wake-ups and
 *    with the polling fallback;
 * 5. disk: the peak size of the -wal file and of the database file while a
 *    producer process sends at 1,000 and 10,000 events/s (one send per
 *    transaction, and batches of one tick every 10 ms) and a consumer process
 *    handles every event, over RR_BENCH_DISK_SECONDS (60 s) each.
 *
 * "raw" runs with the queue's checkpoint regime (SQLite's automatic
 * checkpoint off, PASSIVE checkpoints in a worker thread), so the ratio is
 * the cost of the queue's own work; "raw (auto)" with SQLite's default
 * (checkpoints inside commits), what a hand-written program would get.
 * Rounds are interleaved and medians reported: the machine may be busy.
 *
 * RR_BENCH_SQLITE_PARTS=disk (comma-separated: send, e2e, latency, disk)
 * runs only those parts. The file is also its own child process (RR_SQLITE_BENCH_ROLE);
 * RR_SQLITE_BENCH_PROFILE=DIR writes a CPU profile of each child there.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { REGISTRY } from '../generated/index.js';
import { createRouter, silentLogger } from '../runtime/index.js';
import { attachSqliteTransport, CrossProcessEventQueue, type WakeMode } from '../runtime/sqlite/index.js';
import { startCheckpointer } from '../runtime/sqlite/checkpoint.js';
import { uuidv7 } from '../runtime/ids.js';
import { median } from './stats.js';

const SELF = fileURLToPath(import.meta.url);
const SEND_N = Number(process.env.RR_BENCH_SEND_N ?? 20_000);
const E2E_N = Number(process.env.RR_BENCH_E2E_N ?? 40_000);
const LAT_SECONDS = Number(process.env.RR_BENCH_LAT_SECONDS ?? 5);
const RATE = 1000;
const DISK_SECONDS = Number(process.env.RR_BENCH_DISK_SECONDS ?? 60);
const PARTS = new Set((process.env.RR_BENCH_SQLITE_PARTS ?? 'send,e2e,latency,disk').split(','));

const payload = (i: number) => ({ work_id: `w-${i}`, work_type: 'selfplay', config_key: 'hex8_2p', priority: i % 10, estimated_duration: 12.5 });
const INSERT = 'INSERT INTO rr_events (event_id, event_type, source, created_at, origin_group, envelope) VALUES (?, ?, ?, ?, NULL, ?) ON CONFLICT (event_id) DO NOTHING';

interface Row {
  readonly id: string;
  readonly source: string;
  readonly text: string;
  /** The same envelope as an object (for the variant that serializes each row itself). */
  readonly envelope: Record<string, unknown>;
}

/** Rows exactly as the queue stores them (built by the queue itself, then copied). */
async function sampleRows(dir: string, n: number): Promise<Row[]> {
  const q = new CrossProcessEventQueue({ dbPath: join(dir, 'sample.db'), registry: REGISTRY, logger: silentLogger, retention: false });
  q.sendMany(Array.from({ length: Math.min(n, 1000) }, (_, i) => ({ type: 'WORK_QUEUED', payload: payload(i) })));
  const rows = q.read(0, 1000).map((e) => ({ id: e.id, source: e.source, text: JSON.stringify(e.envelope) }));
  await q.close();
  // Fresh ids of the kind the queue gives events (time-ordered UUIDs: their spread over the UNIQUE index matters).
  return Array.from({ length: n }, (_, i) => {
    const r = rows[i % rows.length]!;
    const id = uuidv7();
    const text = r.text.replace(r.id, id);
    return { id, source: r.source, text, envelope: JSON.parse(text) as Record<string, unknown> };
  });
}

function freshQueue(path: string, wake: WakeMode = 'watch'): CrossProcessEventQueue {
  rmSync(path, { force: true });
  rmSync(`${path}-wal`, { force: true });
  rmSync(`${path}-shm`, { force: true });
  return new CrossProcessEventQueue({ dbPath: path, registry: REGISTRY, logger: silentLogger, retention: false, wake });
}

/**
 * A plain better-sqlite3 connection. `background`: the same checkpoint regime
 * as the queue (automatic checkpoint off, PASSIVE checkpoints in a worker
 * thread), so that the ratio measures the queue's own work; `auto`: SQLite's
 * default (checkpoints inside commits).
 */
function rawDb(path: string, checkpoint: Checkpoint): { db: Database.Database; close: () => Promise<void> } {
  const db = new Database(path, { timeout: 30_000 });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  let release: (() => Promise<void>) | undefined;
  if (checkpoint === 'background') {
    release = startCheckpointer(path, 200);
    if (release) db.pragma('wal_autocheckpoint = 0');
  }
  return {
    db,
    close: async () => {
      db.close();
      await release?.();
    },
  };
}

type Checkpoint = 'background' | 'auto';

const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);

// ── 1 and 2: send throughput ───────────────────────────────────────────────

type RawVariant = 'raw' | 'rawJson' | 'rawAuto';
type Figures = { queue: number } & Record<RawVariant, number>;

async function sendThroughput(dir: string, batch: number): Promise<Figures> {
  const path = join(dir, `send-${batch}.db`);
  const rows = await sampleRows(dir, SEND_N);
  const results: Record<keyof Figures, number[]> = { queue: [], raw: [], rawJson: [], rawAuto: [] };
  const runQueue = async () => {
    const q = freshQueue(path);
    const t = performance.now();
    for (let i = 0; i < SEND_N; i += batch) {
      if (batch === 1) await q.send('WORK_QUEUED', payload(i));
      else await Promise.all(Array.from({ length: Math.min(batch, SEND_N - i) }, (_, j) => q.send('WORK_QUEUED', payload(i + j))));
    }
    results.queue.push(rate(SEND_N, performance.now() - t));
    await q.close();
  };
  const runRaw = async (variant: RawVariant) => {
    // raw better-sqlite3: the same table, the same rows, the same transaction mode
    await freshQueue(path).close(); // the schema, on a fresh file
    const { db, close } = rawDb(path, variant === 'rawAuto' ? 'auto' : 'background');
    const insert = db.prepare(INSERT);
    const serialize = variant === 'rawJson';
    const tx = db.transaction((from: number, to: number) => {
      const now = Date.now();
      for (let i = from; i < to; i++) {
        const r = rows[i]!;
        insert.run(r.id, 'WORK_QUEUED', r.source, now, serialize ? JSON.stringify(r.envelope) : r.text);
      }
    });
    const t = performance.now();
    for (let i = 0; i < SEND_N; i += batch) tx.immediate(i, Math.min(SEND_N, i + batch));
    results[variant].push(rate(SEND_N, performance.now() - t));
    await close();
  };
  // Interleaved rounds, so that a busy moment of the machine hits all alike; medians.
  const order = [runQueue, () => runRaw('raw'), () => runRaw('rawJson'), () => runRaw('rawAuto')];
  for (let round = 0; round < 5; round++) for (let k = 0; k < order.length; k++) await order[(k + round) % order.length]!();
  return { queue: median(results.queue), raw: median(results.raw), rawJson: median(results.rawJson), rawAuto: median(results.rawAuto) };
}

// ── 3: end to end, two processes ───────────────────────────────────────────

interface ChildHandle {
  send(cmd: unknown): void;
  kill(): void;
  next(pred: (l: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
}

function child(role: string, config: Record<string, unknown>): ChildHandle {
  // RR_SQLITE_BENCH_PROFILE=DIR: each child writes a CPU profile there (node --cpu-prof).
  const profile = process.env.RR_SQLITE_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.RR_SQLITE_BENCH_PROFILE}`] : [];
  const proc = spawn(process.execPath, [...profile, '--import', 'tsx', SELF], {
    env: { ...process.env, RR_SQLITE_BENCH_ROLE: role, RR_SQLITE_BENCH_CONFIG: JSON.stringify(config) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines: Record<string, unknown>[] = [];
  const waiters: { pred: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  createInterface({ input: proc.stdout! }).on('line', (text) => {
    const line = JSON.parse(text) as Record<string, unknown>;
    lines.push(line);
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i]!.pred(line)) waiters.splice(i, 1)[0]!.resolve(line);
    }
  });
  return {
    send: (cmd) => proc.stdin!.write(`${JSON.stringify(cmd)}\n`),
    kill: () => proc.kill('SIGKILL'),
    next: (pred) => {
      const found = lines.find(pred);
      return found ? Promise.resolve(found) : new Promise((resolve) => waiters.push({ pred, resolve }));
    },
    exited: new Promise((resolve) => proc.on('exit', (code) => resolve(code))),
  };
}

async function endToEnd(dir: string, raw: boolean, checkpoint: Checkpoint = 'background', serialize = false): Promise<number> {
  const path = join(dir, raw ? 'e2e-raw.db' : 'e2e.db');
  const q = freshQueue(path);
  q.ensureGroup('bench');
  await q.close();
  const consumer = child(raw ? 'raw-consumer' : 'consumer', { db: path, n: E2E_N, checkpoint });
  const producer = child(raw ? 'raw-producer' : 'producer', { db: path, n: E2E_N, checkpoint, serialize });
  await Promise.all([consumer.next((l) => 'ready' in l), producer.next((l) => 'ready' in l)]);
  const t = performance.now();
  producer.send({ go: true });
  consumer.send({ go: true });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), 120_000)));
  const outcome = await Promise.race([consumer.next((l) => 'done' in l), timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    consumer.kill();
    producer.kill();
    throw new Error(`end to end (${raw ? 'raw' : 'queue'}) did not finish within 120 s`);
  }
  const ms = performance.now() - t;
  consumer.send({ exit: true });
  producer.send({ exit: true });
  await Promise.all([consumer.exited, producer.exited]);
  return rate(E2E_N, ms);
}

// ── 4: latency through the router ──────────────────────────────────────────

async function latency(dir: string, wake: WakeMode): Promise<{ p50: number; p99: number; max: number; n: number }> {
  const path = join(dir, `latency-${wake}.db`);
  const q = freshQueue(path);
  q.ensureGroup('bench', { startFrom: 'new' });
  await q.close();
  const consumer = child('latency-consumer', { db: path, wake });
  const producer = child('latency-producer', { db: path, seconds: LAT_SECONDS, rate: RATE });
  await Promise.all([consumer.next((l) => 'ready' in l), producer.next((l) => 'ready' in l)]);
  producer.send({ go: true });
  const sent = await producer.next((l) => 'sent' in l);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), 60_000)));
  const outcome = await Promise.race([consumer.next((l) => (l.received as number) >= (sent.sent as number)), timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    consumer.kill();
    producer.kill();
    throw new Error(`latency (${wake}): not every event arrived within 60 s`);
  }
  consumer.send({ report: true });
  const report = (await consumer.next((l) => 'latencies' in l)).latencies as number[];
  consumer.send({ exit: true });
  producer.send({ exit: true });
  await Promise.all([consumer.exited, producer.exited]);
  report.sort((a, b) => a - b);
  const pct = (p: number) => report[Math.min(report.length - 1, Math.floor((p / 100) * report.length))]!;
  return { p50: pct(50), p99: pct(99), max: report.at(-1)!, n: report.length };
}

// ── 5: disk ────────────────────────────────────────────────────────────────

interface DiskFigures {
  readonly rate: number;
  readonly batched: boolean;
  /** Events sent per second, as achieved. */
  readonly achieved: number;
  readonly handled: number;
  readonly walPeak: number;
  readonly dbPeak: number;
  readonly walEnd: number;
}

const sizeOf = (path: string): number => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};

/** A producer process at `rate` events/s and a consumer process, the file sizes sampled every 20 ms. */
async function disk(dir: string, rate: number, batched: boolean): Promise<DiskFigures> {
  const path = join(dir, `disk-${rate}-${batched ? 'batch' : 'one'}.db`);
  const q = freshQueue(path);
  q.ensureGroup('bench');
  await q.close();
  const consumer = child('disk-consumer', { db: path });
  const producer = child('disk-producer', { db: path, rate, seconds: DISK_SECONDS, batched });
  await Promise.all([consumer.next((l) => 'ready' in l), producer.next((l) => 'ready' in l)]);
  let walPeak = 0;
  let dbPeak = 0;
  const sample = () => {
    walPeak = Math.max(walPeak, sizeOf(`${path}-wal`));
    dbPeak = Math.max(dbPeak, sizeOf(path));
  };
  const sampler = setInterval(sample, 20);
  consumer.send({ go: true });
  producer.send({ go: true });
  const sent = await producer.next((l) => 'sent' in l);
  sample();
  clearInterval(sampler);
  const walEnd = sizeOf(`${path}-wal`);
  consumer.send({ report: true });
  const handled = (await consumer.next((l) => 'handled' in l)).handled as number;
  consumer.send({ exit: true });
  producer.send({ exit: true });
  await Promise.all([consumer.exited, producer.exited]);
  return { rate, batched, achieved: Math.round((sent.sent as number) / (sent.seconds as number)), handled, walPeak, dbPeak, walEnd };
}

// ── child roles ────────────────────────────────────────────────────────────

async function runChild(
  role: string,
  config: { db: string; n?: number; seconds?: number; rate?: number; wake?: WakeMode; checkpoint?: Checkpoint; serialize?: boolean; batched?: boolean },
): Promise<void> {
  const say = (fact: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(fact)}\n`);
  const commands = createInterface({ input: process.stdin });
  commands.on('close', () => process.exit(1)); // the bench is gone: never outlive it
  const next = (key: string) => new Promise<void>((resolve) => commands.on('line', (l) => (key in (JSON.parse(l) as object) ? resolve() : undefined)));
  const go = next('go');
  const exit = next('exit');
  const n = config.n ?? 0;

  if (role === 'producer') {
    const q = new CrossProcessEventQueue({ dbPath: config.db, registry: REGISTRY, logger: silentLogger, retention: false });
    say({ ready: true });
    await go;
    for (let i = 0; i < n; i += 100) await Promise.all(Array.from({ length: Math.min(100, n - i) }, (_, j) => q.send('WORK_QUEUED', payload(i + j))));
    say({ sent: n });
    await exit;
    await q.close();
  } else if (role === 'raw-producer') {
    const rowsDir = mkdtempSync(join(tmpdir(), 'rr-bench-rows-'));
    const rows = await sampleRows(rowsDir, n);
    rmSync(rowsDir, { recursive: true, force: true });
    const { db, close } = rawDb(config.db, config.checkpoint ?? 'background');
    const insert = db.prepare(INSERT);
    const serialize = config.serialize ?? false;
    const tx = db.transaction((from: number, to: number) => {
      const now = Date.now();
      for (let i = from; i < to; i++) {
        const r = rows[i]!;
        insert.run(r.id, 'WORK_QUEUED', r.source, now, serialize ? JSON.stringify(r.envelope) : r.text);
      }
    });
    say({ ready: true });
    await go;
    for (let i = 0; i < n; i += 100) tx.immediate(i, Math.min(n, i + 100));
    say({ sent: n });
    await exit;
    await close();
  } else if (role === 'consumer') {
    const q = new CrossProcessEventQueue({ dbPath: config.db, registry: REGISTRY, logger: silentLogger, retention: false });
    let received = 0;
    say({ ready: true });
    await go;
    let finished!: () => void;
    const done = new Promise<void>((r) => (finished = r));
    const consumer = q.consume(
      () => {
        if (++received === n) finished();
      },
      { group: 'bench', batchSize: 64 },
    );
    await done;
    say({ done: received });
    await consumer.stop();
    await exit;
    await q.close();
  } else if (role === 'raw-consumer') {
    // The same protocol in plain SQL: ack the previous batch and claim the next one in one transaction, polling.
    const { db, close } = rawDb(config.db, config.checkpoint ?? 'background');
    const owner = `raw/${process.pid}`;
    const fence = db.prepare<[string], { fence: number; cursor: number }>('UPDATE rr_groups SET fence = fence + 1 WHERE name = ? RETURNING fence, cursor');
    const fresh = db.prepare<[number, number], { seq: number; envelope: string }>('SELECT seq, envelope FROM rr_events WHERE seq > ? ORDER BY seq LIMIT ?');
    const lease = db.prepare('INSERT INTO rr_deliveries (group_name, seq, owner, token, lease_expires, attempts) VALUES (?, ?, ?, ?, ?, 1)');
    const cursor = db.prepare('UPDATE rr_groups SET cursor = ? WHERE name = ?');
    const ack = db.prepare('DELETE FROM rr_deliveries WHERE group_name = ? AND seq = ? AND token = ?');
    // A cheap read first, as the queue does: a loop that took the write lock to find nothing would starve the producer.
    const pending = db.prepare<[string], { w: number }>('SELECT (SELECT COALESCE(MAX(seq), 0) FROM rr_events) > cursor AS w FROM rr_groups WHERE name = ?');
    const claim = db.transaction((acks: { seq: number; token: number }[]) => {
      for (const a of acks) ack.run('bench', a.seq, a.token);
      const f = fence.get('bench')!;
      const rows = fresh.all(f.cursor, 64);
      const expires = Date.now() + 30_000;
      for (const r of rows) lease.run('bench', r.seq, owner, f.fence, expires);
      if (rows.length) cursor.run(rows.at(-1)!.seq, 'bench');
      return rows.map((r) => ({ seq: r.seq, token: f.fence, envelope: r.envelope }));
    });
    say({ ready: true });
    await go;
    let received = 0;
    let acks: { seq: number; token: number }[] = [];
    while (received < n) {
      if (acks.length === 0 && pending.get('bench')!.w === 0) {
        await new Promise((r) => setImmediate(r));
        continue;
      }
      const batch = claim.immediate(acks);
      acks = [];
      for (const e of batch) {
        JSON.parse(e.envelope); // the consumer reads the event
        received++;
        acks.push({ seq: e.seq, token: e.token });
      }
      if (batch.length === 0) await new Promise((r) => setImmediate(r));
    }
    claim.immediate(acks);
    say({ done: received });
    await exit;
    await close();
  } else if (role === 'latency-producer') {
    const q = new CrossProcessEventQueue({ dbPath: config.db, registry: REGISTRY, logger: silentLogger, retention: false });
    const router = createRouter({ registry: REGISTRY, logger: silentLogger });
    await attachSqliteTransport(router, { queue: q, receive: false });
    say({ ready: true });
    await go;
    const total = (config.seconds ?? 5) * (config.rate ?? 1000);
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / (config.rate ?? 1000);
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      else if (i % 8 === 0) await new Promise((r) => setImmediate(r));
      await router.publish('HOST_OFFLINE', { node_id: `n${i}`, sent_at: performance.timeOrigin + performance.now() });
    }
    say({ sent: total });
    await exit;
    await router.close();
    await q.close();
  } else if (role === 'disk-producer') {
    // Retention on, as in production (every 60 s; the interval is short, so it mostly shows the WAL).
    const q = new CrossProcessEventQueue({ dbPath: config.db, registry: REGISTRY, logger: silentLogger });
    say({ ready: true });
    await go;
    const rate = config.rate ?? 1000;
    const total = (config.seconds ?? 60) * rate;
    const start = performance.now();
    let i = 0;
    if (config.batched) {
      // One tick's sends every 10 ms: one transaction of rate/100 events.
      for (let tick = 0; i < total; tick++) {
        const wait = start + tick * 10 - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        const k = Math.min(total - i, Math.max(1, Math.round(rate / 100)));
        await Promise.all(Array.from({ length: k }, () => q.send('WORK_QUEUED', payload(i++))));
      }
    } else {
      for (; i < total; i++) {
        const wait = start + (i * 1000) / rate - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        await q.send('WORK_QUEUED', payload(i));
      }
    }
    say({ sent: total, seconds: (performance.now() - start) / 1000 });
    await exit;
    await q.close();
  } else if (role === 'disk-consumer') {
    const q = new CrossProcessEventQueue({ dbPath: config.db, registry: REGISTRY, logger: silentLogger });
    let handled = 0;
    const consumer = q.consume(() => void handled++, { group: 'bench', batchSize: 64 });
    say({ ready: true });
    commands.on('line', (l) => {
      if ('report' in (JSON.parse(l) as object)) say({ handled });
    });
    await exit;
    await consumer.stop();
    await q.close();
  } else if (role === 'latency-consumer') {
    const q = new CrossProcessEventQueue({ dbPath: config.db, registry: REGISTRY, logger: silentLogger, retention: false, wake: config.wake });
    const router = createRouter({ registry: REGISTRY, logger: silentLogger, dlq: q.dlqStore('bench') });
    const latencies: number[] = [];
    router.subscribe('HOST_OFFLINE', (e) => {
      latencies.push(performance.timeOrigin + performance.now() - Number(e.data.sent_at));
      if (latencies.length % 500 === 0) say({ received: latencies.length });
    });
    await attachSqliteTransport(router, { queue: q, group: 'bench' });
    say({ ready: true });
    commands.on('line', (l) => {
      if ('report' in (JSON.parse(l) as object)) say({ latencies: latencies.map((x) => Math.round(x * 100) / 100) });
    });
    await exit;
    await router.close();
    await q.close();
  }
  commands.close();
}


export default async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rr-bench-sqlite-'));
  try {
    if (PARTS.has('send')) await sendPart(dir);
    if (PARTS.has('e2e')) await e2ePart(dir);
    if (PARTS.has('latency')) await latencyPart(dir);
    if (PARTS.has('disk')) await diskPart(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const w = [58, 10, 14];
const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join(' ');
const block = (title: string, f: Partial<Figures> & { queue: number }) => {
  console.log(title);
  console.log(line(['  queue', String(f.queue), '']));
  if (f.raw !== undefined) console.log(line(['  raw SQL, pre-serialized rows, same checkpoint regime', String(f.raw), ratio(f.queue, f.raw)]));
  if (f.rawJson !== undefined) console.log(line(['  raw SQL + JSON.stringify of each row, same regime', String(f.rawJson), ratio(f.queue, f.rawJson)]));
  if (f.rawAuto !== undefined) console.log(line(['  raw SQL, pre-serialized rows, SQLite default checkpoints', String(f.rawAuto), ratio(f.queue, f.rawAuto)]));
};

async function sendPart(dir: string): Promise<void> {
    const one = await sendThroughput(dir, 1);
    const hundred = await sendThroughput(dir, 100);
    console.log(line(['', 'events/s', 'queue ÷ raw']));
    block('send, 1 event per transaction', one);
    block('send, 100 events per transaction (100 sends in one tick)', hundred);
}

async function e2ePart(dir: string): Promise<void> {
    const e2eRuns: Record<keyof Figures, number[]> = { queue: [], raw: [], rawJson: [], rawAuto: [] };
    const variants = [
      async () => e2eRuns.queue.push(await endToEnd(dir, false)),
      async () => e2eRuns.raw.push(await endToEnd(dir, true, 'background')),
      async () => e2eRuns.rawJson.push(await endToEnd(dir, true, 'background', true)),
      async () => e2eRuns.rawAuto.push(await endToEnd(dir, true, 'auto')),
    ];
    for (let round = 0; round < 3; round++) for (let k = 0; k < variants.length; k++) await variants[(k + round) % variants.length]!();
    const e2e: Figures = { queue: median(e2eRuns.queue), raw: median(e2eRuns.raw), rawJson: median(e2eRuns.rawJson), rawAuto: median(e2eRuns.rawAuto) };
    console.log(line(['', 'events/s', 'queue ÷ raw']));
    block('end to end, producer process → consumer process', e2e);
    console.log('same checkpoint regime: SQLite\'s automatic checkpoint off, PASSIVE checkpoints in a worker thread, as the queue does');
    console.log('');
}

async function latencyPart(dir: string): Promise<void> {
    const watch = await latency(dir, 'watch');
    const poll = await latency(dir, 'poll');
    console.log(`latency send → handler across processes, router + SQLite transport, ${RATE} events/s for ${LAT_SECONDS} s (ms):`);
    console.log(`  fs.watch wake-ups:      p50 ${watch.p50.toFixed(2)}  p99 ${watch.p99.toFixed(2)}  max ${watch.max.toFixed(2)}  (${watch.n} events)`);
    console.log(`  PRAGMA data_version poll: p50 ${poll.p50.toFixed(2)}  p99 ${poll.p99.toFixed(2)}  max ${poll.max.toFixed(2)}  (${poll.n} events)`);
    console.log(`  targets: ratios ≥ 0.70×, p99 < 10 ms`);
    console.log('');
}

async function diskPart(dir: string): Promise<void> {
  const mib = (n: number) => `${(n / 1024 ** 2).toFixed(1)} MiB`;
  console.log(`disk: producer process → consumer process, retention on, ${DISK_SECONDS} s each, peak sizes sampled every 20 ms`);
  console.log('  rate (events/s)   sends                  achieved  handled   -wal peak   -wal end    db peak');
  for (const rate of [1000, 10_000]) {
    for (const batched of [false, true]) {
      const f = await disk(dir, rate, batched);
      console.log(
        `  ${String(rate).padEnd(17)} ${(batched ? `batch of ${rate / 100} / 10 ms` : '1 per transaction').padEnd(22)} ${String(f.achieved).padStart(8)} ${String(f.handled).padStart(8)} ${mib(f.walPeak).padStart(11)} ${mib(f.walEnd).padStart(10)} ${mib(f.dbPeak).padStart(10)}`,
      );
    }
  }
  console.log('  target: -wal peak within a few tens of MiB at any rate (runtime/sqlite/checkpoint.ts)');
}

const role = process.env.RR_SQLITE_BENCH_ROLE;
if (role) await runChild(role, JSON.parse(process.env.RR_SQLITE_BENCH_CONFIG ?? '{}') as { db: string });
