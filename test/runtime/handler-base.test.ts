import { afterEach, describe, expect, it } from 'vitest';
import { HandlerBase, type SubscriptionMap } from '../../runtime/handler-base.js';
import { getRouter, resetRouter } from '../../runtime/default-router.js';
import type { EventEnvelope } from '../../runtime/envelope.js';
import type { Router } from '../../runtime/router.js';
import { testRegistry, testRouter } from './helpers.js';

class TrainingWatcher extends HandlerBase {
  readonly completed: string[] = [];
  readonly started: string[] = [];
  failNext = 0;
  startHook = 0;
  stopHook = 0;

  constructor(router?: Router, name = 'TrainingWatcher') {
    super(name, { router, retry: { attempts: 1 } });
  }

  getSubscriptions(): SubscriptionMap {
    return {
      training_complete: this.onTrainingCompleted, // unbound on purpose: the base binds `this`
      'training.started': this.onTrainingStarted,
    };
  }

  protected override onStart(): void {
    this.startHook++;
  }

  protected override async onStop(): Promise<void> {
    this.stopHook++;
  }

  private onTrainingCompleted(event: EventEnvelope<{ config_key: string }>): void {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('cannot evaluate');
    }
    this.completed.push(event.data.config_key);
  }

  private async onTrainingStarted(event: EventEnvelope<{ config_key: string }>): Promise<void> {
    this.started.push(event.data.config_key);
  }
}

const payload = { config_key: 'hex8_2p', model_path: 'm.pth' };

