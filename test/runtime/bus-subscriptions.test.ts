/**
 * The in-process bus as a subscriber sees it: what one subscription is, how
 * unsubscribing works for exact types and patterns, the names handlers get,
 * what a publish reports, and what the history answers.
 */
import { describe, expect, it } from 'vitest';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { EventBus, type EventHandler, type Subscription } from '../../runtime/bus.js';
import { createEnvelope, type EventEnvelope } from '../../runtime/envelope.js';
import { delay } from './helpers.js';

const TOPICS: Record<string, string> = { JOB_DONE: 'job.done', JOB_STARTED: 'job.started' };

function env(type: string, data: Record<string, unknown> = {}): EventEnvelope {
  return createEnvelope({ type, source: 'test', time: '2026-01-01T00:00:00.000Z' }, data);
}

function bus(options: ConstructorParameters<typeof EventBus>[0] = {}): EventBus {
  return new EventBus({ topicOf: (t) => TOPICS[t], ...options });
}

/** A bus and a list of what each named handler saw. */
function recording(options: ConstructorParameters<typeof EventBus>[0] = {}) {
  const b = bus(options);
  const seen: string[] = [];
  const handler = (label: string): EventHandler => (e) => void seen.push(`${label}:${e.type}`);
  return { b, seen, handler };
}

describe('subscribing', () => {
  it('refuses a handler that is not a function, naming the key', () => {
    expect(() => bus().subscribe('JOB_DONE', 'nope' as unknown as EventHandler)).toThrow(new TypeError('subscribe("JOB_DONE"): handler is not a function'));
  });

  it('the same handler twice on one pattern is one subscription, delivered once', async () => {
    const { b, seen, handler } = recording();
    const h = handler('h');
    const first = b.add('job.*', h);
    expect(b.add('job.*', h)).toBe(first);
    expect(await b.publish(env('JOB_DONE'))).toEqual({ matched: 1, succeeded: 1 });
    expect(seen).toEqual(['h:JOB_DONE']);
  });

  it('the same handler on two patterns is two subscriptions: an event matching both reaches it twice', async () => {
    const { b, seen, handler } = recording();
    const h = handler('h');
    const byTopic = b.add('job.*', h);
    const byName = b.add('JOB_*', h);
    expect(byName).not.toBe(byTopic);
    expect(await b.publish(env('JOB_DONE'))).toEqual({ matched: 2, succeeded: 2 });
    expect(seen).toEqual(['h:JOB_DONE', 'h:JOB_DONE']);
  });

  it('the same handler on an exact type and on a pattern is two subscriptions', async () => {
    const { b, handler } = recording();
    const h = handler('h');
    expect(b.add('JOB_DONE', h)).not.toBe(b.add('job.*', h));
    expect(b.subscriptions()).toHaveLength(2);
  });

  it('names a handler after its function and a number unless told, "anonymous" when the function has no name', () => {
    const b = bus();
    function onJobDone(): void {}
    const named = b.add('JOB_DONE', onJobDone);
    const anonymous = b.add('JOB_DONE', [() => undefined][0]!);
    const given = b.add('JOB_DONE', () => undefined, { name: 'audit' });
    expect(named.name).toBe(`onJobDone#${named.id}`);
    expect(anonymous.name).toBe(`anonymous#${anonymous.id}`);
    expect(given.name).toBe('audit');
    expect(b.byName('audit')).toBe(given);
    expect(b.byName(named.name)).toBe(named);
  });

  it('refuses a name a live subscription has, and frees the name when it is unsubscribed', () => {
    const b = bus();
    const first = b.add('JOB_DONE', () => undefined, { name: 'audit' });
    expect(() => b.add('JOB_STARTED', () => undefined, { name: 'audit' })).toThrow('a handler named "audit" is already subscribed');
    b.unsubscribe(first);
    expect(b.byName('audit')).toBeUndefined();
    expect(b.add('JOB_STARTED', () => undefined, { name: 'audit' }).key).toBe('JOB_STARTED');
  });

  it('runs handlers of equal priority in subscription order, exact types and patterns alike', async () => {
    const { b, seen, handler } = recording();
    b.subscribe('job.*', handler('1'));
    b.subscribe('JOB_DONE', handler('2'));
    b.subscribe('*', handler('3'));
    b.subscribe('JOB_DONE', handler('4'));
    b.subscribe('JOB_DONE', handler('0'), { priority: 5 });
    await b.publish(env('JOB_DONE'));
    expect(seen).toEqual(['0:JOB_DONE', '1:JOB_DONE', '2:JOB_DONE', '3:JOB_DONE', '4:JOB_DONE']);
  });

  it('matches(sub, type) says whether a subscription receives a type', () => {
    const b = bus();
    const sub = b.add('job.*', () => undefined);
    expect([b.matches(sub, 'JOB_DONE'), b.matches(sub, 'HOST_OFFLINE')]).toEqual([true, false]);
  });

  it('a pattern matches the type or the topic, and no "undefined" topic for a type that has none', () => {
    const b = new EventBus({ topicOf: () => undefined });
    const sub = b.add('undefined*', () => undefined);
    expect(b.matches(sub, 'JOB_DONE')).toBe(false);
  });

  it('holds an ordinary handler strongly: an inline handler with no other reference keeps receiving after a collection', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const b = bus();
    const seen: string[] = [];
    b.subscribe('JOB_DONE', (e) => void seen.push(e.type));
    await delay(1); // WeakRefs stay alive until the current job ends
    gc();
    await delay(1);
    await b.publish(env('JOB_DONE'));
    expect(seen).toEqual(['JOB_DONE']);
    expect(b.subscriptions()).toHaveLength(1);
  });

  it('a weak handler that was collected is dropped without an error and not counted', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const errors: unknown[] = [];
    const b = bus({ onError: (e) => errors.push(e) });
    const sub = ((): Subscription => b.add('JOB_DONE', (() => (e: EventEnvelope) => void e)(), { weak: true }))();
    for (let i = 0; i < 10 && sub.handler() !== undefined; i++) {
      await delay(1);
      gc();
    }
    expect(sub.handler()).toBeUndefined();
    expect(await b.publish(env('JOB_DONE'))).toEqual({ matched: 0, succeeded: 0 });
    expect(errors).toEqual([]);
    expect(sub.active).toBe(false);
  });
});

