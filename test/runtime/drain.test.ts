/**
 * drain() waits for the background work a publish leaves (retries, handler
 * events); called from inside that work (a retried handler that drains before
 * it returns), it waits for everything but itself, so it never deadlocks.
 */
import { describe, expect, it } from 'vitest';
import { deferred, testRouters, trainingPayload } from './helpers.js';

const router = testRouters({ retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 5 }, emitHandlerEvents: false });

describe('drain()', () => {
  it('from outside, resolves only once every retry has settled', async () => {
    const r = router();
    const done: string[] = [];
    let calls = 0;
    r.subscribe('TRAINING_COMPLETED', () => {
      if (++calls === 1) throw new Error('first attempt fails');
      done.push('retried');
    });
    await r.publish('TRAINING_COMPLETED', trainingPayload());
    expect(done).toEqual([]); // publish resolves after the first attempt; the retry is background work
    await r.drain();
    expect(done).toEqual(['retried']);
  });

  it('from inside a retry, waits for the other background work but not for itself', async () => {
    const r = router();
    const order: string[] = [];
    let trainingCalls = 0;
    let failedCalls = 0;
    r.subscribe('TRAINING_COMPLETED', async () => {
      if (++trainingCalls === 1) throw new Error('first attempt fails');
      await r.drain(); // would wait for itself (and hang) if drain counted the caller's own work
      order.push('training retry drained');
    });
    r.subscribe('TRAINING_FAILED', async () => {
      if (++failedCalls === 1) throw new Error('first attempt fails');
      await r.drain(); // two retries draining at once must not wait for each other either
      order.push('failed retry drained');
    });
    await r.publish('TRAINING_COMPLETED', trainingPayload());
    await r.publish('TRAINING_FAILED', { config_key: 'hex8_2p', error: 'oom' });
    await r.drain();
    expect(order.sort()).toEqual(['failed retry drained', 'training retry drained']);
    // And later again: an outside drain waits for a retry that itself drains.
    let laterCalls = 0;
    let laterDone = false;
    r.subscribe('TRAINING_STARTED', async () => {
      if (++laterCalls === 1) throw new Error('first attempt fails');
      await r.drain();
      laterDone = true;
    });
    await r.publish('TRAINING_STARTED', { config_key: 'hex8_2p', job_id: 'j' });
    await r.drain();
    expect(laterDone).toBe(true);
  });

  it('from inside a retry, returns only after the other background work has settled', async () => {
    const r = router();
    const gate = deferred();
    const order: string[] = [];
    let slowCalls = 0;
    let drainingCalls = 0;
    r.subscribe('TRAINING_FAILED', async () => {
      if (++slowCalls === 1) throw new Error('first attempt fails');
      await gate.promise; // the slow retry settles only when the gate opens
      order.push('slow retry settled');
    });
    r.subscribe('TRAINING_COMPLETED', async () => {
      if (++drainingCalls === 1) throw new Error('first attempt fails');
      order.push('draining retry waits');
      await r.drain();
      order.push('draining retry drained');
    });
    await r.publish('TRAINING_FAILED', { config_key: 'hex8_2p', error: 'oom' });
    await r.publish('TRAINING_COMPLETED', trainingPayload());
    while (!order.includes('draining retry waits')) await new Promise((resolve) => setImmediate(resolve));
    gate.resolve();
    await r.drain();
    expect(order).toEqual(['draining retry waits', 'slow retry settled', 'draining retry drained']);
  });

  it('from inside a retry, waits for another retry that drained earlier and is still at work', async () => {
    const r = router();
    const gate = deferred();
    const order: string[] = [];
    let firstCalls = 0;
    let secondCalls = 0;
    r.subscribe('TRAINING_FAILED', async () => {
      if (++firstCalls === 1) throw new Error('first attempt fails');
      await r.drain(); // nothing else to wait for: returns at once
      order.push('first retry drained');
      await gate.promise; // no longer draining, still at work
      order.push('first retry settled');
    });
    await r.publish('TRAINING_FAILED', { config_key: 'hex8_2p', error: 'oom' });
    while (!order.includes('first retry drained')) await new Promise((resolve) => setImmediate(resolve));
    r.subscribe('TRAINING_COMPLETED', async () => {
      if (++secondCalls === 1) throw new Error('first attempt fails');
      order.push('second retry waits');
      await r.drain();
      order.push('second retry drained');
    });
    await r.publish('TRAINING_COMPLETED', trainingPayload());
    while (!order.includes('second retry waits')) await new Promise((resolve) => setImmediate(resolve));
    gate.resolve();
    await r.drain();
    expect(order).toEqual(['first retry drained', 'second retry waits', 'first retry settled', 'second retry drained']);
  });
});
