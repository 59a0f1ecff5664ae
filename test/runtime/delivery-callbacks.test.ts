/**
 * What a subscriber hears about a failing handler: `onFailure` after every
 * failed attempt (saying whether another will follow), `onDeadLetter` once when
 * the delivery is parked, the log lines an operator reads, and a callback that
 * throws never breaks the delivery. Retries use 1 ms pauses (testRouter).
 */
import { describe, expect, it } from 'vitest';
import type { DlqEntry } from '../../runtime/dlq.js';
import type { HandlerFailureInfo } from '../../runtime/router.js';
import { testRouter } from './helpers.js';

const fails = (message = 'nope') => (): never => {
  throw new Error(message);
};

describe('failure callbacks', () => {
  it('onFailure hears every failed attempt, and whether another will follow; onDeadLetter hears the parking once', async () => {
    const r = testRouter({ retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 } });
    const failures: HandlerFailureInfo[] = [];
    const parked: DlqEntry[] = [];
    r.subscribe('HOST_OFFLINE', fails('host gone'), { name: 'watcher', onFailure: (i) => failures.push(i), onDeadLetter: (e) => parked.push(e) });
    await r.publish('HOST_OFFLINE', { node_id: 'n1' });
    await r.drain();
    expect(failures.map((f) => [f.handlerName, f.kind, f.attempt, f.willRetry, (f.error as Error).message])).toEqual([
      ['watcher', 'error', 1, true, 'host gone'],
      ['watcher', 'error', 2, true, 'host gone'],
      ['watcher', 'error', 3, false, 'host gone'],
    ]);
    expect(failures[0]!.envelope.type).toBe('HOST_OFFLINE');
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({ handlerName: 'watcher', eventType: 'HOST_OFFLINE', attempts: 3, error: 'host gone', status: 'pending' });
    expect(await r.dlq.list()).toEqual(parked);
  });

  it('a single attempt is never followed by another: willRetry is false at once', async () => {
    const r = testRouter({ retry: { attempts: 1, baseDelayMs: 1 } });
    const failures: HandlerFailureInfo[] = [];
    r.subscribe('HOST_OFFLINE', fails(), { onFailure: (i) => failures.push(i) });
    await r.publish('HOST_OFFLINE', { node_id: 'n1' });
    await r.drain();
    expect(failures.map((f) => [f.attempt, f.willRetry])).toEqual([[1, false]]);
  });

  it('no callback is called for a handler that recovers on retry, beyond its failed attempts', async () => {
    const r = testRouter();
    const failures: HandlerFailureInfo[] = [];
    const parked: DlqEntry[] = [];
    let calls = 0;
    r.subscribe('HOST_OFFLINE', () => {
      if (++calls === 1) throw new Error('first only');
    }, { onFailure: (i) => failures.push(i), onDeadLetter: (e) => parked.push(e) });
    await r.publish('HOST_OFFLINE', { node_id: 'n1' });
    await r.drain();
    expect(failures.map((f) => f.attempt)).toEqual([1]);
    expect(parked).toEqual([]);
    expect(r.getStats()).toMatchObject({ recoveredByRetry: 1, deadLettered: 0 });
  });

  it('a callback that throws is logged, and the delivery still retries and parks', async () => {
    const r = testRouter({ retry: { attempts: 2, baseDelayMs: 1 } });
    r.subscribe('HOST_OFFLINE', fails(), {
      name: 'watcher',
      onFailure: () => {
        throw new Error('callback broke');
      },
      onDeadLetter: () => {
        throw new Error('dead letter callback broke');
      },
    });
    await r.publish('HOST_OFFLINE', { node_id: 'n1' });
    await r.drain();
    expect(await r.dlq.list()).toHaveLength(1);
    expect(r.log.messages('error').filter((m) => m.includes('callback threw'))).toEqual([
      '[EventRouter] failure callback threw: callback broke',
      '[EventRouter] failure callback threw: callback broke',
      '[EventRouter] failure callback threw: dead letter callback broke',
    ]);
  });

  it('logs each failed attempt and the parking in words an operator can act on', async () => {
    const r = testRouter({ retry: { attempts: 2, baseDelayMs: 1 } });
    r.subscribe('HOST_OFFLINE', fails('disk full'), { name: 'watcher' });
    await r.publish('HOST_OFFLINE', { node_id: 'n1' });
    await r.drain();
    expect(r.log.messages('warn')).toEqual([
      '[EventRouter] Handler error: watcher on HOST_OFFLINE (attempt 1/2, will retry): disk full',
      '[EventRouter] Handler error: watcher on HOST_OFFLINE (attempt 2/2): disk full',
    ]);
    expect(r.log.messages('error')).toContain('[EventRouter] Dead-lettered HOST_OFFLINE for watcher after 2 attempt(s): disk full');
  });

  it('the dead-letter log line carries the event id, so an operator can find the event it is about', async () => {
    const r = testRouter({ retry: { attempts: 1, baseDelayMs: 1 } });
    r.subscribe('HOST_OFFLINE', fails('disk full'), { name: 'watcher' });
    const { envelope } = await r.publish('HOST_OFFLINE', { node_id: 'n1' });
    await r.drain();
    const line = r.log.lines.find((l) => l.message.startsWith('[EventRouter] Dead-lettered'));
    expect(line).toEqual({ level: 'error', message: '[EventRouter] Dead-lettered HOST_OFFLINE for watcher after 1 attempt(s): disk full', meta: { id: envelope.id } });
  });

  it('a failing handler subscribed without callbacks logs its failures and nothing about callbacks', async () => {
    const r = testRouter({ retry: { attempts: 2, baseDelayMs: 1 } });
    r.subscribe('HOST_OFFLINE', fails('disk full'), { name: 'watcher' });
    await r.publish('HOST_OFFLINE', { node_id: 'n1' });
    await r.drain();
    expect(await r.dlq.list()).toHaveLength(1);
    expect(r.log.messages('error')).toEqual(['[EventRouter] Dead-lettered HOST_OFFLINE for watcher after 2 attempt(s): disk full']);
  });
});

