import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, DEFAULT_RETRY } from '../../runtime/retry.js';
import { MemoryDlqStore, type DlqEntry } from '../../runtime/dlq.js';
import type { EventEnvelope } from '../../runtime/envelope.js';
import { testRouter } from './helpers.js';

const T0 = Date.parse('2025-12-29T12:00:00Z');

describe('backoffDelay', () => {
  it('doubles from the base delay and caps', () => {
    const policy = { attempts: 6, baseDelayMs: 1000, maxDelayMs: 5000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(policy, n))).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(DEFAULT_RETRY).toEqual({ attempts: 3, baseDelayMs: 1000, maxDelayMs: 30_000 });
  });
});

describe('retries, timeouts and the dead letter queue (fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function router(options: Parameters<typeof testRouter>[0] = {}): ReturnType<typeof testRouter> {
    return testRouter({ retry: { attempts: 3, baseDelayMs: 1000 }, handlerTimeoutMs: 5000, ...options });
  }

  it('retries a failing handler 3 times in all, 1 s then 2 s apart, then parks it and emits HANDLER_FAILED', async () => {
    const r = router();
    const calls: number[] = [];
    const failed: EventEnvelope[] = [];
    r.subscribe('HANDLER_FAILED', (e) => void failed.push(e));
    r.subscribe(
      'TRAINING_COMPLETED',
      () => {
        calls.push(Date.now() - T0);
        throw new Error(`attempt ${calls.length} failed`);
      },
      { name: 'FeedbackLoopController._trigger_evaluation', coordinator: 'FeedbackLoopController' },
    );
    const result = await r.publish('TRAINING_COMPLETED', { config_key: 'hex8_2p', model_path: 'm.pth' });
    expect(result).toMatchObject({ delivered: 1, succeeded: 0 }); // resolved after the first attempt
    expect(calls).toEqual([0]);
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toEqual([0]);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toEqual([0, 1000]);
    await vi.advanceTimersByTimeAsync(1999);
    expect(calls).toEqual([0, 1000]);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toEqual([0, 1000, 3000]);
    await vi.advanceTimersByTimeAsync(60_000);
    await r.drain();
    expect(calls).toHaveLength(3);

    const entries = await r.dlq.list();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      eventType: 'TRAINING_COMPLETED',
      handlerName: 'FeedbackLoopController._trigger_evaluation',
      error: 'attempt 3 failed',
      attempts: 3,
      failedAt: T0 + 3000,
      status: 'pending',
    });
    expect(entries[0]!.envelope.data).toMatchObject({ config_key: 'hex8_2p', model_path: 'm.pth' });
    expect(failed).toHaveLength(1);
    expect(failed[0]!.data).toMatchObject({
      handler_name: 'FeedbackLoopController._trigger_evaluation',
      event_type: 'TRAINING_COMPLETED',
      event_id: entries[0]!.envelope.id,
      error: 'attempt 3 failed',
      attempt: 3,
      coordinator: 'FeedbackLoopController',
    });
    expect(r.getStats()).toMatchObject({ handlerErrors: 3, retries: 2, handlerFailures: 1, deadLettered: 1 });
  });

  it('stops retrying as soon as an attempt succeeds', async () => {
    const r = router();
    let calls = 0;
    r.subscribe('HOST_OFFLINE', async () => {
      if (++calls < 3) throw new Error('flaky');
    });
    await r.publish('HOST_OFFLINE', { node_id: 'n' });
    await vi.advanceTimersByTimeAsync(10_000);
    await r.drain();
    expect(calls).toBe(3);
    expect(await r.dlq.count()).toBe(0);
    expect(r.getStats()).toMatchObject({ handlerErrors: 2, retries: 2, recoveredByRetry: 1, handlerFailures: 0 });
  });

  it('honours a per-handler retry policy', async () => {
    const r = router();
    const calls: number[] = [];
    r.subscribe(
      'HOST_OFFLINE',
      () => {
        calls.push(Date.now() - T0);
        throw new Error('x');
      },
      { retry: { attempts: 5, baseDelayMs: 100, maxDelayMs: 300 } },
    );
    await r.publish('HOST_OFFLINE', { node_id: 'n' });
    await vi.advanceTimersByTimeAsync(5_000);
    await r.drain();
    expect(calls).toEqual([0, 100, 300, 600, 900]);
    expect((await r.dlq.list())[0]!.attempts).toBe(5);
  });

  it('times out a hanging handler per attempt, emits HANDLER_TIMEOUT each time, and parks it', async () => {
    const r = router();
    const timeouts: EventEnvelope[] = [];
    r.subscribe('HANDLER_TIMEOUT', (e) => void timeouts.push(e));
    let calls = 0;
    r.subscribe('HOST_OFFLINE', () => {
      calls++;
      return new Promise(() => undefined);
    }, { name: 'hangs' });
    let fastCalls = 0;
    r.subscribe('HOST_OFFLINE', () => void fastCalls++);
    const publishing = r.publish('HOST_OFFLINE', { node_id: 'n' });
    expect(fastCalls).toBe(1); // the hanging handler does not hold the other one back
    await vi.advanceTimersByTimeAsync(5000);
    const result = await publishing; // publish settles once the first attempt timed out
    expect(result).toMatchObject({ delivered: 2, succeeded: 1 });
    // attempt 2 at 5000 + 1000, times out at 11000; attempt 3 at 11000 + 2000, times out at 18000.
    await vi.advanceTimersByTimeAsync(13_000);
    await r.drain();
    expect(calls).toBe(3);
    expect(timeouts).toHaveLength(3);
    expect(timeouts[0]!.data).toMatchObject({ handler_name: 'hangs', event_type: 'HOST_OFFLINE', timeout_seconds: 5, attempt: 1 });
    expect(timeouts[2]!.data).toMatchObject({ attempt: 3, error: 'handler hangs timed out after 5000 ms' });
    const [entry] = await r.dlq.list();
    expect(entry).toMatchObject({ handlerName: 'hangs', attempts: 3, failedAt: T0 + 18_000 });
    expect(entry!.error).toMatch(/timed out after 5000 ms/);
    expect(r.getStats()).toMatchObject({ handlerTimeouts: 3, handlerFailures: 1 });
  });

  it('does not emit HANDLER_FAILED about handlers of HANDLER_FAILED (no feedback loop)', async () => {
    const r = router();
    let calls = 0;
    r.subscribe('HANDLER_FAILED', () => {
      calls++;
      throw new Error('watchdog broken');
    });
    r.subscribe('HOST_OFFLINE', () => {
      throw new Error('x');
    });
    await r.publish('HOST_OFFLINE', { node_id: 'n' });
    await vi.advanceTimersByTimeAsync(60_000);
    await r.drain();
    expect(calls).toBe(3); // one HANDLER_FAILED, retried 3 times, then parked; nothing more
    expect(await r.dlq.count()).toBe(2);
    expect(r.getStats().eventsRoutedByType).toEqual({ HOST_OFFLINE: 1, HANDLER_FAILED: 1 });
  });

  it('parks without further calls when the handler is unsubscribed during the backoff', async () => {
    const r = router();
    let calls = 0;
    const off = r.subscribe('HOST_OFFLINE', () => {
      calls++;
      throw new Error('x');
    }, { name: 'stopping' });
    await r.publish('HOST_OFFLINE', { node_id: 'n' });
    off();
    await vi.advanceTimersByTimeAsync(10_000);
    await r.drain();
    expect(calls).toBe(1);
    expect(await r.dlq.list()).toMatchObject([{ handlerName: 'stopping', attempts: 1 }]);
  });

  it('publish does not wait for retries; drain() does', async () => {
    const r = router();
    r.subscribe('HOST_OFFLINE', () => {
      throw new Error('x');
    });
    await r.publish('HOST_OFFLINE', { node_id: 'n' });
    expect(r.getStats().pendingRetries).toBe(1);
    let drained = false;
    const draining = r.drain().then(() => (drained = true));
    await vi.advanceTimersByTimeAsync(2_999);
    expect(drained).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await draining;
    expect(drained).toBe(true);
  });
});

