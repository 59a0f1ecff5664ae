/**
 * One isolated handler call (runtime/retry.ts callIsolated): nothing a handler
 * does escapes, a synchronous handler stays synchronous, and the timeout
 * applies only when there is one.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { callIsolated, HandlerTimeoutError } from '../../runtime/isolated-call.js';

describe('callIsolated', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a synchronous handler succeeds synchronously, whatever it returns that is not a promise', () => {
    for (const value of [undefined, null, 0, '', 'x', {}, { then: 'not a function' }, () => 1, []]) {
      expect(callIsolated(() => value, 0, 1000, 'h'), String(value)).toBeUndefined();
    }
  });

  it('a synchronous throw is an error outcome carrying the thrown value, returned synchronously', () => {
    const boom = new Error('boom');
    expect(
      callIsolated(
        () => {
          throw boom;
        },
        0,
        1000,
        'h',
      ),
    ).toEqual({ kind: 'error', error: boom });
  });

  it('a thenable, object or function, is awaited: its rejection is an error outcome, its fulfilment a success', async () => {
    const late = new Error('late');
    const rejecting = { then: (_ok: unknown, fail: (e: unknown) => void) => fail(late) };
    const fulfilling = Object.assign(() => undefined, { then: (ok: (v: unknown) => void) => ok(1) });
    const r1 = callIsolated(() => rejecting, 0, 0, 'h');
    const r2 = callIsolated(() => fulfilling, 0, 0, 'h');
    expect(r1).toBeInstanceOf(Promise);
    expect(r2).toBeInstanceOf(Promise);
    expect(await r1).toEqual({ kind: 'error', error: late });
    expect(await r2).toBeUndefined();
  });

  it('an async handler slower than the timeout is a timeout outcome naming the handler and the limit', async () => {
    const outcome = callIsolated(() => new Promise((resolve) => setTimeout(resolve, 500)), 0, 100, 'slow-handler');
    await vi.advanceTimersByTimeAsync(100);
    const o = await outcome;
    expect(o?.kind).toBe('timeout');
    expect(o?.error).toBeInstanceOf(HandlerTimeoutError);
    expect(o?.error).toMatchObject({ name: 'HandlerTimeoutError', handlerName: 'slow-handler', timeoutMs: 100, message: 'handler slow-handler timed out after 100 ms' });
  });

  it('a timeout of 0 or Infinity means none: a slow async handler still succeeds', async () => {
    for (const timeoutMs of [0, Infinity]) {
      const outcome = callIsolated(() => new Promise((resolve) => setTimeout(resolve, 10_000)), 0, timeoutMs, 'h');
      await vi.advanceTimersByTimeAsync(10_000);
      expect(await outcome, String(timeoutMs)).toBeUndefined();
    }
  });
});
