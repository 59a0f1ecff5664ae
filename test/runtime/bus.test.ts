import { describe, expect, it } from 'vitest';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { EventBus, compilePattern } from '../../runtime/bus.js';
import { createEnvelope, type EventEnvelope } from '../../runtime/envelope.js';
import { deferred, delay } from './helpers.js';

const TOPICS: Record<string, string> = {
  TRAINING_COMPLETED: 'training.completed',
  TRAINING_STARTED: 'training.started',
  HOST_OFFLINE: 'cluster.host_offline',
};

function env(type: string, data: Record<string, unknown> = {}): EventEnvelope {
  return createEnvelope({ type, source: 'test', time: new Date().toISOString() }, data);
}

function bus(options: ConstructorParameters<typeof EventBus>[0] = {}): EventBus {
  return new EventBus({ topicOf: (t) => TOPICS[t], ...options });
}

describe('EventBus', () => {
  it('delivers by exact type and by topic or name pattern', async () => {
    const b = bus();
    const seen: string[] = [];
    b.subscribe('TRAINING_COMPLETED', () => void seen.push('exact'));
    b.subscribe('training.*', (e) => void seen.push(`topic:${e.type}`));
    b.subscribe('TRAINING_*', (e) => void seen.push(`name:${e.type}`));
    b.subscribe('*', (e) => void seen.push(`all:${e.type}`));
    await b.publish(env('TRAINING_COMPLETED'));
    await b.publish(env('HOST_OFFLINE'));
    expect(seen).toEqual([
      'exact',
      'topic:TRAINING_COMPLETED',
      'name:TRAINING_COMPLETED',
      'all:TRAINING_COMPLETED',
      'all:HOST_OFFLINE',
    ]);
  });

  it('pattern metacharacters other than * are literal', () => {
    expect(compilePattern('training.*').test('trainingXcompleted')).toBe(false);
    expect(compilePattern('training.*').test('training.completed')).toBe(true);
  });

  it('runs handlers in priority order, higher first, ties in subscription order', async () => {
    const b = bus();
    const order: string[] = [];
    b.subscribe('TRAINING_COMPLETED', () => void order.push('low'), { priority: -1 });
    b.subscribe('TRAINING_COMPLETED', () => void order.push('default-1'));
    b.subscribe('training.*', () => void order.push('high'), { priority: 10 });
    b.subscribe('TRAINING_COMPLETED', () => void order.push('default-2'));
    await b.publish(env('TRAINING_COMPLETED'));
    expect(order).toEqual(['high', 'default-1', 'default-2', 'low']);
  });

  it('supports sync and async handlers and resolves after all settled', async () => {
    const b = bus();
    const done: string[] = [];
    b.subscribe('TRAINING_COMPLETED', () => void done.push('sync'));
    b.subscribe('TRAINING_COMPLETED', async () => {
      await delay(5);
      done.push('async');
    });
    const delivery = await b.publish(env('TRAINING_COMPLETED'));
    expect(done).toEqual(['sync', 'async']);
    expect(delivery).toEqual({ matched: 2, succeeded: 2 });
  });

  it('isolates handlers: a throwing or rejecting one neither stops nor delays the others', async () => {
    const errors: unknown[] = [];
    const b = bus({ onError: (e) => errors.push(e) });
    const seen: string[] = [];
    b.subscribe('HOST_OFFLINE', () => {
      throw new Error('sync boom');
    });
    b.subscribe('HOST_OFFLINE', async () => {
      throw new Error('async boom');
    });
    b.subscribe('HOST_OFFLINE', () => void seen.push('after'));
    const publishing = b.publish(env('HOST_OFFLINE'));
    expect(seen).toEqual(['after']); // called during publish itself, not after the failures were handled
    const delivery = await publishing;
    expect(delivery).toEqual({ matched: 3, succeeded: 1 });
    expect(errors.map((e) => (e as Error).message)).toEqual(['sync boom', 'async boom']);
  });

  it('starts every handler before awaiting any, so a slow one does not delay the next', async () => {
    const b = bus();
    const gate = deferred();
    let secondRan = false;
    b.subscribe('HOST_OFFLINE', () => gate.promise, { priority: 1 });
    b.subscribe('HOST_OFFLINE', () => {
      secondRan = true;
    });
    const p = b.publish(env('HOST_OFFLINE'));
    expect(secondRan).toBe(true);
    gate.resolve();
    await p;
  });

  it('once: delivers a single time, even when published again from inside the handler', async () => {
    const b = bus();
    let calls = 0;
    b.subscribe(
      'HOST_OFFLINE',
      () => {
        calls++;
        void b.publish(env('HOST_OFFLINE'));
      },
      { once: true },
    );
    await b.publish(env('HOST_OFFLINE'));
    await b.publish(env('HOST_OFFLINE'));
    expect(calls).toBe(1);
    expect(b.subscriptions()).toHaveLength(0);
  });

  it('subscribe returns an unsubscribe function; unsubscribing twice is harmless', async () => {
    const b = bus();
    let calls = 0;
    const off = b.subscribe('HOST_OFFLINE', () => void calls++);
    await b.publish(env('HOST_OFFLINE'));
    off();
    off();
    await b.publish(env('HOST_OFFLINE'));
    expect(calls).toBe(1);
  });

  it('ignores a second registration of the same function and refuses a reused name', async () => {
    const b = bus();
    let calls = 0;
    const h = (): void => void calls++;
    const off1 = b.subscribe('HOST_OFFLINE', h);
    b.subscribe('HOST_OFFLINE', h);
    await b.publish(env('HOST_OFFLINE'));
    expect(calls).toBe(1);
    b.subscribe('HOST_OFFLINE', () => undefined, { name: 'watchdog' });
    expect(() => b.subscribe('TRAINING_COMPLETED', () => undefined, { name: 'watchdog' })).toThrow(/watchdog.*already subscribed/);
    off1();
  });

  it('a handler unsubscribed by an earlier handler of the same event is not called', async () => {
    const b = bus();
    let second = 0;
    let off2 = (): void => undefined;
    b.subscribe('HOST_OFFLINE', () => off2(), { priority: 1 });
    off2 = b.subscribe('HOST_OFFLINE', () => void second++);
    await b.publish(env('HOST_OFFLINE'));
    expect(second).toBe(0);
  });

  it('holds weak handlers weakly: the subscription goes with its owner', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const b = bus();
    const seen: string[] = [];
    class Transient {
      onEvent = (e: EventEnvelope): void => void seen.push(e.type);
      constructor() {
        b.subscribe('HOST_OFFLINE', this.onEvent, { weak: true });
      }
    }
    let owner: Transient | undefined = new Transient();
    await b.publish(env('HOST_OFFLINE'));
    expect(seen).toHaveLength(1);
    owner = undefined;
    void owner;
    for (let i = 0; i < 10 && b.subscriptions().length > 0; i++) {
      await delay(1); // WeakRefs stay alive until the current job ends
      gc();
      await delay(1); // finalizers run in a later task
      await b.publish(env('HOST_OFFLINE'));
    }
    expect(seen).toHaveLength(1);
    expect(b.subscriptions()).toHaveLength(0);
  });

  it('keeps a bounded history and answers getHistory({topic, limit})', async () => {
    const b = bus({ historySize: 5 });
    for (let i = 0; i < 8; i++) await b.publish(env(i % 2 ? 'TRAINING_COMPLETED' : 'HOST_OFFLINE', { i }));
    expect(b.historyLength).toBe(5);
    expect(b.getHistory().map((e) => e.data.i)).toEqual([3, 4, 5, 6, 7]);
    expect(b.getHistory({ topic: 'TRAINING_COMPLETED' }).map((e) => e.data.i)).toEqual([3, 5, 7]);
    expect(b.getHistory({ topic: 'training.*', limit: 2 }).map((e) => e.data.i)).toEqual([5, 7]);
    expect(b.getHistory({ topic: 'HOST_OFFLINE', limit: 1 }).map((e) => e.data.i)).toEqual([6]);
  });

  it('replays history since a time to a new handler, in order, isolating its errors', async () => {
    let now = 1_000;
    const errors: unknown[] = [];
    const b = bus({ now: () => now, onError: (e) => errors.push(e) });
    await b.publish(env('TRAINING_COMPLETED', { i: 0 }));
    now = 2_000;
    await b.publish(env('TRAINING_COMPLETED', { i: 1 }));
    await b.publish(env('HOST_OFFLINE', { i: 2 }));
    now = 3_000;
    await b.publish(env('TRAINING_COMPLETED', { i: 3 }));
    const seen: unknown[] = [];
    const count = await b.replay({
      topic: 'training.*',
      since: 2_000,
      handler: async (e) => {
        seen.push(e.data.i);
        if (e.data.i === 1) throw new Error('replay handler failed');
      },
    });
    expect(count).toBe(2);
    expect(seen).toEqual([1, 3]);
    expect(errors).toHaveLength(1);
    expect(await b.replay({ handler: () => undefined, since: new Date(2_500) })).toBe(1);
  });
});