describe('unsubscribing', () => {
  it('an unsubscribed pattern receives nothing more and is no longer listed', async () => {
    const { b, seen, handler } = recording();
    const off = b.subscribe('job.*', handler('pattern'));
    b.subscribe('JOB_DONE', handler('exact'));
    off();
    await b.publish(env('JOB_DONE'));
    expect(seen).toEqual(['exact:JOB_DONE']);
    expect(b.subscriptions().map((s) => s.key)).toEqual(['JOB_DONE']);
  });

  it('unsubscribing one of two patterns keeps the other, whichever was first', async () => {
    const { b, seen, handler } = recording();
    const first = b.add('job.*', handler('first'));
    b.add('JOB_*', handler('second'));
    b.add('*', handler('third'));
    b.unsubscribe(b.byName(b.subscriptions()[1]!.name)!);
    await b.publish(env('JOB_DONE'));
    expect(seen).toEqual(['first:JOB_DONE', 'third:JOB_DONE']);
    b.unsubscribe(first);
    seen.length = 0;
    await b.publish(env('JOB_DONE'));
    expect(seen).toEqual(['third:JOB_DONE']);
  });

  it('unsubscribeHandler removes that handler under that pattern only, and says whether it did', async () => {
    const { b, seen, handler } = recording();
    const h = handler('h');
    b.add('job.*', h);
    b.add('JOB_*', h);
    expect(b.unsubscribeHandler('job.*', h)).toBe(true);
    expect(b.unsubscribeHandler('job.*', h)).toBe(false);
    expect(b.unsubscribeHandler('*', h)).toBe(false);
    await b.publish(env('JOB_DONE'));
    expect(seen).toEqual(['h:JOB_DONE']);
    expect(b.subscriptions().map((s) => s.key)).toEqual(['JOB_*']);
  });

  it('unsubscribeHandler on an exact type leaves the other handlers of that type', async () => {
    const { b, seen, handler } = recording();
    const a = handler('a');
    b.add('JOB_DONE', a);
    b.add('JOB_DONE', handler('b'));
    expect(b.unsubscribeHandler('JOB_DONE', handler('a'))).toBe(false); // another function
    expect(b.unsubscribeHandler('JOB_DONE', a)).toBe(true);
    await b.publish(env('JOB_DONE'));
    expect(seen).toEqual(['b:JOB_DONE']);
  });

  it('marks an explicitly removed subscription cancelled, a once subscription that fired only inactive', async () => {
    const b = bus();
    const live = b.add('JOB_DONE', () => undefined);
    const once = b.add('JOB_DONE', () => undefined, { once: true });
    expect([live.cancelled, live.active]).toEqual([false, true]);
    await b.publish(env('JOB_DONE'));
    expect([once.cancelled, once.active]).toEqual([false, false]);
    b.unsubscribe(once);
    expect(once.cancelled).toBe(false);
    b.unsubscribe(live);
    expect([live.cancelled, live.active]).toEqual([true, false]);
  });
});