describe('replayDlqEvents (design rule 5)', () => {
  it('re-delivers only to the handler that failed, and counts it recovered only when that handler succeeds', async () => {
    let now = T0;
    const r = testRouter({ now: () => now, retry: { attempts: 1 } });
    let broken = true;
    const failingCalls: unknown[] = [];
    let otherCalls = 0;
    r.subscribe('TRAINING_COMPLETED', (e) => {
      failingCalls.push(e.id);
      if (broken) throw new Error('still broken');
    }, { name: 'Evaluator' });
    r.subscribe('TRAINING_COMPLETED', () => void otherCalls++, { name: 'Bystander' });
    const { envelope } = await r.publish('TRAINING_COMPLETED', { config_key: 'hex8_2p', model_path: 'm.pth' });
    await r.drain();
    expect(otherCalls).toBe(1);
    expect(await r.dlq.count({ status: 'pending' })).toBe(1);

    // The handler fails again: not recovered, still pending, one attempt more.
    now += 60_000;
    expect(await r.replayDlqEvents({ maxAgeHours: 24 })).toEqual({ replayed: 1, recovered: 0, failed: 1, skipped: 0 });
    let [entry] = await r.dlq.list();
    expect(entry).toMatchObject({ status: 'pending', attempts: 2, lastAttemptAt: now, error: 'still broken' });

    // Fixed: recovered, and the bystander never saw the replays.
    broken = false;
    now += 60_000;
    expect(await r.replayDlqEvents({ maxAgeHours: 24 })).toEqual({ replayed: 1, recovered: 1, failed: 0, skipped: 0 });
    [entry] = await r.dlq.list();
    expect(entry).toMatchObject({ status: 'recovered', attempts: 3, recoveredAt: now });
    expect(failingCalls).toEqual([envelope.id, envelope.id, envelope.id]);
    expect(otherCalls).toBe(1);
    expect(r.getStats().dlqRecovered).toBe(1);

    // Recovered entries are not replayed again.
    expect(await r.replayDlqEvents()).toEqual({ replayed: 0, recovered: 0, failed: 0, skipped: 0 });
    await r.close();
  });

  it('skips entries whose handler is not subscribed now, and honours maxAgeHours', async () => {
    let now = T0;
    const r = testRouter({ now: () => now, retry: { attempts: 1 } });
    const off = r.subscribe('HOST_OFFLINE', () => {
      throw new Error('x');
    }, { name: 'Gone' });
    await r.publish('HOST_OFFLINE', { node_id: 'n' });
    await r.drain();
    off();
    expect(await r.replayDlqEvents()).toMatchObject({ replayed: 1, skipped: 1, recovered: 0 });
    // Re-subscribed under the same name (a restart): now it is replayed.
    r.subscribe('HOST_OFFLINE', () => undefined, { name: 'Gone' });
    now += 25 * 3_600_000;
    expect(await r.replayDlqEvents({ maxAgeHours: 24 })).toMatchObject({ replayed: 0 });
    expect(await r.replayDlqEvents({ maxAgeHours: 26 })).toMatchObject({ replayed: 1, recovered: 1 });
    await r.close();
  });

  it('a DLQ store that fails is reported, never an unhandled rejection', async () => {
    class BrokenStore extends MemoryDlqStore {
      override async add(_entry: DlqEntry): Promise<void> {
        throw new Error('disk full');
      }
    }
    const r = testRouter({ dlq: new BrokenStore(), retry: { attempts: 1 } });
    r.subscribe('HOST_OFFLINE', () => {
      throw new Error('x');
    });
    await r.publish('HOST_OFFLINE', { node_id: 'n' });
    await r.drain();
    expect(r.log.messages('error').join('\n')).toMatch(/disk full/);
    await r.close();
  });
});

