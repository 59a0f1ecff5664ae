/**
 * The reference documents' own examples, written as they are there, over the
 * generated catalog and the process-wide router.
 */
import { format } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DataEventType,
  HandlerBase,
  REGISTRY,
  emitTrainingCompleted,
  extractConfigKey,
  extractModelPath,
  extractTrainingData,
  getRouter,
  normalizePayload,
  type EventName,
  type EventPayloadMap,
} from '../../generated/index.js';
import { EventValidationError, PatternSyntaxError, UnknownEventError } from '../../runtime/errors.js';
import { captureLogger } from '../runtime/helpers.js';
import { globEquivalent } from '../../runtime/bus.js';
import { silentLogger } from '../../runtime/logger.js';
import { createRouter } from '../../runtime/router.js';
import { untypedRouter } from '../../runtime/typed-router.js';
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

describe("the guide's pattern form (EVENT_SYSTEM_GUIDE.md, `training\\..*`)", () => {
  it('is refused with a message that says patterns are globs and gives the equivalent glob', async () => {
    // The typed router refuses it at compile time; a caller without types gets this at run time.
    const router = untypedRouter(getRouter({ logger: silentLogger }));
    const subscribe = () => router.subscribe('training\\..*', () => undefined);
    expect(subscribe).toThrow(PatternSyntaxError);
    expect(subscribe).toThrow('pattern "training\\\\..*" is a regular expression; patterns are globs (* matches any run of characters, dots included): use "training.*"');
    // The same in every place that takes a pattern, and the glob it names works.
    expect(() => router.getHistory({ topic: '^training\\.(completed|failed)$' })).toThrow(/no glob equivalent/);
    const seen: string[] = [];
    router.subscribe('training.*', (e) => void seen.push(e.type));
    await emitTrainingCompleted(trained);
    expect(seen).toEqual(['TRAINING_COMPLETED']);
  });

  it('gives the glob of the simple regular expressions people write', () => {
    expect(globEquivalent('training\\..*')).toBe('training.*');
    expect(globEquivalent('^TRAINING_.+$')).toBe('TRAINING_*');
    expect(globEquivalent('.*')).toBe('*');
    expect(globEquivalent('^training.completed$')).toBe('training.completed');
    expect(globEquivalent('training\\.(completed|failed)')).toBeUndefined();
    expect(globEquivalent('node\\d+')).toBeUndefined();
  });

  it('a regular expression without a star is not taken for an unknown spelling', async () => {
    const router = createRouter({ registry: REGISTRY, logger: silentLogger });
    expect(() => router.subscribe('^training\\.completed$', () => undefined)).toThrow('use "training.completed"');
    await router.close();
  });
});

describe('RINGRIFT_EVENT_TRACE=1 (EVENT_SYSTEM_REFERENCE.md "Enable Event Tracing")', () => {
  class FeedbackLoopController extends HandlerBase {
    constructor() {
      super('FeedbackLoopController');
    }
    getSubscriptions(): SubscriptionMap {
      return { [DataEventType.TRAINING_COMPLETED]: this.onTrainingCompleted };
    }
    private onTrainingCompleted(): void {}
  }

  class DataPipelineOrchestrator extends HandlerBase {
    constructor() {
      super('DataPipelineOrchestrator');
    }
    getSubscriptions(): SubscriptionMap {
      return { training_complete: this.onTraining, 'training.*': this.onTraining }; // two subscriptions, one component
    }
    private onTraining(): void {}
  }

  it('prints the reference lines, one line each, naming components', async () => {
    const before = process.env.RINGRIFT_EVENT_TRACE;
    process.env.RINGRIFT_EVENT_TRACE = '1';
    const printed: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(format(...args)));
    try {
      const handlers = [new FeedbackLoopController(), new DataPipelineOrchestrator()];
      for (const h of handlers) await h.start();
      const unnamed = function anUnnamedWatcher(): void {};
      untypedRouter(getRouter()).subscribe('HOST_OFFLINE', unnamed);
      await emitTrainingCompleted(trained, { source: 'TrainingCoordinator' });
      await untypedRouter(getRouter()).publish('HOST_OFFLINE', { node_id: 'node-1' }, { source: 'P2POrchestrator' });
      for (const h of handlers) await h.stop();
    } finally {
      spy.mockRestore();
      if (before === undefined) delete process.env.RINGRIFT_EVENT_TRACE;
      else process.env.RINGRIFT_EVENT_TRACE = before;
    }
    for (const line of printed) expect(line).not.toContain('\n');
    // The ids and the trace context follow on the same line.
    const id = '(?: id=[0-9a-f-]{36})';
    const trace = '(?: traceparent=00-[0-9a-f]{32}-[0-9a-f]{16}-01)';
    expect(printed).toHaveLength(4);
    expect(printed[0]).toMatch(new RegExp(`^\\[EventRouter\\] Published: TRAINING_COMPLETED \\(source=TrainingCoordinator\\)${id}${trace}$`));
    expect(printed[1]).toMatch(new RegExp(`^\\[EventRouter\\] Delivered to: FeedbackLoopController, DataPipelineOrchestrator${id}$`));
    expect(printed[3]).toMatch(new RegExp(`^\\[EventRouter\\] Delivered to: anUnnamedWatcher${id}$`));
  });
});

