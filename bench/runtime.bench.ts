/**
 * Runtime throughput, publish → deliver to one no-op handler, all in one run:
 *
 * - the bare bus, beside eventemitter3 and emittery (target: faster than emittery);
 * - the full router over the generated registry (spelling resolution, alias
 *   normalization, ajv validation, SHA-256 dedup over canonical JSON, envelope,
 *   history, stats), beside the bare cost of its own steps done inline:
 *   canonical JSON + SHA-256 + validation + a direct call
 *   (target: router ≥ 0.5× the bare steps).
 *
 * Cases run interleaved in rounds (so drift and GC hit them alike) after a
 * warm-up; each figure is the median of the rounds.
 */
import { pathToFileURL } from 'node:url';
import { EventEmitter } from 'eventemitter3';
import Emittery from 'emittery';
import { REGISTRY } from '../generated/index.js';
import { EventBus } from '../runtime/bus.js';
import { canonicalJson } from '../runtime/canonical-json.js';
import { sha256 } from '../runtime/dedup.js';
import { createEnvelope } from '../runtime/envelope.js';
import { silentLogger } from '../runtime/logger.js';
import { createRouter } from '../runtime/router.js';
import { median } from './stats.js';

const ROUNDS = 7;
const ROUND_MS = 250;
const WARMUP_MS = 400;

interface Case {
  readonly name: string;
  /** Runs `n` operations. */
  readonly run: (n: number) => Promise<void> | void;
}

export default async function run(): Promise<void> {
  const def = REGISTRY.resolve('training_completed');
  if (!def) throw new Error('the catalog has no TRAINING_COMPLETED');
  const base = {
    config_key: 'hex8_2p',
    board_type: 'hex8',
    num_players: 2,
    model_path: 'models/canonical_hex8_2p.pth',
    epochs: 50,
    final_loss: 0.234,
    samples_trained: 120_000,
    val_loss: 0.256,
  };
  // A job id per event, so no publish is a duplicate (dedup still hashes every one).
  let seq = 0;
  const nextPayload = (): Record<string, unknown> => ({ ...base, job_id: `job-${seq++}` });
  if (!def.validate(nextPayload()).ok) throw new Error('bench payload is not valid for TRAINING_COMPLETED');

  let sink = 0;
  const noop = (): void => {
    sink++;
  };

  const ee = new EventEmitter();
  ee.on('training_completed', noop);

  const emittery = new Emittery();
  emittery.on('training_completed', noop);

  const bus = new EventBus();
  bus.subscribe('TRAINING_COMPLETED', noop);
  const envelope = createEnvelope({ type: 'TRAINING_COMPLETED', source: 'bench', time: new Date().toISOString() }, nextPayload());

  const router = createRouter({ registry: REGISTRY, logger: silentLogger, trace: false, tracing: false });
  router.subscribe('training_complete', noop);

  const common = new Set(REGISTRY.commonFields);
  const dedupFields = def.dedup.kind === 'fields' ? def.dedup.fields : undefined;
  const bareSteps = (): void => {
    const payload = nextPayload();
    if (!def.validate(payload).ok) throw new Error('invalid');
    let json: string;
    if (dedupFields) {
      const subset: Record<string, unknown> = {};
      for (const f of dedupFields) subset[f] = payload[f];
      json = canonicalJson(subset);
    } else {
      json = canonicalJson(payload, common);
    }
    if (sha256(`${def.name}\n${json}`).length === 0) throw new Error('no hash');
    noop();
  };

  const cases: Case[] = [
    { name: 'eventemitter3 emit (sync)', run: (n) => void loop(n, () => ee.emit('training_completed', envelope)) },
    {
      name: 'emittery await emit',
      run: async (n) => {
        for (let i = 0; i < n; i++) await emittery.emit('training_completed', envelope);
      },
    },
    {
      name: 'bare bus await publish',
      run: async (n) => {
        for (let i = 0; i < n; i++) await bus.publish(envelope);
      },
    },
    {
      name: 'full router await publish',
      run: async (n) => {
        for (let i = 0; i < n; i++) await router.publish('training_completed', nextPayload());
      },
    },
    { name: 'bare steps (canon JSON+SHA-256+validate+call)', run: (n) => void loop(n, bareSteps) },
  ];

  const rates = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (const c of cases) await timed(c, WARMUP_MS); // warm-up: JIT, caches full
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of cases) rates.get(c.name)!.push(await timed(c, ROUND_MS));
  }
  const ops = (name: string): number => median(rates.get(name)!);

  const eeOps = ops(cases[0]!.name);
  const emitteryOps = ops(cases[1]!.name);
  const busOps = ops(cases[2]!.name);
  const routerOps = ops(cases[3]!.name);
  const stepsOps = ops(cases[4]!.name);
  console.log(`publish → one no-op handler; median of ${ROUNDS} interleaved rounds of ${ROUND_MS} ms; TRAINING_COMPLETED of the generated registry`);
  console.table(
    cases.map((c) => ({
      case: c.name,
      'ops/s': Math.round(ops(c.name)).toLocaleString('en-US'),
      'µs/op': (1e6 / ops(c.name)).toFixed(2),
    })),
  );
  console.table([
    { ratio: 'bare bus / emittery', value: `${(busOps / emitteryOps).toFixed(2)}×`, target: '> 1×', met: busOps > emitteryOps },
    { ratio: 'bare bus / eventemitter3', value: `${(busOps / eeOps).toFixed(2)}×`, target: '(context: sync emitter)', met: '' },
    { ratio: 'full router / bare steps', value: `${(routerOps / stepsOps).toFixed(2)}×`, target: '≥ 0.5×', met: routerOps >= 0.5 * stepsOps },
  ]);
  const stats = router.getStats();
  console.log(
    `router: ${stats.eventsRouted.toLocaleString('en-US')} events, ${stats.duplicatesPrevented} duplicates, latency p50 ${stats.latencyMs.p50.toFixed(4)} ms, p99 ${stats.latencyMs.p99.toFixed(4)} ms` +
      ` (handler calls: ${sink.toLocaleString('en-US')})`,
  );
  await router.close();
}

function loop(n: number, fn: () => unknown): void {
  for (let i = 0; i < n; i++) fn();
}

/** Runs batches of a case for about `ms`; returns operations per second. */
async function timed(c: Case, ms: number): Promise<number> {
  let batch = 256;
  let ops = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    await c.run(batch);
    ops += batch;
    elapsed = performance.now() - start;
    if (elapsed < ms / 20) batch *= 2; // keep the clock reads negligible
  }
  return (ops / elapsed) * 1000;
}


if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
