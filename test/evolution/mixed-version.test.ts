/**
 * A cluster in the middle of an upgrade: a producer on catalog v2 and a
 * consumer still on v1 (test/fixtures/catalogs/evolution-v1, -v2), separate
 * processes over a real SQLite file and over a real nats-server. v2 adds an
 * optional field, an enum value, an event, and renames a field to an alias.
 * The v1 consumer receives or parks every event (none lost); once upgraded
 * to v2, a replay hands it each parked event exactly once.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsServer } from '../nats/server.js';
import { Peer, uniqueStream, until } from '../nats/helpers.js';
import { ROOT, runCli } from '../helpers/cli.js';

const PEER = fileURLToPath(new URL('./peer.ts', import.meta.url));
const N = 10;

interface Received {
  readonly type: string;
  readonly id: string;
  readonly dataversion: number;
  readonly data: Record<string, unknown>;
}
interface DlqFact {
  readonly type: string;
  readonly job: string;
  readonly handler: string;
  readonly status: string;
  readonly error: string;
}

let work: string;
const generated = { v1: '', v2: '' };
const peers: Peer[] = [];

beforeAll(async () => {
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  work = mkdtempSync(join(ROOT, '.tmp', 'evolution-'));
  for (const v of ['v1', 'v2'] as const) {
    const out = join(work, v);
    // The generated code imports the runtime of this checkout, as the peer does (one runtime in the process).
    const runtime = relative(out, join(ROOT, 'runtime/index.js')).split('\\').join('/');
    const r = await runCli(['codegen', '--catalog', join(ROOT, `test/fixtures/catalogs/evolution-${v}`), '--out', out, '--runtime-import', runtime]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    generated[v] = out;
  }
});

afterAll(async () => {
  await Promise.all(peers.map((p) => p.stop()));
  rmSync(work, { recursive: true, force: true });
});

function start(config: Record<string, unknown>): Peer {
  const peer = Peer.spawn(config, PEER);
  peers.push(peer);
  return peer;
}

/** What the v2 producer sends: per kind, N events told apart by job id. */
const KINDS = [
  { prefix: 's', type: 'JOB_STARTED', payload: (job: string) => ({ job_id: job, host: 'gpu-7' }), v1: 'received' },
  { prefix: 'f', type: 'JOB_FINISHED', payload: (job: string) => ({ job_id: job, state: 'succeeded' }), v1: 'received' },
  { prefix: 'c', type: 'JOB_FINISHED', payload: (job: string) => ({ job_id: job, state: 'cancelled' }), v1: 'parked' },
  { prefix: 'p', type: 'JOB_PROGRESS', payload: (job: string) => ({ job_id: job, progress_percent: 40 }), v1: 'parked' },
  { prefix: 'x', type: 'JOB_CANCELLED', payload: (job: string) => ({ job_id: job, reason: 'preempted' }), v1: 'parked' },
] as const;
const jobs = (kinds: readonly (typeof KINDS)[number][]): string[] => kinds.flatMap((k) => Array.from({ length: N }, (_, i) => `${k.prefix}${i}`)).sort();

