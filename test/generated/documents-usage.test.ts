/**
 * The reference documents' own examples, written as they are there, over the
 * generated catalog and the process-wide router.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DataEventType, HandlerBase, emitTrainingCompleted, type EventPayloadMap } from '../../generated/index.js';
import { resetRouter } from '../../runtime/default-router.js';
import type { EventEnvelope } from '../../runtime/envelope.js';
import type { SubscriptionMap } from '../../runtime/handler-base.js';

const trained: EventPayloadMap['TRAINING_COMPLETED'] = {
  config_key: 'hex8_2p',
  board_type: 'hex8',
  num_players: 2,
  model_path: '/path/to/model.pth',
  epochs: 50,
  final_loss: 0.042,
  samples_trained: 85_000,
};

afterEach(async () => {
  await resetRouter();
});

describe('HandlerBase as EVENT_SYSTEM_REFERENCE.md writes it', () => {
  class MyHandler extends HandlerBase {
    readonly seen: string[] = [];

    constructor() {
      super('MyHandler');
    }

    getSubscriptions(): SubscriptionMap {
      return {
        [DataEventType.TRAINING_COMPLETED]: this.onTrainingCompleted,
        [DataEventType.EVALUATION_COMPLETED]: this.onEvaluationCompleted,
      };
    }

    private async onTrainingCompleted(event: EventEnvelope<EventPayloadMap['TRAINING_COMPLETED']>): Promise<void> {
      this.seen.push(`trained ${event.data.config_key}`);
    }

    private async onEvaluationCompleted(): Promise<void> {
      this.seen.push('evaluated');
    }
  }

  it('starts before any emitter with nothing else called first, then receives what the emitters publish', async () => {
    const handler = new MyHandler();
    await handler.start(); // subscribers start before emitters; nothing created the router before this line
    await emitTrainingCompleted(trained, { source: 'TrainingCoordinator' });
    expect(handler.seen).toEqual(['trained hex8_2p']);
    expect(handler.healthCheck()).toMatchObject({ healthy: true, eventsProcessed: 1 });
    await handler.stop();
  });
});
