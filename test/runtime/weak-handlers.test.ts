/**
 * A weakly held handler's deliveries end with its owner: once the owner is
 * collected, a retry that was waiting is dropped (neither retried nor parked),
 * and a DLQ entry it left is skipped by replay and stays pending.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { testRouter } from './helpers.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Collects `ref`'s target (a WeakRef's target stays alive until the job that read it ends). */
async function collect(ref: WeakRef<object>): Promise<void> {
  for (let i = 0; i < 20 && ref.deref() !== undefined; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  expect(ref.deref()).toBeUndefined();
}

/** An object that subscribes its own method weakly, as a short-lived component does. */
class Owner {
  calls = 0;
  readonly onEvent = (): never => {
    this.calls++;
    throw new Error('not ready');
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('weakly held handlers and failed deliveries', () => {
  it('a handler collected while its retry waits is neither retried nor parked', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const r = testRouter({ retry: { attempts: 3, baseDelayMs: 60_000, maxDelayMs: 60_000 } });
    let owner: Owner | undefined = new Owner();
    r.subscribe('HOST_OFFLINE', owner.onEvent, { weak: true, name: 'owner' });
    const ref = new WeakRef(owner.onEvent);
    await r.publish('HOST_OFFLINE', { node_id: 'n1' });
    expect(owner.calls).toBe(1); // the first attempt failed; the retry waits 60 s
    owner = undefined;
    await collect(ref);
    await vi.advanceTimersByTimeAsync(600_000); // past every retry there could have been
    await r.drain();
    expect(await r.dlq.list()).toEqual([]);
    expect(r.getStats()).toMatchObject({ retries: 0, deadLettered: 0, handlerErrors: 1 });
  });

  it('a DLQ entry whose handler was collected is skipped by replay and stays pending', async () => {
    const r = testRouter({ retry: { attempts: 1, baseDelayMs: 1 } });
    let owner: Owner | undefined = new Owner();
    r.subscribe('HOST_OFFLINE', owner.onEvent, { weak: true, name: 'owner' });
    const ref = new WeakRef(owner.onEvent);
    await r.publish('HOST_OFFLINE', { node_id: 'n1' });
    await r.drain();
    expect(await r.dlq.list()).toMatchObject([{ handlerName: 'owner', attempts: 1, status: 'pending' }]);
    owner = undefined;
    await collect(ref);
    expect(await r.replayDlqEvents()).toEqual({ replayed: 1, recovered: 0, failed: 0, skipped: 1 });
    expect(await r.dlq.list()).toMatchObject([{ handlerName: 'owner', attempts: 1, status: 'pending' }]);
  });
});