const REASONS: Record<string, RegExp> = {
  JOB_FINISHED: /^from a newer catalog: JOB_FINISHED payload version 2, this consumer's catalog has version 1 \(invalid JOB_FINISHED payload: field "state" .+\); replay it after upgrading the consumer$/,
  JOB_PROGRESS: /^from a newer catalog: JOB_PROGRESS payload version 2, this consumer's catalog has version 1 \(invalid JOB_PROGRESS payload: .*percent.*\); replay it after upgrading the consumer$/,
  JOB_CANCELLED: /^from a newer catalog: unknown event type "JOB_CANCELLED" \(not in this consumer's catalog\); replay it after upgrading the consumer$/,
};

async function dlqOf(peer: Peer): Promise<DlqFact[]> {
  const before = peer.all('dlq').length;
  peer.send({ dlq: true });
  await until(() => peer.all('dlq').length > before, 20_000, 'the DLQ listing');
  return peer.all<DlqFact[]>('dlq').at(-1)!;
}

/**
 * Runs the upgrade: v1 consumer and v2 producer, every event received or
 * parked; then the consumer on v2 and `replay()`, every parked event handled once.
 */
async function upgradeScenario(base: Record<string, unknown>, replay: (consumer: Peer) => Promise<void>): Promise<void> {
  const v1 = start({ ...base, generated: generated.v1, group: 'workers', receive: true });
  await v1.waitFor('ready');
  const producer = start({ ...base, generated: generated.v2, group: 'trainers', receive: false });
  await producer.waitFor('ready');
  for (let i = 0; i < N; i++) for (const k of KINDS) producer.send({ publish: k.type, payload: k.payload(`${k.prefix}${i}`) });
  await until(() => producer.all('published').length === KINDS.length * N, 30_000, 'every publish');

  // The v1 consumer takes what its catalog can read and parks the rest: nothing acknowledged and dropped.
  let parked: DlqFact[] = [];
  await until(
    async () => {
      parked = await dlqOf(v1);
      return v1.all('received').length + parked.length >= KINDS.length * N;
    },
    30_000,
    'every event received or parked by the v1 consumer',
  );
  const received = v1.all<Received>('received');
  expect(received.map((r) => String(r.data.job_id)).sort()).toEqual(jobs(KINDS.filter((k) => k.v1 === 'received')));
  expect(parked.map((e) => e.job).sort()).toEqual(jobs(KINDS.filter((k) => k.v1 === 'parked')));
  expect(received.length + parked.length).toBe(KINDS.length * N); // 0 lost, none twice
  for (const e of parked) {
    expect(e.status).toBe('pending');
    expect(e.error).toMatch(REASONS[e.type]!);
  }
  // A v2 payload v1 can read is delivered as it came: the optional field it does not know, the version it carries.
  expect(received.find((r) => r.data.job_id === 's0')!.data.host).toBe('gpu-7');
  expect(received.find((r) => r.data.job_id === 'f0')!.dataversion).toBe(2);
  await v1.stop();

  // Upgraded: the same group on v2, the same DLQ; a replay delivers each parked event once.
  const v2 = start({ ...base, generated: generated.v2, group: 'workers', receive: true });
  await v2.waitFor('ready');
  await replay(v2);
  await until(() => v2.all('received').length >= parked.length, 30_000, 'the replayed events');
  const replayed = v2.all<Received>('received');
  expect(replayed.map((r) => String(r.data.job_id)).sort()).toEqual(parked.map((e) => e.job).sort());
  expect(replayed.find((r) => r.data.job_id === 'p0')!.data).toMatchObject({ progress_percent: 40 });
  expect(replayed.find((r) => r.data.job_id === 'c0')!.data).toMatchObject({ state: 'cancelled' });
  expect((await dlqOf(v2)).map((e) => e.status)).toEqual(parked.map(() => 'recovered'));
  await Promise.all([v2.stop(), producer.stop()]);
}

describe('mixed catalog versions', () => {
  it('catalog v2 is a compatible evolution of v1: every break is accepted by a version bump', async () => {
    const r = await runCli(['breaking', '--against', 'test/fixtures/catalogs/evolution-v1', '--catalog', 'test/fixtures/catalogs/evolution-v2']);
    expect(r.stdout).toContain('FIELD_RENAMED: event JOB_PROGRESS, field progress_percent: renamed from "percent" (now an alias) (breaks forward, source); accepted: JOB_PROGRESS version 1 → 2');
    expect(r.stdout).toContain('ENUM_VALUE_ADDED: event JOB_FINISHED, field state: enum value "cancelled" added (breaks forward, source); accepted: JOB_FINISHED version 1 → 2');
    expect(r.code).toBe(0);
  });

  it('over SQLite: the v1 consumer receives or parks every event of a v2 producer; upgraded, `dlq replay` delivers each parked one once', async () => {
    const db = join(work, 'sqlite-events.db');
    await upgradeScenario({ transport: 'sqlite', db }, async () => {
      const r = await runCli(['dlq', 'replay', '--db', db, '--json']);
      expect(r.code).toBe(0);
      const outcome = JSON.parse(r.stdout) as { recovered: unknown[]; failed: unknown[]; waiting: unknown[] };
      expect([outcome.recovered.length, outcome.failed.length, outcome.waiting.length]).toEqual([3 * N, 0, 0]);
    });
  }, 120_000);

  it('over NATS JetStream: the same, the v1 consumer parking into its SQLite DLQ and the upgraded one replaying the transport\'s dead letters', async () => {
    const server = await NatsServer.start();
    try {
      const { stream, prefix } = uniqueStream('evolution');
      await upgradeScenario({ transport: 'nats', url: server.url, stream, prefix, db: join(work, 'nats-dlq.db') }, async (consumer) => {
        consumer.send({ replay: true });
        expect(await consumer.waitFor('replayed')).toEqual({ replayed: 3 * N, recovered: 3 * N, failed: 0 });
      });
    } finally {
      await server.stop();
    }
  }, 120_000);
});
