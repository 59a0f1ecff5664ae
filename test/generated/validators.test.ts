/** The ahead-of-time validators: verdicts, messages naming event and field, and loading through Node's real ESM loader. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as g from '../../generated/index.js';
import { TEST_PACKAGE } from '../helpers/app.js';
import { run } from '../helpers/process.js';
import { minimal } from '../helpers/fixture.js';


// The examples of EVENT_PAYLOAD_SCHEMAS.md, verbatim.
const EXAMPLES = {
  TRAINING_COMPLETED: {
    config_key: 'hex8_2p', board_type: 'hex8', num_players: 2, model_path: '/models/canonical_hex8_2p.pth', epochs: 50,
    final_loss: 0.0423, samples_trained: 85000, job_id: 'train_hex8_2p_1704100200', duration_seconds: 1832.5, early_stopped: true,
  },
  EVALUATION_COMPLETED: {
    config_key: 'hex8_2p', board_type: 'hex8', num_players: 2, model_path: '/models/canonical_hex8_2p.pth', elo: 1650.5,
    games_played: 100, win_rate: 0.72, is_multi_harness: true,
    harness_results: { gumbel_mcts: { elo: 1650, games: 50 }, minimax: { elo: 1580, games: 50 } }, best_harness: 'gumbel_mcts',
  },
  MODEL_PROMOTED: {
    config_key: 'hex8_2p', model_path: '/models/canonical_hex8_2p.pth', previous_elo: 1580.0, new_elo: 1650.5, elo_delta: 70.5,
    promoted_at: '2025-12-30T14:32:00Z', supersedes: '/models/canonical_hex8_2p_v41.pth',
  },
  TRAINING_THRESHOLD_REACHED: { config_key: 'hex8_2p', sample_count: 50000, threshold: 5000, quality_score: 0.85, triggered_at: '2025-12-30T10:15:00Z' },
  SELFPLAY_COMPLETE: { config_key: 'hex8_2p', games_completed: 100, total_games: 5000, node_id: 'vast-4090-1', model_id: 'canonical_hex8_2p', duration_seconds: 180.5, games_per_second: 0.55 },
  NEW_GAMES_AVAILABLE: { host: 'runpod-h100', new_games: 500, config_key: 'hex8_2p', database_path: '/data/games/selfplay_hex8_2p.db' },
  CURRICULUM_REBALANCED: {
    weights: { hex8_2p: 0.25, hex8_4p: 0.15, square8_2p: 0.3, square8_4p: 0.3 }, trigger: 'elo_velocity_update',
    previous_weights: { hex8_2p: 0.2, hex8_4p: 0.2, square8_2p: 0.3, square8_4p: 0.3 },
  },
  ELO_UPDATED: { config_key: 'hex8_2p', model_id: 'canonical_hex8_2p', new_elo: 1675.0, previous_elo: 1650.0, elo_delta: 25.0, games_played: 50 },
  HEALTH_CHECK_FAILED: { node_id: 'vast-4090-1', reason: 'connection_timeout', consecutive_failures: 3, last_success: '2025-12-30T10:00:00Z' },
  NODE_RECOVERED: { node_id: 'vast-4090-1', downtime_seconds: 300.0, recovery_action: 'automatic_restart' },
  MEMORY_PRESSURE: { node_id: 'runpod-h100', memory_type: 'gpu', usage_percent: 87.5, threshold: 85.0, recommended_action: 'pause_spawning' },
  REGRESSION_DETECTED: { config_key: 'hex8_2p', model_path: '/models/candidate_hex8_2p.pth', severity: 'moderate', elo_drop: -45.0, baseline_elo: 1650.0, current_elo: 1605.0 },
  WORK_QUEUED: { work_id: 'selfplay-hex8-2p-1704100200', work_type: 'selfplay', config_key: 'hex8_2p', priority: 100, estimated_duration: 3600.0 },
  WORK_COMPLETED: { work_id: 'selfplay-hex8-2p-1704100200', work_type: 'selfplay', node_id: 'vast-4090-1', duration_seconds: 3200.0, result: { games_completed: 500 } },
  NPZ_COMBINATION_COMPLETE: { config_key: 'hex8_2p', output_path: '/data/training/hex8_2p_combined.npz', source_files: 5, total_samples: 250000, quality_weighted: true },
  SYNC_REQUEST: { targets: ['nebius-h100-1'], data_type: 'models', reason: 'post_training_distribution', priority: 'high' },
} as const;

describe('validatePayload', () => {
  it.each(Object.entries(EXAMPLES))('accepts the documented example of %s', (event, payload) => {
    expect(g.validatePayload(event as g.EventName, payload)).toEqual({ ok: true });
  });

  it('names every missing required field', () => {
    const result = g.validatePayload('TRAINING_COMPLETED', { config_key: 'hex8_2p' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.field).sort()).toEqual(['board_type', 'epochs', 'final_loss', 'model_path', 'num_players', 'samples_trained']);
    expect(result.issues[0]!.message).toBe('is required');
  });

  it('names a wrong type, a bad enum value, a bad config key and a bad date', () => {
    const result = minimal.validatePayload('JOB_DONE', {
      config_key: 'hex8_3p', model_path: '/m', epochs: 1.5, kind: 'medium', started_at: 'yesterday', tags: ['a', 2], weights: { a: 'x' },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.fromEntries(result.issues.map((i) => [i.field, i.message]))).toEqual({
      config_key: expect.stringContaining('must match pattern'),
      epochs: 'must be integer',
      kind: 'must be one of "fast", "slow"',
      started_at: expect.stringContaining('must match pattern'),
      'tags.1': 'must be string',
      'weights.a': 'must be number',
    });
  });

  it('accepts null only where the catalog says nullable, and extra fields', () => {
    const base = { config_key: 'hex8_2p', model_path: '/m', epochs: 1 };
    expect(minimal.validatePayload('JOB_DONE', { ...base, loss: null, extra: true })).toEqual({ ok: true });
    expect(minimal.validatePayload('JOB_DONE', { ...base, kind: null }).ok).toBe(false);
  });

  it('flags a field still under its alias name, so strict callers learn the canonical name', () => {
    const result = minimal.validatePayload('JOB_DONE', { config_key: 'hex8_2p', model_path: '/m', epochs: 1, path: '/m' });
    expect(result).toEqual({ ok: false, issues: [{ field: 'path', message: expect.stringContaining('is an alias') }] });
  });

  it('assertPayload throws an error whose message names the event and the fields', () => {
    expect(() => g.assertPayload('MODEL_PROMOTED', { config_key: 'hex8_2p' })).toThrow(
      'invalid MODEL_PROMOTED payload: field "model_path" is required; field "new_elo" is required',
    );
  });

  it('an event known only by name accepts any payload of common fields', () => {
    expect(minimal.validatePayload('JOB_ODD', { timestamp: 1, source: 'x', anything: [1] })).toEqual({ ok: true });
    expect(minimal.validatePayload('JOB_ODD', { timestamp: true }).ok).toBe(false);
  });
});

describe('the validators module after a plain tsc build, under the real ESM loader', () => {
  it('is an ES module that plain Node imports from the built package, and it validates', async () => {
    const script = `
      import * as validators from ${JSON.stringify(join(TEST_PACKAGE, 'dist/generated/validators.js'))};
      const ok = validators.TRAINING_COMPLETED(${JSON.stringify(EXAMPLES.TRAINING_COMPLETED)});
      const bad = validators.TRAINING_COMPLETED({});
      console.log(JSON.stringify({ ok, bad, n: Object.keys(validators).length, missing: validators.TRAINING_COMPLETED.errors.length }));
    `;
    const r = await run(process.execPath, ['--input-type=module', '-e', script]);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ ok: true, bad: false, n: g.EVENT_NAMES.length, missing: 7 });
  });
});
