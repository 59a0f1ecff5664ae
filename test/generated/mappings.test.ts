/** Name translation: every spelling of an event resolves to it, and the documented mappings hold. */
import { describe, expect, it } from 'vitest';
import * as g from '../../generated/index.js';
import { buildCatalog } from '../../generator/catalog/build.js';
import { spellingsOf } from '../../generator/catalog/model.js';
import { readCatalogDir } from '../../generator/io.js';
import { ROOT } from '../helpers/cli.js';
import { minimal } from '../helpers/fixture.js';

const catalogModel = (() => {
  const built = buildCatalog(readCatalogDir(`${ROOT}catalog`));
  if (!built.ok) throw new Error(built.problems.map((p) => p.message).join('\n'));
  return built.model;
})();

describe('resolveEvent', () => {
  it('resolves the name, value, topic, stage and cross-process name of every event to it', () => {
    for (const name of g.EVENT_NAMES) {
      const meta = g.EVENT_METADATA[name];
      const spellings = [name, meta.value, meta.topic, meta.stage, meta.stage?.toUpperCase(), meta.crossProcess].filter((s): s is string => !!s);
      for (const s of spellings) expect(g.resolveEvent(s), `${s} → ${name}`).toBe(name);
    }
  });

  it('resolves the spellings the documents use for one event', () => {
    expect(g.resolveEvent('training_complete')).toBe('TRAINING_COMPLETED'); // stage name
    expect(g.resolveEvent('TRAINING_COMPLETE')).toBe('TRAINING_COMPLETED'); // StageEvent enum name
    expect(g.resolveEvent('training.completed')).toBe('TRAINING_COMPLETED'); // topic
    expect(g.resolveEvent('new_games')).toBe('NEW_GAMES_AVAILABLE'); // value
    expect(g.resolveEvent('data.new_games')).toBe('NEW_GAMES_AVAILABLE');
    expect(g.resolveEvent('SYNC_COMPLETED')).toBe('DATA_SYNC_COMPLETED'); // listed spelling
    expect(g.resolveEvent('cluster.node_left')).toBe('HOST_OFFLINE');
    expect(minimal.resolveEvent('JOB_FINISHED')).toBe('JOB_DONE');
  });

  it('resolves nothing else, not even inherited object keys', () => {
    for (const s of ['', 'training', 'TRAINING', 'training.*', '__proto__', 'constructor', 'toString', 'Training_Completed']) {
      expect(g.resolveEvent(s), s).toBeUndefined();
    }
  });

  it('maps every spelling the catalog gives an event to that event, and nothing else', () => {
    const expected: Record<string, string> = {};
    for (const event of catalogModel.events) for (const { spelling } of spellingsOf(event)) expected[spelling] = event.name;
    expect({ ...g.SPELLING_TO_EVENT }).toEqual(expected);
    // Had two events one spelling, the later would have taken it from the earlier.
    const all = catalogModel.events.flatMap((e) => spellingsOf(e).map((s) => s.spelling));
    expect(Object.keys(expected)).toHaveLength(all.length);
  });
});

describe('mapping tables', () => {
  it('translate as EVENT_SYSTEM_GUIDE.md shows', () => {
    expect(g.getDataEventType('training_complete')).toBe('training_completed');
    expect(g.getCrossProcessEventType('training_completed')).toBe('TRAINING_COMPLETED');
    expect(g.STAGE_TO_CROSS_PROCESS_MAP.evaluation_complete).toBe('EVALUATION_COMPLETED');
    expect(g.getDataEventTypeFromCrossProcess('MODEL_PROMOTED')).toBe('model_promoted');
    expect(g.getDataEventType('no_such_stage')).toBeUndefined();
    expect(g.getCrossProcessEventType('hasOwnProperty')).toBeUndefined();
  });

  it('are inverses of each other', () => {
    const inverse = (m: Readonly<Record<string, string>>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [v, k]));
    expect(inverse(g.STAGE_TO_DATA_EVENT_MAP)).toEqual(g.DATA_TO_STAGE_EVENT_MAP);
    expect(inverse(g.DATA_TO_CROSS_PROCESS_MAP)).toEqual(g.CROSS_PROCESS_TO_DATA_MAP);
    expect(inverse(g.STAGE_TO_CROSS_PROCESS_MAP)).toEqual(g.CROSS_PROCESS_TO_STAGE_MAP);
  });

  it('agree with the enums: one entry per staged or cross-process event', () => {
    expect(Object.values(g.StageEvent).sort()).toEqual(Object.keys(g.STAGE_TO_DATA_EVENT_MAP).sort());
    expect(Object.values(g.CrossProcessEventType).sort()).toEqual(Object.keys(g.CROSS_PROCESS_TO_DATA_MAP).sort());
    for (const [stage, cp] of Object.entries(g.STAGE_TO_CROSS_PROCESS_MAP)) {
      expect(g.getCrossProcessEventType(g.getDataEventType(stage)!)).toBe(cp);
    }
  });

  it('the enums are sorted const objects with matching unions', () => {
    const names = Object.keys(g.DataEventType);
    expect(names).toEqual([...names].sort());
    expect(g.EVENT_NAMES).toEqual(names);
    expect(names.length).toBeGreaterThanOrEqual(120);
    const value: g.DataEventType = g.DataEventType.TRAINING_COMPLETED;
    expect(value).toBe('training_completed');
    expect(g.EventTopic.TRAINING_COMPLETED).toBe('training.completed');
    expect(g.StageEvent.TRAINING_COMPLETE).toBe('training_complete');
  });
});
