/**
 * The router and the SQLite queue prepare payloads through one pipeline
 * (runtime/payload.ts): a producer gets the same errors, warnings and common
 * fields whichever of the two it sends through.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { REGISTRY } from '../../generated/index.js';
import { createRouter, EventValidationError } from '../../runtime/index.js';
import { CrossProcessEventQueue } from '../../runtime/sqlite/index.js';
import { captureLogger } from '../runtime/helpers.js';
import { tempDir } from './helpers.js';

const trained = {
  config_key: 'hex8_2p',
  board_type: 'hex8',
  num_players: 2,
  model_path: '/path/to/model.pth',
  epochs: 50,
  final_loss: 0.042,
  samples_trained: 85_000,
};
/** `loss` is an alias of final_loss, with another value. */
const disagreeing = { ...trained, loss: 0.5 };
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function queue(mode: 'strict' | 'lenient', logger = captureLogger()): CrossProcessEventQueue {
  const t = tempDir();
  const q = new CrossProcessEventQueue({ dbPath: t.db, registry: REGISTRY, mode, logger, retention: false, checkpoint: 'auto' });
  cleanups.push(t.cleanup, () => q.close());
  return q;
}

describe('one payload pipeline for the router and the SQLite queue', () => {
  it('an alias that disagrees with its canonical field is refused in strict mode with both values named, by either', async () => {
    const router = createRouter({ registry: REGISTRY, logger: captureLogger() });
    cleanups.push(() => router.close());
    const both = 'invalid TRAINING_COMPLETED payload: field "loss" 0.5 is an alias of "final_loss", which is 0.042: they disagree; "final_loss" is kept';
    await expect(router.publish('TRAINING_COMPLETED', disagreeing)).rejects.toThrow(both);
    const q = queue('strict');
    await expect(q.send('TRAINING_COMPLETED', disagreeing)).rejects.toThrow(EventValidationError);
    await expect(q.send('TRAINING_COMPLETED', disagreeing)).rejects.toThrow(both);
    expect(q.lastSeq()).toBe(0);
  });

  it('lenient mode renames and warns the same way, under each component\'s prefix', async () => {
    const routerLog = captureLogger();
    const router = createRouter({ registry: REGISTRY, logger: routerLog, mode: 'lenient' });
    cleanups.push(() => router.close());
    await router.publish('TRAINING_COMPLETED', { ...trained, epochs: 'many' });
    const queueLog = captureLogger();
    await queue('lenient', queueLog).send('TRAINING_COMPLETED', { ...trained, epochs: 'many' });
    const [routerWarning] = routerLog.messages('warn');
    const [queueWarning] = queueLog.messages('warn');
    expect(routerWarning).toMatch(/^\[EventRouter\] invalid TRAINING_COMPLETED payload: .*\(delivered anyway: lenient mode\)$/);
    expect(queueWarning).toBe(routerWarning!.replace('[EventRouter]', '[CrossProcessEventQueue]'));
  });

  it('fills the common fields alike: timestamp, source, and trace_id from the traceparent', async () => {
    const router = createRouter({ registry: REGISTRY, logger: captureLogger() });
    cleanups.push(() => router.close());
    const time = '2026-01-02T03:04:05.000Z';
    const options = { source: '/test/producer', time, traceparent: TRACEPARENT };
    const published = (await router.publish('TRAINING_COMPLETED', trained, options)).envelope.data;
    const sent = (await queue('strict').send('TRAINING_COMPLETED', trained, options)).envelope.data;
    expect(sent).toEqual(published);
    expect(sent).toMatchObject({ timestamp: time, source: '/test/producer', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' });
  });
});