describe('what publish reports', () => {
  it('counts a handler returning null or a value as a success, a throwing one as matched but not succeeded', async () => {
    const errors: string[] = [];
    const b = bus({ onError: (e, sub) => errors.push(`${sub.name}: ${(e as Error).message}`) });
    b.subscribe('JOB_DONE', () => null, { name: 'returns-null' });
    b.subscribe('JOB_DONE', () => 42, { name: 'returns-value' });
    b.subscribe('JOB_DONE', () => {
      throw new Error('boom');
    }, { name: 'throws' });
    expect(await b.publish(env('JOB_DONE'))).toEqual({ matched: 3, succeeded: 2 });
    expect(errors).toEqual(['throws: boom']);
  });

  it('counts async handlers when they settle', async () => {
    const b = bus();
    b.subscribe('JOB_DONE', async () => null);
    b.subscribe('JOB_DONE', async () => {
      throw new Error('late');
    });
    b.subscribe('JOB_DONE', () => undefined);
    expect(await b.publish(env('JOB_DONE'))).toEqual({ matched: 3, succeeded: 2 });
  });
});

describe('history', () => {
  it('an exact type filters by type only; a pattern matches the type or the topic', async () => {
    const b = bus();
    await b.publish(env('JOB_DONE', { i: 1 }));
    await b.publish(env('JOB_STARTED', { i: 2 }));
    expect(b.getHistory({ topic: 'job.done' })).toEqual([]); // a topic is not a type
    expect(b.getHistory({ topic: 'JOB_DONE' }).map((e) => e.data.i)).toEqual([1]);
    expect(b.getHistory({ topic: 'job.*' }).map((e) => e.data.i)).toEqual([1, 2]);
    expect(b.getHistory({ topic: 'JOB_S*' }).map((e) => e.data.i)).toEqual([2]);
  });

  it('a pattern on the type finds events whose topic does not match it, and none for a type without a topic', async () => {
    const b = new EventBus({ topicOf: (t) => (t === 'JOB_DONE' ? 'work.finished' : undefined) });
    await b.publish(env('JOB_DONE', { i: 1 }));
    await b.publish(env('HOST_OFFLINE', { i: 2 }));
    expect(b.getHistory({ topic: 'JOB_*' }).map((e) => e.data.i)).toEqual([1]);
    expect(b.getHistory({ topic: 'work.*' }).map((e) => e.data.i)).toEqual([1]);
  });

  it('clearHistory forgets every event, and the history fills again after', async () => {
    const b = bus({ historySize: 3 });
    for (let i = 0; i < 4; i++) await b.publish(env('JOB_DONE', { i }));
    b.clearHistory();
    expect([b.historyLength, b.getHistory()]).toEqual([0, []]);
    await b.publish(env('JOB_DONE', { i: 9 }));
    expect(b.getHistory().map((e) => e.data.i)).toEqual([9]);
  });

  it('replay takes since as epoch milliseconds, a Date or an ISO string, and refuses anything else', async () => {
    let now = Date.parse('2026-01-01T00:00:00.000Z');
    const b = bus({ now: () => now });
    await b.publish(env('JOB_DONE', { i: 0 }));
    now += 60_000;
    await b.publish(env('JOB_DONE', { i: 1 }));
    const replayed = async (since: number | Date | string): Promise<unknown[]> => {
      const got: unknown[] = [];
      await b.replay({ since, handler: (e) => void got.push(e.data.i) });
      return got;
    };
    expect(await replayed('2026-01-01T00:00:30.000Z')).toEqual([1]);
    expect(await replayed(new Date('2026-01-01T00:00:00.000Z'))).toEqual([0, 1]);
    expect(await replayed(now)).toEqual([1]);
    await expect(replayed('yesterday')).rejects.toThrow(new RangeError('not a time: yesterday'));
  });

  it('a replay handler that throws is reported to onError under the name "replay", a subscription no one holds', async () => {
    const reported: Subscription[] = [];
    const b = bus({ onError: (_e, sub) => reported.push(sub) });
    await b.publish(env('JOB_DONE'));
    await b.replay({
      handler: () => {
        throw new Error('replay failed');
      },
    });
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatchObject({ name: 'replay', key: '', once: false, active: false, cancelled: false });
  });
});
