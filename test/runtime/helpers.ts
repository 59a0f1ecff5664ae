/**
 * Hand-written event definitions for runtime tests: a tiny validator and the
 * registry's own alias renaming, so the tests do not depend on generated code.
 */
import {
  createRegistry,
  renameAliases,
  type DedupPolicy,
  type EventDefinition,
  type EventRegistry,
  type PayloadIssue,
} from '../../runtime/registry.js';
import { createRouter, type Router, type RouterOptions } from '../../runtime/router.js';
import type { Logger } from '../../runtime/logger.js';
import { closeAfterEach } from '../helpers/close-after-each.js';

export type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | 'any';

export interface FieldSpec {
  readonly type: FieldType | readonly FieldType[];
  readonly required?: boolean;
  readonly aliases?: readonly string[];
  readonly enum?: readonly unknown[];
}

export interface EventSpec {
  readonly value?: string;
  readonly topic?: string;
  readonly stage?: string;
  readonly crossProcess?: string;
  readonly category?: string;
  readonly dedup?: DedupPolicy;
  readonly fields?: Readonly<Record<string, FieldSpec>>;
}

function typeOk(type: FieldType, v: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return Number.isInteger(v);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'object':
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    case 'array':
      return Array.isArray(v);
    case 'any':
      return true;
  }
}

export function defineEvent(name: string, spec: EventSpec = {}): EventDefinition {
  const value = spec.value ?? name.toLowerCase();
  const fields = spec.fields ?? {};
  const aliases: Record<string, string> = {};
  for (const [field, f] of Object.entries(fields)) for (const a of f.aliases ?? []) aliases[a] = field;
  const common: Record<string, FieldSpec> = { timestamp: { type: ['string', 'number'] }, source: { type: 'string' }, trace_id: { type: 'string' } };
  const all = { ...common, ...fields };
  return {
    name,
    value,
    topic: spec.topic ?? value.replace('_', '.'),
    ...(spec.stage ? { stage: spec.stage } : {}),
    ...(spec.crossProcess ? { crossProcess: spec.crossProcess } : {}),
    category: spec.category ?? 'test',
    dedup: spec.dedup ?? { kind: 'none' },
    requiredFields: Object.entries(fields)
      .filter(([, f]) => f.required)
      .map(([k]) => k),
    validate(payload) {
      if (payload === null || typeof payload !== 'object') return { ok: false, issues: [{ field: '', message: 'must be an object' }] };
      const p = payload as Record<string, unknown>;
      const issues: PayloadIssue[] = [];
      for (const [field, f] of Object.entries(all)) {
        const v = p[field];
        if (v === undefined) {
          if (f.required) issues.push({ field, message: 'is required' });
          continue;
        }
        const types = typeof f.type === 'string' ? [f.type] : f.type;
        if (!types.some((t) => typeOk(t as FieldType, v))) issues.push({ field, message: `must be ${types.join(' or ')}` });
        else if (f.enum && !f.enum.includes(v)) issues.push({ field, message: `must be one of ${f.enum.join(', ')}` });
      }
      return issues.length ? { ok: false, issues } : { ok: true };
    },
    normalize: (payload) => renameAliases(aliases, payload),
  };
}

const configKey: FieldSpec = { type: 'string', required: true, aliases: ['config'] };