describe('DLQ replay', () => {
  it('replays a parked delivery to its handler, and logs the tally; with nothing parked it logs nothing', async () => {
    const r = testRouter({ retry: { attempts: 1, baseDelayMs: 1 } });
    let healthy = false;
    r.subscribe('HOST_OFFLINE', () => {
      if (!healthy) throw new Error('not yet');
    }, { name: 'watcher' });
    expect(await r.replayDlqEvents()).toEqual({ replayed: 0, recovered: 0, failed: 0, skipped: 0 });
    expect(r.log.messages('info').filter((m) => m.includes('DLQ replay'))).toEqual([]);
    await r.publish('HOST_OFFLINE', { node_id: 'n1' });
    await r.drain();
    healthy = true;
    expect(await r.replayDlqEvents()).toEqual({ replayed: 1, recovered: 1, failed: 0, skipped: 0 });
    expect(r.log.messages('info')).toContain('[EventRouter] DLQ replay: 1 recovered, 0 failed, 0 skipped');
  });

  it('skips a parked delivery whose handler, by name, no longer receives that event', async () => {
    const r = testRouter({ retry: { attempts: 1, baseDelayMs: 1 } });
    const off = r.subscribe('HOST_OFFLINE', fails(), { name: 'watcher' });
    await r.publish('HOST_OFFLINE', { node_id: 'n1' });
    await r.drain();
    off();
    r.subscribe('TRAINING_COMPLETED', () => undefined, { name: 'watcher' }); // same name, another event
    expect(await r.replayDlqEvents()).toEqual({ replayed: 1, recovered: 0, failed: 0, skipped: 1 });
  });
});
