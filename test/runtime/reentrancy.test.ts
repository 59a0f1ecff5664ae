/**
 * Handlers that publish, and handlers that drain the router they run on
 * (runtime/README.md "Re-entrancy").
 */
import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../runtime/envelope.js';
import { testRouter } from './helpers.js';

/** The promise's outcome, or 'hung' when it has not settled after `ms` (a deadlock, not a slow run: the work is microseconds). */
async function settles<T>(promise: Promise<T>, ms = 5000): Promise<T | 'hung'> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), ms)));
  try {
    return await Promise.race([promise, hung]);
  } finally {
    clearTimeout(timer);
  }
}

describe('re-entrant publish', () => {
  const LEVELS = 20_000; // far beyond the ~800 levels at which native recursion overflowed

  it('a chain of handlers each publishing the next event synchronously runs to the end, without stack overflow', async () => {
    const r = testRouter();
    let reached = 0;
    r.subscribe('HOST_OFFLINE', (e: EventEnvelope<{ node_id: string }>) => {
      reached = Number(e.data.node_id);
      if (reached < LEVELS) void r.publish('HOST_OFFLINE', { node_id: String(reached + 1) }); // not awaited: the handler returns at once
    });
    await r.publish('HOST_OFFLINE', { node_id: '1' });
    await r.drain();
    expect(reached).toBe(LEVELS);
    expect(r.getStats()).toMatchObject({ handlerErrors: 0, eventsPublished: LEVELS });
    await r.close();
  });

  it('an async handler that awaits its publish runs the chain too, and each publish resolves after its own delivery', async () => {
    const r = testRouter();
    const delivered: number[] = [];
    r.subscribe('HOST_OFFLINE', async (e: EventEnvelope<{ node_id: string }>) => {
      const n = Number(e.data.node_id);
      if (n < 2000) {
        const result = await r.publish('HOST_OFFLINE', { node_id: String(n + 1) });
        expect(result.delivered).toBe(1);
      }
      delivered.push(n);
    });
    await r.publish('HOST_OFFLINE', { node_id: '1' });
    expect(delivered).toHaveLength(2000);
    expect(delivered[0]).toBe(2000); // the innermost finished first: each publish waited for its handler
    expect(r.getStats().handlerErrors).toBe(0);
    await r.close();
  });

  it('delivers an event published inside a handler after every handler of the current event started', async () => {
    const r = testRouter();
    const order: string[] = [];
    r.subscribe('HOST_OFFLINE', () => {
      order.push('first handler of HOST_OFFLINE');
      void r.publish('HOST_ONLINE', { node_id: 'n' });
    });
    r.subscribe('HOST_OFFLINE', () => void order.push('second handler of HOST_OFFLINE'));
    r.subscribe('HOST_ONLINE', () => void order.push('HOST_ONLINE'));
    await r.publish('HOST_OFFLINE', { node_id: 'n' });
    await r.drain();
    expect(order).toEqual(['first handler of HOST_OFFLINE', 'second handler of HOST_OFFLINE', 'HOST_ONLINE']);
    await r.close();
  });
});

describe('drain() from inside a handler', () => {
  it('in a retry, waits for everything but its own delivery instead of for itself', async () => {
    const r = testRouter({ retry: { attempts: 2, baseDelayMs: 1 } });
    let attempts = 0;
    let innerDrain: Promise<void> | undefined;
    r.subscribe('HOST_OFFLINE', async () => {
      attempts++;
      if (attempts === 1) throw new Error('first attempt fails');
      innerDrain = r.drain(); // the retry runs as background work: drain() must not wait for it
      await innerDrain;
    });
    await r.publish('HOST_OFFLINE', { node_id: 'n' });
    expect(await settles(r.drain())).toBeUndefined();
    expect(await settles(innerDrain!)).toBeUndefined();
    expect(r.getStats()).toMatchObject({ recoveredByRetry: 1, deadLettered: 0 });
    await r.close();
  });

  it('in a HANDLER_FAILED subscriber, and in two retrying handlers draining at once, never deadlocks', async () => {
    const r = testRouter({ retry: { attempts: 2, baseDelayMs: 1 } });
    const failures: string[] = [];
    r.subscribe('HANDLER_FAILED', async (e: EventEnvelope<{ handler_name: string }>) => {
      await r.drain();
      failures.push(e.data.handler_name);
    });
    for (const name of ['a', 'b']) {
      let attempt = 0;
      r.subscribe(
        'HOST_OFFLINE',
        async () => {
          if (++attempt === 2) await r.drain(); // both retries drain at the same time: each must not wait for the other
          throw new Error(`${name} fails`);
        },
        { name },
      );
    }
    await r.publish('HOST_OFFLINE', { node_id: 'n' });
    expect(await settles(r.drain())).toBeUndefined();
    expect(failures.sort()).toEqual(['a', 'b']);
    expect(r.getStats()).toMatchObject({ deadLettered: 2 });
    await r.close();
  });

  it('close() from inside a retrying handler completes', async () => {
    const r = testRouter({ retry: { attempts: 2, baseDelayMs: 1 } });
    let closing: Promise<void> | undefined;
    let attempt = 0;
    r.subscribe('HOST_OFFLINE', async () => {
      if (++attempt === 1) throw new Error('first attempt fails');
      closing = r.close();
      await closing;
    });
    await r.publish('HOST_OFFLINE', { node_id: 'n' });
    expect(await settles(r.drain())).toBeUndefined();
    expect(await settles(closing!)).toBeUndefined();
    expect(r.isClosed).toBe(true);
  });
});