describe('extractors (event_utils.py) on the payloads the documents show', () => {
  it('say when an alias and its canonical field disagree: an error naming both values (strict), a warning (lenient)', async () => {
    const disagreeing = { ...trained, loss: 0.5 }; // final_loss is 0.042
    expect(() => extractTrainingData(disagreeing)).toThrow(EventValidationError);
    expect(() => extractTrainingData(disagreeing)).toThrow('invalid TRAINING_COMPLETED payload: field "loss" 0.5 is an alias of "final_loss", which is 0.042: they disagree; "final_loss" is kept');
    const log = captureLogger();
    expect(extractTrainingData(disagreeing, { mode: 'lenient', logger: log }).final_loss).toBe(0.042);
    expect(log.messages('warn')).toEqual(['invalid TRAINING_COMPLETED payload: field "loss" 0.5 is an alias of "final_loss", which is 0.042: they disagree; "final_loss" is kept (lenient)']);

    const keys = { config_key: 'hex8_2p', config: 'square8_4p' };
    expect(() => extractConfigKey(keys)).toThrow('field "config" "square8_4p" disagrees with "config_key", which is "hex8_2p"');
    expect(extractConfigKey(keys, { mode: 'lenient', logger: log })).toBe('hex8_2p');
    expect(() => extractModelPath({ model_path: '/a.pth', checkpoint_path: '/b.pth' })).toThrow('field "checkpoint_path" "/b.pth" disagrees with "model_path", which is "/a.pth"');

    // The router says the same, with both values.
    const strict = createRouter({ registry: REGISTRY, logger: log });
    await expect(strict.publish('TRAINING_COMPLETED', disagreeing)).rejects.toThrow(EventValidationError);
    await expect(strict.publish('TRAINING_COMPLETED', disagreeing)).rejects.toThrow('field "loss" 0.5 is an alias of "final_loss", which is 0.042');
    const lenient = createRouter({ registry: REGISTRY, logger: log, mode: 'lenient' });
    await lenient.publish('TRAINING_COMPLETED', disagreeing);
    expect(log.messages('warn').at(-1)).toContain('field "loss" 0.5 is an alias of "final_loss", which is 0.042: they disagree; "final_loss" is kept');
    await Promise.all([strict.close(), lenient.close()]);
  });

  it("find a payload nested under data, payload or metadata, as the original's event objects carried it", () => {
    const dataEvent = { event_type: 'training_completed', payload: trained, timestamp: 1_733_000_000, source: 'TrainingCoordinator' };
    const cloudEvent = { specversion: '1.0', type: 'TRAINING_COMPLETED', id: '1', source: '/x', data: trained };
    const busEvent = { topic: 'training.completed', metadata: trained };
    const envelopeOfDataEvent = { specversion: '1.0', type: 'TRAINING_COMPLETED', id: '2', source: '/x', data: dataEvent };
    const stageResult = { stage: 'training_complete', success: true, board_type: 'hex8', num_players: 2, metadata: { model_path: '/m.pth' } };
    for (const event of [dataEvent, cloudEvent, busEvent, envelopeOfDataEvent]) {
      expect(extractTrainingData(event)).toMatchObject({ config_key: 'hex8_2p', model_path: '/path/to/model.pth', epochs: 50 });
    }
    expect(extractConfigKey(stageResult)).toBe('hex8_2p'); // the stage result's own fields are kept beside its metadata
    expect(extractModelPath(stageResult)).toBe('/m.pth');
    // A payload with a field of its own named metadata is a payload, not a wrapper.
    expect(extractConfigKey({ config_key: 'square8_2p', metadata: { note: 'rerun' } })).toBe('square8_2p');
  });

  it('normalizePayload of an unknown event names it; any spelling of a known one works', () => {
    expect(() => normalizePayload('TRAINING_COMPLETE_TYPO' as EventName, { loss: 1 })).toThrow(UnknownEventError);
    expect(() => normalizePayload('TRAINING_COMPLETE_TYPO' as EventName, { loss: 1 })).toThrow('unknown event "TRAINING_COMPLETE_TYPO"');
    expect(normalizePayload('training_complete' as EventName, { loss: 1 }).payload).toEqual({ final_loss: 1 });
  });
});

describe('replay({ since }) as the guide writes it (EVENT_SYSTEM_GUIDE.md "Event History")', () => {
  it('refuses a since given in seconds, as the Python original takes it, instead of reading it as milliseconds', async () => {
    const router = createRouter({ registry: REGISTRY, logger: silentLogger });
    await emitTrainingCompleted(trained, { router });
    const replayed: string[] = [];
    const handler = (e: EventEnvelope): void => void replayed.push(e.type);
    const anHourAgoInSeconds = Date.now() / 1000 - 3600; // time.time() - 3600
    await expect(router.replay({ handler, topic: 'training.completed', since: anHourAgoInSeconds })).rejects.toThrow(
      /since is epoch milliseconds .* reads as seconds since the epoch, as Python's time\.time\(\) gives: pass .* \* 1000/,
    );
    expect(replayed).toEqual([]);
    // In milliseconds, a Date or an ISO string it replays the last hour.
    expect(await router.replay({ handler, topic: 'training.completed', since: anHourAgoInSeconds * 1000 })).toBe(1);
    expect(await router.replay({ handler, topic: 'training.completed', since: new Date(Date.now() + 60_000) })).toBe(0);
    expect(replayed).toEqual(['TRAINING_COMPLETED']);
    await router.close();
  });
});
