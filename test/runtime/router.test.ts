import { describe, expect, it, vi } from 'vitest';
import { EventValidationError, UnknownEventError } from '../../runtime/errors.js';
import type { EventEnvelope } from '../../runtime/envelope.js';
import { isTraceparent, traceIdOf } from '../../runtime/trace.js';
import { deferred, delay, testRouters, trainingPayload } from './helpers.js';

const router = testRouters();

describe('spellings (design rule 1)', () => {
  it('an event published under its value string reaches a subscriber registered under its stage name', async () => {
    const r = router();
    const seen: EventEnvelope[] = [];
    r.subscribe('training_complete', (e) => void seen.push(e));
    await r.publish('training_completed', trainingPayload());
    expect(seen).toHaveLength(1);
    expect(seen[0]!.type).toBe('TRAINING_COMPLETED');
  });

  it('every spelling of an event reaches subscribers of every other spelling', async () => {
    const spellings = ['TRAINING_COMPLETED', 'training_completed', 'training.completed', 'training_complete', 'TRAINING_COMPLETE'];
    const r = router();
    const counts = new Map<string, number>();
    for (const s of spellings) r.subscribe(s, () => void counts.set(s, (counts.get(s) ?? 0) + 1), { name: `sub-${s}` });
    for (const [i, s] of spellings.entries()) await r.publish(s, trainingPayload({ model_path: `m${i}.pth` }));
    expect([...counts.values()]).toEqual(spellings.map(() => spellings.length));
  });

  it('rejects an unknown spelling, naming it, on publish and on subscribe', async () => {
    const r = router();
    await expect(r.publish('training_done', {})).rejects.toThrow(UnknownEventError);
    await expect(r.publish('training_done', {})).rejects.toThrow(/"training_done"/);
    expect(() => r.subscribe('trainig.completed', () => undefined)).toThrow(/"trainig.completed"/);
    expect(() => r.subscribe('nothing.*', () => undefined)).toThrow(/"nothing\.\*"/);
  });

  it('subscribes to topic patterns', async () => {
    const r = router();
    const types: string[] = [];
    r.subscribe('training.*', (e) => void types.push(e.type));
    await r.publish('TRAINING_STARTED', { config_key: 'hex8_2p' });
    await r.publish('TRAINING_COMPLETED', trainingPayload());
    await r.publish('HOST_OFFLINE', { node_id: 'n1' });
    expect(types).toEqual(['TRAINING_STARTED', 'TRAINING_COMPLETED']);
  });
});

describe('envelope', () => {
  it('carries the CloudEvents 1.0 attributes and fills timestamp and source', async () => {
    const r = router({ source: '/ringrift/test' });
    const { envelope } = await r.publish('training_completed', trainingPayload());
    expect(envelope).toMatchObject({
      specversion: '1.0',
      type: 'TRAINING_COMPLETED',
      source: '/ringrift/test',
      datacontenttype: 'application/json',
    });
    expect(envelope.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(envelope.time)).not.toBeNaN();
    expect(envelope.data).toMatchObject({ ...trainingPayload(), timestamp: envelope.time, source: '/ringrift/test' });
    expect(envelope.traceparent).toBeUndefined();
    expect(Object.isFrozen(envelope) && Object.isFrozen(envelope.data)).toBe(true);
  });

  it('takes source, id, time, subject and traceparent from the publish options', async () => {
    const r = router();
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const { envelope } = await r.publish('host_offline', { node_id: 'n1', timestamp: 1735500000 }, {
      source: 'NodeMonitor',
      id: 'evt-1',
      time: '2025-12-29T19:20:00Z',
      subject: 'n1',
      traceparent,
    });
    expect(envelope).toMatchObject({ id: 'evt-1', source: 'NodeMonitor', time: '2025-12-29T19:20:00Z', subject: 'n1', traceparent });
    // A timestamp given in the payload is kept (Unix seconds are allowed by the catalog).
    expect(envelope.data).toMatchObject({ timestamp: 1735500000, source: 'NodeMonitor', trace_id: '0af7651916cd43dd8448eb211c80319c' });
    await expect(r.publish('host_offline', { node_id: 'n1' }, { traceparent: 'nope' })).rejects.toThrow(/traceparent/);
  });

  it('when tracing, every event gets a traceparent and trace_id, and events published by a handler join its trace', async () => {
    const r = router({ tracing: true });
    const child = deferred<EventEnvelope>();
    r.subscribe('HOST_OFFLINE', async (e) => {
      await delay(1); // the context survives awaits
      await r.publish('HOST_ONLINE', { node_id: String(e.data.node_id) });
    });
    r.subscribe('HOST_ONLINE', (e) => child.resolve(e));
    const { envelope } = await r.publish('HOST_OFFLINE', { node_id: 'n1' });
    expect(isTraceparent(envelope.traceparent!)).toBe(true);
    expect(envelope.data.trace_id).toBe(traceIdOf(envelope.traceparent!));
    const followUp = await child.promise;
    expect(traceIdOf(followUp.traceparent!)).toBe(traceIdOf(envelope.traceparent!));
    expect(followUp.traceparent).not.toBe(envelope.traceparent);
  });
});