/** A small catalog shaped like the real one (names, values, topics, stages, cross-process names, aliases, dedup policies). */
export const TEST_EVENTS: readonly EventDefinition[] = [
  defineEvent('TRAINING_COMPLETED', {
    topic: 'training.completed',
    stage: 'training_complete',
    crossProcess: 'TRAINING_COMPLETED',
    dedup: { kind: 'fields', fields: ['config_key', 'model_path'] },
    fields: {
      config_key: configKey,
      model_path: { type: 'string', required: true, aliases: ['checkpoint_path', 'path'] },
      final_loss: { type: 'number', aliases: ['loss'] },
      epochs: { type: 'integer', aliases: ['epochs_trained', 'epochs_completed'] },
    },
  }),
  defineEvent('TRAINING_STARTED', { topic: 'training.started', crossProcess: 'TRAINING_STARTED', dedup: { kind: 'payload' }, fields: { config_key: configKey, job_id: { type: 'string' } } }),
  defineEvent('TRAINING_FAILED', { topic: 'training.failed', fields: { config_key: configKey, error: { type: 'string' } } }),
  defineEvent('NEW_GAMES_AVAILABLE', { value: 'new_games', topic: 'data.new_games', fields: { config_key: configKey, game_count: { type: 'integer', required: true } } }),
  defineEvent('SELFPLAY_COMPLETE', {
    topic: 'selfplay.complete',
    stage: 'selfplay_complete',
    dedup: { kind: 'payload' },
    fields: { config_key: configKey, games_generated: { type: 'integer' } },
  }),
  defineEvent('EVALUATION_COMPLETED', {
    topic: 'evaluation.completed',
    stage: 'evaluation_complete',
    crossProcess: 'EVALUATION_COMPLETED',
    fields: { config_key: configKey, elo_delta: { type: 'number' }, games_played: { type: 'integer', aliases: ['games'] } },
  }),
  defineEvent('HOST_OFFLINE', { topic: 'cluster.host_offline', crossProcess: 'HOST_OFFLINE', dedup: { kind: 'none' }, fields: { node_id: { type: 'string', required: true } } }),
  defineEvent('HOST_ONLINE', { topic: 'cluster.host_online', fields: { node_id: { type: 'string', required: true } } }),
  defineEvent('HANDLER_FAILED', {
    topic: 'handler.failed',
    fields: {
      handler_name: { type: 'string', required: true },
      event_type: { type: 'string', required: true },
      event_id: { type: 'string', required: true },
      error: { type: 'string', required: true },
      attempt: { type: 'integer', required: true },
      coordinator: { type: 'string' },
    },
  }),
  defineEvent('HANDLER_TIMEOUT', {
    topic: 'handler.timeout',
    fields: {
      handler_name: { type: 'string', required: true },
      event_type: { type: 'string', required: true },
      event_id: { type: 'string', required: true },
      timeout_seconds: { type: 'number', required: true },
      error: { type: 'string', required: true },
      attempt: { type: 'integer' },
      coordinator: { type: 'string' },
    },
  }),
];

/** Extra spellings as the generated table would list them. */
export const TEST_SPELLINGS: Readonly<Record<string, string>> = {
  training_completed: 'TRAINING_COMPLETED',
  'training.completed': 'TRAINING_COMPLETED',
  training_complete: 'TRAINING_COMPLETED',
  TRAINING_COMPLETE: 'TRAINING_COMPLETED',
  training_started: 'TRAINING_STARTED',
  'training.started': 'TRAINING_STARTED',
  training_failed: 'TRAINING_FAILED',
  new_games: 'NEW_GAMES_AVAILABLE',
  'data.new_games': 'NEW_GAMES_AVAILABLE',
  selfplay_complete: 'SELFPLAY_COMPLETE',
  evaluation_completed: 'EVALUATION_COMPLETED',
  evaluation_complete: 'EVALUATION_COMPLETED',
  host_offline: 'HOST_OFFLINE',
  host_online: 'HOST_ONLINE',
  handler_failed: 'HANDLER_FAILED',
  handler_timeout: 'HANDLER_TIMEOUT',
};

export function testRegistry(events: readonly EventDefinition[] = TEST_EVENTS, spellings = TEST_SPELLINGS): EventRegistry {
  const names = new Set(events.map((e) => e.name));
  return createRegistry(events, Object.fromEntries(Object.entries(spellings).filter(([, n]) => names.has(n))));
}

export interface CapturedLog {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  /** The structured fields passed with the message (e.g. the event id), if any. */
  readonly meta?: Record<string, unknown>;
}

export function captureLogger(): Logger & { readonly lines: CapturedLog[]; messages(level?: CapturedLog['level']): string[] } {
  const lines: CapturedLog[] = [];
  const log = (level: CapturedLog['level']) => (message: string, meta?: Record<string, unknown>) => {
    lines.push(meta === undefined ? { level, message } : { level, message, meta });
  };
  return {
    lines,
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    messages: (level) => lines.filter((l) => level === undefined || l.level === level).map((l) => l.message),
  };
}

/** `testRouter` with these defaults; each router it makes is closed after the test (one afterEach in the calling file). */
export function testRouters(defaults: Partial<RouterOptions> = {}): (options?: Partial<RouterOptions>) => TestRouter {
  const keep = closeAfterEach<TestRouter>();
  return (options = {}) => keep(testRouter({ ...defaults, ...options }));
}

export type TestRouter = Router & { readonly log: ReturnType<typeof captureLogger> };

/** A router over the test registry with a capturing logger and fast retries. */
export function testRouter(options: Partial<RouterOptions> = {}): TestRouter {
  const log = captureLogger();
  const router = createRouter({ registry: testRegistry(), logger: log, trace: false, retry: { attempts: 3, baseDelayMs: 1 }, ...options });
  return Object.assign(router, { log });
}

export const trainingPayload = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  config_key: 'hex8_2p',
  model_path: 'models/canonical_hex8_2p.pth',
  final_loss: 0.234,
  epochs: 50,
  ...over,
});

/** Resolves after `ms` real milliseconds. */
export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A promise and its resolve function. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