describe('MemoryDlqStore', () => {
  const entry = (id: string, over: Partial<DlqEntry> = {}): DlqEntry => ({
    id,
    envelope: { specversion: '1.0', id, source: 's', type: 'HOST_OFFLINE', time: '', datacontenttype: 'application/json', data: {} },
    eventType: 'HOST_OFFLINE',
    handlerName: 'h',
    error: 'e',
    attempts: 3,
    failedAt: 0,
    lastAttemptAt: 0,
    status: 'pending',
    ...over,
  });

  it('filters, purges and stays under its cap, dropping recovered entries first', async () => {
    const evicted: string[] = [];
    const store = new MemoryDlqStore({ maxEntries: 3, onEvict: (e) => evicted.push(e.id) });
    await store.add(entry('a', { failedAt: 1 }));
    await store.add(entry('b', { failedAt: 2, status: 'recovered' }));
    await store.add(entry('c', { failedAt: 3, handlerName: 'other' }));
    await store.add(entry('d', { failedAt: 4 }));
    expect(evicted).toEqual(['b']);
    await store.add(entry('e', { failedAt: 5 }));
    expect(evicted).toEqual(['b', 'a']);
    expect((await store.list({ handlerName: 'h' })).map((e) => e.id)).toEqual(['d', 'e']);
    expect((await store.list({ since: 4, limit: 1 })).map((e) => e.id)).toEqual(['d']);
    expect(await store.purge(5)).toBe(2);
    expect(await store.count()).toBe(1);
    expect(await store.remove('e')).toBe(true);
    expect(store.size).toBe(0);
  });
});