describe('HandlerBase', () => {
  afterEach(async () => {
    await resetRouter();
  });

  it('subscribes its map on start with `this` bound, under stable names', async () => {
    const r = testRouter();
    const h = new TrainingWatcher(r);
    expect(h.getSubscriptions()).toHaveProperty('training_complete');
    await h.start();
    expect(h.startHook).toBe(1);
    expect(r.getSubscriptionNames()).toEqual(['TrainingWatcher:TRAINING_COMPLETED', 'TrainingWatcher:TRAINING_STARTED']);
    await r.publish('TRAINING_COMPLETED', payload);
    await r.publish('TRAINING_STARTED', { config_key: 'sq8_2p' });
    expect(h.completed).toEqual(['hex8_2p']);
    expect(h.started).toEqual(['sq8_2p']);
    await r.close();
  });

  it('stop() really unsubscribes; start() twice never registers twice', async () => {
    const r = testRouter();
    const h = new TrainingWatcher(r);
    await Promise.all([h.start(), h.start()]);
    await h.start();
    expect(r.getSubscriptionCount()).toEqual({ TRAINING_COMPLETED: 1, TRAINING_STARTED: 1 });
    await r.publish('TRAINING_COMPLETED', payload);
    expect(h.completed).toHaveLength(1);

    await h.stop();
    await h.stop();
    expect(h.stopHook).toBe(1);
    expect(r.getSubscriptionCount()).toEqual({});
    await r.publish('TRAINING_COMPLETED', { ...payload, model_path: 'other.pth' });
    expect(h.completed).toHaveLength(1);

    await h.start(); // restart: subscribed once again, not twice
    expect(r.getSubscriptionCount()).toEqual({ TRAINING_COMPLETED: 1, TRAINING_STARTED: 1 });
    await r.close();
  });

  it('refuses a second instance with the same name, and leaves nothing subscribed on failure', async () => {
    const r = testRouter();
    await new TrainingWatcher(r).start();
    const twin = new TrainingWatcher(r);
    await expect(twin.start()).rejects.toThrow(/TrainingWatcher:TRAINING_COMPLETED.*already subscribed/);
    expect(twin.isRunning).toBe(false);
    expect(r.getSubscriptionCount()).toEqual({ TRAINING_COMPLETED: 1, TRAINING_STARTED: 1 });
    await r.close();
  });

  it('counts successes, errors and dead letters, and reports health', async () => {
    const r = testRouter();
    const h = new TrainingWatcher(r);
    expect(h.healthCheck()).toMatchObject({ healthy: false, running: false, message: 'not running' });
    await h.start();
    await r.publish('TRAINING_COMPLETED', payload);
    h.failNext = 5;
    for (let i = 0; i < 5; i++) await r.publish('TRAINING_COMPLETED', { ...payload, model_path: `m${i}.pth` });
    await r.drain();
    const health = h.healthCheck();
    expect(health).toMatchObject({
      name: 'TrainingWatcher',
      healthy: false,
      running: true,
      subscriptions: 2,
      eventsProcessed: 1,
      errorCount: 5,
      deadLettered: 5,
      consecutiveFailures: 5,
      lastError: 'cannot evaluate',
    });
    expect(health.message).toMatch(/5 consecutive failures/);
    await r.publish('TRAINING_COMPLETED', { ...payload, model_path: 'ok.pth' });
    expect(h.healthCheck()).toMatchObject({ healthy: true, consecutiveFailures: 0, eventsProcessed: 2, message: 'ok' });
    expect(h.healthCheck().lastEventAt).toMatch(/^\d{4}-/);
    await r.close();
  });

  it("counts health per subscription: one subscription's successes do not hide another's failures", async () => {
    const r = testRouter();
    const h = new TrainingWatcher(r);
    await h.start();
    for (let i = 0; i < 5; i++) {
      h.failNext = 1; // TRAINING_COMPLETED fails every time…
      await r.publish('TRAINING_COMPLETED', { ...payload, model_path: `m${i}.pth` });
      await r.publish('TRAINING_STARTED', { config_key: `c${i}` }); // …while TRAINING_STARTED succeeds in between
    }
    await r.drain();
    const health = h.healthCheck();
    expect(health.healthy).toBe(false);
    expect(health.consecutiveFailures).toBe(5);
    expect(health.message).toBe('TrainingWatcher:TRAINING_COMPLETED: 5 consecutive failures (last: cannot evaluate)');
    expect(health.bySubscription).toEqual([
      expect.objectContaining({ name: 'TrainingWatcher:TRAINING_COMPLETED', event: 'TRAINING_COMPLETED', healthy: false, eventsProcessed: 0, errorCount: 5, deadLettered: 5, consecutiveFailures: 5 }),
      expect.objectContaining({ name: 'TrainingWatcher:TRAINING_STARTED', event: 'TRAINING_STARTED', healthy: true, eventsProcessed: 5, errorCount: 0, consecutiveFailures: 0 }),
    ]);
    expect(health).toMatchObject({ eventsProcessed: 5, errorCount: 5, deadLettered: 5 });
    await r.close();
  });

  it('DLQ entries parked for a handler are replayed to it after a restart', async () => {
    const r = testRouter();
    const h = new TrainingWatcher(r);
    await h.start();
    h.failNext = 1;
    await r.publish('TRAINING_COMPLETED', payload);
    await r.drain();
    await h.stop();
    expect(await r.replayDlqEvents()).toMatchObject({ skipped: 1 });
    await h.start();
    expect(await r.replayDlqEvents()).toMatchObject({ recovered: 1 });
    expect(h.completed).toEqual(['hex8_2p']);
    await r.close();
  });

  it('without a router and none created yet, says which HandlerBase starts on its own', async () => {
    const h = new TrainingWatcher();
    await expect(h.start()).rejects.toThrow(
      `HandlerBase "TrainingWatcher": no router to subscribe on. Extend the HandlerBase of your generated catalog module (import { HandlerBase } from 'ringrift-events'), which starts on the catalog's process-wide router, or pass { router }`,
    );
    expect(h.isRunning).toBe(false);
  });

  it('uses the process-wide router by default', async () => {
    const router = getRouter({ registry: testRegistry(), trace: false });
    const h = new TrainingWatcher();
    await h.start();
    await router.publish('training_completed', payload);
    expect(h.completed).toEqual(['hex8_2p']);
  });
});
