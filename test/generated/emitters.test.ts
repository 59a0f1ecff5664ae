/** The typed emitters publish the right event, with the right payload, through the router. */
import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../runtime/index.js';
import * as g from '../../generated/index.js';
import { buildCatalog } from '../../generator/catalog/build.js';
import { camelCase } from '../../generator/catalog/naming.js';
import { readCatalogDir } from '../../generator/io.js';
import { ROOT } from '../helpers/cli.js';
import { fixtureRouter, minimal } from '../helpers/fixture.js';

const catalogModel = (() => {
  const built = buildCatalog(readCatalogDir(`${ROOT}catalog`));
  if (!built.ok) throw new Error(built.problems.map((p) => p.message).join('\n'));
  return built.model;
})();

const done = { config_key: 'hex8_2p', model_path: '/m.pth', epochs: 3 } as const;

function recorder(router: ReturnType<typeof fixtureRouter>) {
  const seen: EventEnvelope[] = [];
  router.subscribe('job.*', (e) => void seen.push(e));
  return seen;
}

describe('generated emitters', () => {
  it('a per-event emitter publishes its event with the envelope options', async () => {
    const router = fixtureRouter();
    const seen = recorder(router);
    const result = await minimal.emitJobStarted({ job_id: 'j1' }, { router, source: 'Worker', id: 'evt-1' });
    expect(result.envelope).toMatchObject({ type: 'JOB_STARTED', id: 'evt-1', source: 'Worker', data: { job_id: 'j1', source: 'Worker' } });
    expect(seen.map((e) => e.type)).toEqual(['JOB_STARTED']);
    // CloudEvents dataschema: the $id of the payload's published JSON Schema.
    expect(result.envelope.dataschema).toBe(minimal.SCHEMA_IDS.JOB_STARTED);
    expect(result.envelope.dataschema).toBe('https://example.test/schemas/job_started.json');
  });

  it('a named emitter publishes the event the catalog gives it', async () => {
    const router = fixtureRouter();
    const seen = recorder(router);
    await minimal.emitJobComplete(done, { router });
    expect(seen.map((e) => e.type)).toEqual(['JOB_DONE']);
  });

  it('a selecting emitter picks the event from its argument and keeps it when the payload has that field', async () => {
    const router = fixtureRouter();
    const seen = recorder(router);
    await minimal.emitJobDone({ ...done, kind: 'fast' }, { router });
    await minimal.emitJobDone({ ...done }, { router }); // default case
    expect(seen.map((e) => [e.type, e.data.kind])).toEqual([
      ['JOB_DONE_FAST', 'fast'],
      ['JOB_DONE', 'slow'],
    ]);
  });

  it('a selecting emitter drops an argument that is not a payload field', async () => {
    const router = fixtureRouter();
    const seen = recorder(router);
    await minimal.emitJobKickedOff({ mode: 'normal', job_id: 'j2' }, { router });
    expect(seen[0]!.type).toBe('JOB_STARTED');
    expect(seen[0]!.data).not.toHaveProperty('mode');
  });

  it('a selecting emitter rejects an unknown case, naming it and the choices', async () => {
    const router = fixtureRouter();
    await expect(minimal.emitJobKickedOff({ mode: 'sideways' } as never, { router })).rejects.toThrow(
      'emitJobKickedOff: unknown mode "sideways"; expected one of normal, odd',
    );
  });

  it('an emitter rejects an invalid payload naming the event and the field', async () => {
    const router = fixtureRouter();
    await expect(minimal.emitJobStarted({} as never, { router })).rejects.toThrow(/JOB_STARTED.*job_id/);
  });

  it('the real catalog has all 36 documented emit functions', () => {
    const documented = [
      'emitBackpressureActivated', 'emitBackpressureReleased', 'emitCacheInvalidated', 'emitCoordinatorHealthDegraded',
      'emitCoordinatorHeartbeat', 'emitCoordinatorShutdown', 'emitCurriculumRebalanced', 'emitEvaluationComplete',
      'emitGameQualityScore', 'emitHandlerFailed', 'emitHandlerTimeout', 'emitHostOffline', 'emitHostOnline',
      'emitHyperparameterUpdated', 'emitModelCorrupted', 'emitModelPromoted', 'emitNewGames', 'emitNodeRecovered',
      'emitNpzExportComplete', 'emitOptimizationTriggered', 'emitPlateauDetected', 'emitPromotionComplete',
      'emitQualityUpdated', 'emitRegressionDetected', 'emitSelfplayComplete', 'emitSyncComplete', 'emitSyncCompleted',
      'emitTaskAbandoned', 'emitTaskOrphaned', 'emitTrainingComplete', 'emitTrainingCompleted', 'emitTrainingFailed',
      'emitTrainingRollbackCompleted', 'emitTrainingRollbackNeeded', 'emitTrainingStarted', 'emitTrainingTriggered',
    ];
    // The catalog's named emitters are exactly the documented ones.
    expect(catalogModel.emitters.map((e) => camelCase(e.name)).sort()).toEqual(documented);
    const exported = g as unknown as Record<string, unknown>;
    expect(documented.filter((name) => typeof exported[name] !== 'function')).toEqual([]);
    // …plus one emitter per event.
    const perEvent = g.EVENT_NAMES.map((n) => `emit${n.toLowerCase().replace(/(^|_)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase())}`);
    expect(perEvent.filter((name) => typeof exported[name] !== 'function')).toEqual([]);
  });

  it('emitSelfplayComplete(selfplay_type=…) and emitOptimizationTriggered(optimization_type=…) pick their events', async () => {
    const router = g.getRouter({}); // the process-wide router bound to the real catalog
    const types: string[] = [];
    const off = router.subscribe('selfplay.*', (e) => void types.push(e.type));
    const off2 = router.subscribe('optimization.*', (e) => void types.push(e.type));
    await g.emitSelfplayComplete({ selfplay_type: 'gpu_accelerated', config_key: 'hex8_2p', games_completed: 10, node_id: 'a' });
    await g.emitSelfplayComplete({ selfplay_type: 'canonical', config_key: 'hex8_2p', games_completed: 10, node_id: 'b' });
    await g.emitSelfplayComplete({ config_key: 'hex8_2p', games_completed: 10, node_id: 'c' });
    await g.emitOptimizationTriggered({ optimization_type: 'cmaes', run_id: 'r1' });
    await g.emitOptimizationTriggered({ optimization_type: 'nas', run_id: 'r2' });
    off();
    off2();
    expect(types).toEqual(['GPU_SELFPLAY_COMPLETE', 'CANONICAL_SELFPLAY_COMPLETE', 'SELFPLAY_COMPLETE', 'CMAES_TRIGGERED', 'NAS_TRIGGERED']);
  });
});