describe('validation', () => {
  it('strict mode rejects an invalid payload with an error naming the event and the field', async () => {
    const r = router();
    const seen: unknown[] = [];
    r.subscribe('TRAINING_COMPLETED', (e) => void seen.push(e));
    const err = await r.publish('TRAINING_COMPLETED', { config_key: 'hex8_2p', final_loss: 'low' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EventValidationError);
    expect((err as Error).message).toMatch(/TRAINING_COMPLETED/);
    expect((err as Error).message).toMatch(/"model_path" is required/);
    expect((err as Error).message).toMatch(/"final_loss" must be number/);
    expect((err as EventValidationError).issues.map((i) => i.field)).toEqual(['model_path', 'final_loss']);
    expect(seen).toHaveLength(0);
    expect(r.getStats().validationFailures).toBe(1);
  });

  it('strict mode refuses aliased field names, naming alias and canonical field', async () => {
    const r = router();
    await expect(r.publish('TRAINING_COMPLETED', { config: 'hex8_2p', model_path: 'm.pth' })).rejects.toThrow(
      /TRAINING_COMPLETED.*"config" is an alias of "config_key"/,
    );
  });

  it('lenient mode renames aliases with a warning and delivers', async () => {
    const r = router({ mode: 'lenient' });
    const seen: EventEnvelope[] = [];
    r.subscribe('TRAINING_COMPLETED', (e) => void seen.push(e));
    await r.publish('TRAINING_COMPLETED', { config: 'hex8_2p', checkpoint_path: 'm.pth', loss: 0.1, epochs_trained: 5 });
    expect(seen[0]!.data).toMatchObject({ config_key: 'hex8_2p', model_path: 'm.pth', final_loss: 0.1, epochs: 5 });
    expect(seen[0]!.data).not.toHaveProperty('config');
    expect(r.log.messages('warn').join('\n')).toMatch(/"config" is an alias of "config_key"/);
  });

  it('lenient mode delivers an invalid payload and warns, naming event and field', async () => {
    const r = router({ mode: 'lenient' });
    const seen: unknown[] = [];
    r.subscribe('HOST_OFFLINE', (e) => void seen.push(e));
    await r.publish('HOST_OFFLINE', { host: 'x' });
    expect(seen).toHaveLength(1);
    expect(r.log.messages('warn').join('\n')).toMatch(/HOST_OFFLINE.*"node_id" is required/);
  });

  it('never mutates the caller payload', async () => {
    const r = router({ mode: 'lenient' });
    const payload = { config: 'hex8_2p', model_path: 'm.pth' };
    await r.publish('TRAINING_COMPLETED', payload);
    expect(payload).toEqual({ config: 'hex8_2p', model_path: 'm.pth' });
  });
});

describe('deduplication (design rule 6)', () => {
  it('drops a repeat within the TTL on the policy fields only, and delivers it again after the TTL', async () => {
    let now = 1_000_000;
    const r = router({ now: () => now, dedupTtlMs: 30_000 });
    let calls = 0;
    r.subscribe('TRAINING_COMPLETED', () => void calls++);
    const first = await r.publish('TRAINING_COMPLETED', trainingPayload({ final_loss: 0.2 }));
    const repeat = await r.publish('TRAINING_COMPLETED', trainingPayload({ final_loss: 0.3 })); // not a policy field
    const otherModel = await r.publish('TRAINING_COMPLETED', trainingPayload({ model_path: 'other.pth' }));
    now += 30_000;
    const later = await r.publish('TRAINING_COMPLETED', trainingPayload());
    expect([first.duplicate, repeat.duplicate, otherModel.duplicate, later.duplicate]).toEqual([false, true, false, false]);
    expect(calls).toBe(3);
    expect(r.getStats()).toMatchObject({ duplicatesPrevented: 1, duplicatesByType: { TRAINING_COMPLETED: 1 } });
  });

  it('two genuinely different events with equal payloads are both delivered when the policy says none', async () => {
    const r = router();
    let calls = 0;
    r.subscribe('HOST_OFFLINE', () => void calls++);
    const a = await r.publish('HOST_OFFLINE', { node_id: 'node-1' });
    const b = await r.publish('HOST_OFFLINE', { node_id: 'node-1' });
    expect([a.duplicate, b.duplicate]).toEqual([false, false]);
    expect(calls).toBe(2);
  });

  it('equal payloads of two different event types are never collapsed', async () => {
    const r = router();
    const types: string[] = [];
    r.subscribe('*', (e) => void types.push(e.type));
    await r.publish('SELFPLAY_COMPLETE', { config_key: 'hex8_2p' });
    await r.publish('TRAINING_STARTED', { config_key: 'hex8_2p' });
    expect(types).toEqual(['SELFPLAY_COMPLETE', 'TRAINING_STARTED']);
  });

  it('payload policy ignores the common fields (timestamp, source, trace_id)', async () => {
    const r = router();
    await r.publish('SELFPLAY_COMPLETE', { config_key: 'hex8_2p', games_generated: 5 }, { source: 'a' });
    const again = await r.publish('SELFPLAY_COMPLETE', { config_key: 'hex8_2p', games_generated: 5, timestamp: 1 }, { source: 'b' });
    expect(again.duplicate).toBe(true);
  });

  it('an envelope id seen before is a duplicate, even under policy none', async () => {
    const r = router();
    await r.publish('HOST_OFFLINE', { node_id: 'n' }, { id: 'same' });
    expect((await r.publish('HOST_OFFLINE', { node_id: 'n' }, { id: 'same' })).duplicate).toBe(true);
  });

  it('keeps the dedup cache at its cap', async () => {
    const r = router({ dedupMaxEntries: 50 });
    for (let i = 0; i < 200; i++) await r.publish('SELFPLAY_COMPLETE', { config_key: 'hex8_2p', games_generated: i });
    expect(r.getStats().dedupCacheSize).toBe(50);
  });
});

describe('subscribe / unsubscribe (design rule 7)', () => {
  it('returns an unsubscribe function that really unsubscribes', async () => {
    const r = router();
    let calls = 0;
    const off = r.subscribe('HOST_OFFLINE', () => void calls++);
    expect(r.getSubscriptionCount()).toEqual({ HOST_OFFLINE: 1 });
    off();
    await r.publish('HOST_OFFLINE', { node_id: 'n' });
    expect(calls).toBe(0);
    expect(r.getSubscriptionCount()).toEqual({});
  });

  it('ignores the same handler subscribed twice, even under two spellings', async () => {
    const r = router();
    let calls = 0;
    const h = (): void => void calls++;
    r.subscribe('HOST_OFFLINE', h);
    r.subscribe('host_offline', h);
    await r.publish('HOST_OFFLINE', { node_id: 'n' });
    expect(calls).toBe(1);
    expect(r.unsubscribe('host_offline', h)).toBe(true);
    expect(r.unsubscribe('HOST_OFFLINE', h)).toBe(false);
  });
});

describe('priority, once and weak through the router', () => {
  it('passes the bus options through', async () => {
    const r = router();
    const order: string[] = [];
    r.subscribe('HOST_OFFLINE', () => void order.push('low'), { priority: -5 });
    r.subscribe('host_offline', () => void order.push('once'), { once: true, priority: 5 });
    const holder = { handler: (): void => void order.push('weak') };
    r.subscribe('cluster.*', holder.handler, { weak: true });
    await r.publish('HOST_OFFLINE', { node_id: 'a' });
    await r.publish('HOST_OFFLINE', { node_id: 'b' });
    expect(order).toEqual(['once', 'weak', 'low', 'weak', 'low']);
  });
});

describe('handler isolation', () => {
  it('a throwing or hanging handler does not delay or break the others', async () => {
    vi.useFakeTimers();
    try {
      const r = router({ handlerTimeoutMs: 100, retry: { attempts: 1 } });
      const done: string[] = [];
      r.subscribe('HOST_OFFLINE', () => new Promise(() => undefined), { name: 'hangs', priority: 2 });
      r.subscribe('HOST_OFFLINE', () => {
        throw new Error('boom');
      }, { name: 'throws', priority: 1 });
      r.subscribe('HOST_OFFLINE', () => void done.push('fast'), { name: 'fast' });
      r.subscribe('HOST_OFFLINE', async () => {
        await delay(5);
        done.push('async');
      }, { name: 'async' });
      let settled = false;
      const publishing = r.publish('HOST_OFFLINE', { node_id: 'n' }).finally(() => (settled = true));
      expect(done).toEqual(['fast']); // called at once, after the handlers that threw and hung
      await vi.advanceTimersByTimeAsync(5);
      expect(done).toEqual(['fast', 'async']); // done at 5 ms: the hanging handler's 100 ms timeout still runs
      expect(settled).toBe(false);
      expect(r.getStats().handlerTimeouts).toBe(0);
      await vi.advanceTimersByTimeAsync(95);
      const result = await publishing;
      expect(result).toMatchObject({ delivered: 4, succeeded: 2 });
      await r.drain();
      expect(r.getStats()).toMatchObject({ handlerErrors: 1, handlerTimeouts: 1, handlerFailures: 2, deadLettered: 2 });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('history and replay through the router', () => {
  it('answers getHistory by any spelling or pattern and replays since a time', async () => {
    const r = router({ historySize: 3 });
    await r.publish('HOST_OFFLINE', { node_id: 'a' });
    await r.publish('TRAINING_STARTED', { config_key: 'hex8_2p' });
    await r.publish('HOST_OFFLINE', { node_id: 'b' });
    await r.publish('HOST_OFFLINE', { node_id: 'c' });
    expect(r.getHistory().map((e) => e.data.node_id ?? e.type)).toEqual(['TRAINING_STARTED', 'b', 'c']);
    expect(r.getHistory({ topic: 'host_offline', limit: 1 }).map((e) => e.data.node_id)).toEqual(['c']);
    expect(r.getHistory({ topic: 'training.*' })).toHaveLength(1);
    const seen: unknown[] = [];
    expect(await r.replay({ topic: 'cluster.*', handler: (e) => void seen.push(e.data.node_id) })).toBe(2);
    expect(seen).toEqual(['b', 'c']);
  });
});

describe('stats', () => {
  it('counts events by type and source, duplicates, and latency percentiles', async () => {
    const r = router();
    r.subscribe('HOST_OFFLINE', () => undefined);
    for (let i = 0; i < 10; i++) await r.publish('HOST_OFFLINE', { node_id: `n${i}` }, { source: i < 7 ? 'NodeMonitor' : 'P2P' });
    await r.publish('SELFPLAY_COMPLETE', { config_key: 'hex8_2p' });
    await r.publish('SELFPLAY_COMPLETE', { config_key: 'hex8_2p' });
    const s = r.getStats();
    expect(s.eventsRouted).toBe(11);
    expect(s.eventsRoutedByType).toEqual({ HOST_OFFLINE: 10, SELFPLAY_COMPLETE: 1 });
    expect(s.eventsRoutedBySource).toMatchObject({ NodeMonitor: 7, P2P: 3 });
    expect(s.duplicatesPrevented).toBe(1);
    expect(s.duplicateRate).toBeCloseTo(1 / 12);
    expect(s.latencyMs.count).toBe(11);
    expect(s.latencyMs.p50).toBeGreaterThan(0);
    expect(s.latencyMs.p50).toBeLessThanOrEqual(s.latencyMs.p90);
    expect(s.latencyMs.p90).toBeLessThanOrEqual(s.latencyMs.p99);
    expect(s.latencyMs.p99).toBeLessThanOrEqual(s.latencyMs.max);
  });
});

describe('validateEventFlow', () => {
  it('is healthy when every published event has a subscriber and every subscription a producer', async () => {
    const r = router();
    r.subscribe('HOST_OFFLINE', () => undefined);
    await r.publish('HOST_OFFLINE', { node_id: 'n' });
    expect(r.validateEventFlow()).toMatchObject({ healthy: true, issues: [] });
  });

  it('reports events published with no subscriber and subscriptions with no producer', async () => {
    const r = router();
    r.subscribe('TRAINING_COMPLETED', () => undefined);
    r.subscribe('HANDLER_FAILED', () => undefined); // the router produces it when needed: not flagged
    await r.publish('HOST_OFFLINE', { node_id: 'n' });
    const flow = r.validateEventFlow();
    expect(flow.healthy).toBe(false);
    expect(flow.publishedWithoutSubscribers).toEqual(['HOST_OFFLINE']);
    expect(flow.subscribedWithoutProducers).toEqual(['TRAINING_COMPLETED']);
    expect(flow.issues.join('\n')).toMatch(/HOST_OFFLINE was published 1 time\(s\) with no subscriber/);
    // Once someone listens, the orphan is no longer reported.
    r.subscribe('host_offline', () => undefined);
    expect(r.validateEventFlow().publishedWithoutSubscribers).toEqual([]);
  });

  it('flags a duplicate rate that signals an amplification loop', async () => {
    const r = router();
    // A handler that re-emits what it receives: the loop the dedup stops.
    r.subscribe('SELFPLAY_COMPLETE', async (e) => {
      await r.publish('SELFPLAY_COMPLETE', { config_key: String(e.data.config_key), games_generated: Number(e.data.games_generated) });
    });
    for (let i = 0; i < 10; i++) await r.publish('SELFPLAY_COMPLETE', { config_key: 'hex8_2p', games_generated: i });
    const flow = r.validateEventFlow({ minDuplicates: 5 });
    expect(flow.suspectedLoops).toEqual(['SELFPLAY_COMPLETE']);
    expect(flow.healthy).toBe(false);
    expect(flow.issues.join('\n')).toMatch(/SELFPLAY_COMPLETE: 10 duplicates prevented \(50%.* possible event loop/);
  });
});

describe('RINGRIFT_EVENT_TRACE', () => {
  it('traces publish and delivery when the variable is 1', async () => {
    const before = process.env.RINGRIFT_EVENT_TRACE;
    process.env.RINGRIFT_EVENT_TRACE = '1';
    try {
      const r = router({ trace: undefined });
      r.subscribe('TRAINING_COMPLETED', () => undefined, { name: 'FeedbackLoopController' });
      r.subscribe('training.*', () => undefined, { name: 'DataPipelineOrchestrator' });
      const { envelope } = await r.publish('training_completed', trainingPayload(), { source: 'TrainingCoordinator' });
      expect(r.log.messages('info')).toEqual([
        '[EventRouter] Published: TRAINING_COMPLETED (source=TrainingCoordinator)',
        '[EventRouter] Delivered to: FeedbackLoopController, DataPipelineOrchestrator',
      ]);
      expect(isTraceparent(envelope.traceparent ?? '')).toBe(true);
    } finally {
      if (before === undefined) delete process.env.RINGRIFT_EVENT_TRACE;
      else process.env.RINGRIFT_EVENT_TRACE = before;
    }
  });

  it('stays quiet when the variable is unset, 0 or no', async () => {
    const before = process.env.RINGRIFT_EVENT_TRACE;
    try {
      for (const value of [undefined, '0', 'no']) {
        if (value === undefined) delete process.env.RINGRIFT_EVENT_TRACE;
        else process.env.RINGRIFT_EVENT_TRACE = value;
        const r = router({ trace: undefined });
        r.subscribe('HOST_OFFLINE', () => undefined, { name: 'Watcher' });
        await r.publish('HOST_OFFLINE', { node_id: 'n' });
        expect(r.log.messages('info'), String(value)).toEqual([]);
      }
    } finally {
      if (before === undefined) delete process.env.RINGRIFT_EVENT_TRACE;
      else process.env.RINGRIFT_EVENT_TRACE = before;
    }
  });
});
