/**
 * Whatever a handler throws is a failure like any other (runtime/README.md
 * "Handlers"): retried, parked in the DLQ, HANDLER_FAILED sent. A thrown
 * bigint, a cyclic object, an object whose toJSON throws, or a revoked proxy
 * must not escape the runtime's own error reporting.
 */
import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../runtime/envelope.js';
import { errorMessage } from '../../runtime/logger.js';
import { testRouters } from './helpers.js';

const router = testRouters();

function cyclic(): unknown {
  const o: Record<string, unknown> = { reason: 'loop' };
  o.self = o;
  return o;
}
function revoked(): unknown {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

const THROWN: readonly [string, () => unknown][] = [
  ['a bigint (10n)', () => 10n],
  ['a cyclic object', cyclic],
  ['an object whose toJSON throws', () => ({ toJSON: () => { throw new Error('no JSON for you'); } })],
  ['a revoked proxy', revoked],
  ['an Error whose message getter throws', () => Object.defineProperty(new Error('x'), 'message', { get: () => { throw new Error('getter'); } })],
  ['undefined', () => undefined],
];

describe('a thrown non-Error', () => {
  it.each(THROWN)('%s is retried, parked in the DLQ and reported by HANDLER_FAILED', async (_label, value) => {
    const r = router({ retry: { attempts: 3, baseDelayMs: 1 } });
    const failed: EventEnvelope[] = [];
    r.subscribe('HANDLER_FAILED', (e) => void failed.push(e));
    let calls = 0;
    r.subscribe(
      'TRAINING_COMPLETED',
      () => {
        calls++;
        throw value();
      },
      { name: 'Thrower' },
    );
    await r.publish('TRAINING_COMPLETED', { config_key: 'hex8_2p', model_path: 'm.pth' });
    await r.drain();
    expect(calls).toBe(3);
    const entries = await r.dlq.list();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ handlerName: 'Thrower', attempts: 3, status: 'pending' });
    expect(typeof entries[0]!.error).toBe('string');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.data).toMatchObject({ handler_name: 'Thrower', event_type: 'TRAINING_COMPLETED', error: entries[0]!.error });
  });

  it('errorMessage never throws and says what was thrown', () => {
    expect(errorMessage(10n)).toBe('10n');
    expect(errorMessage(cyclic())).toBe("<ref *1> { reason: 'loop', self: [Circular *1] }");
    expect(errorMessage({ toJSON: () => { throw new Error('boom'); } })).toBe('{ toJSON: [Function: toJSON] }');
    expect(errorMessage('x'.repeat(5_000))).toHaveLength(2_000 + '… (5000 characters)'.length);
    expect(() => errorMessage(revoked())).not.toThrow();
    expect(errorMessage(undefined)).toBe('undefined');
    expect(errorMessage(new Error('plain'))).toBe('plain');
    expect(errorMessage({ code: 7 })).toBe('{"code":7}');
  });
});
