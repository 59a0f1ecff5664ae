/**
 * The shared table of the parity tests: calls of the event_utils and
 * event_mappings helpers (snake_case names; the TypeScript side calls the
 * camelCase ones) with JSON arguments, and a validation corpus made from each
 * event's schema. Both languages run the same table and must agree on every
 * row: the value, or the error and its message.
 */
import type { JsonSchema } from '../../generator/emit/json-schema.js';

export type Call = readonly [fn: string, args: readonly unknown[]];

const TRAINING = { config_key: 'hex8_2p', board_type: 'hex8', num_players: 2, model_path: '/m.pth', epochs: 5, final_loss: 0.5, samples_trained: 100 };
const EVALUATION = { config_key: 'hex8_2p', board_type: 'hex8', num_players: 2, model_path: '/m.pth', elo: 1500, games_played: 10, win_rate: 0.5 };

const EVENT_OBJECTS: readonly unknown[] = [
  { data: { a: 1 } }, { payload: { b: 2 } }, { metadata: { c: 3 } }, { data: 5, payload: { x: 1 } }, { data: [1], metadata: { m: 1 } },
  { data: null, payload: null }, { a: 1 }, {}, [], 'text', null, 5, true, { data: { data: { deep: 1 } } },
];

const KEYS: readonly unknown[] = ['hex8_2p', 'square19_4p', 'hexagonal_3p', 'hex8_5p', 'hex8_2p\n', 'hex8_2', '', ' hex8_2p', 'HEX8_2p', 'hex8__2p', null, 5, ['hex8_2p'], { k: 1 }, true, 'é_2p', 'hex8_2p\u2028'];

export function normalizerCalls(spellings: readonly string[], stages: readonly string[], values: readonly string[], crossNames: readonly string[]): Call[] {
  const calls: Call[] = [];
  for (const e of EVENT_OBJECTS) calls.push(['normalize_event_payload', [e]]);
  for (const raw of [
    { config: 'hex8_2p' }, { config: 'a', config_key: 'b' }, { config: 'a', config_key: 'a' }, { path: '/a', checkpoint_path: '/b' }, { path: '/a', checkpoint_path: '/a' },
    { loss: 1, final_loss: 1 }, { loss: true, final_loss: 1 }, { loss: { a: [1, 2] }, final_loss: { a: [1, 2] } }, { samples: 3, epochs_trained: 2, other: 'kept' }, {},
  ]) {
    calls.push(['normalize_payload', ['TRAINING_COMPLETED', raw]], ['normalize_payload', ['HOST_OFFLINE', { ...raw, host_id: 'n1' }]]);
  }
  for (const k of KEYS) calls.push(['parse_config_key', [k]], ['try_parse_config_key', [k]], ['is_config_key', [k]]);
  for (const [b, n] of [['hex8', 2], ['square8', 4], ['hex9', 2], ['hex8', 5], ['hex8', '2'], ['hex8', true], [null, 2], ['hex8', 2.5], ['HEX8', 3], [['hex8'], 2]] as const) calls.push(['make_config_key', [b, n]]);
  for (const e of [
    { config_key: 'hex8_2p' }, { config: 'hex8_3p' }, { config_key: 'bad' }, { config_key: null, config: 'hex8_2p' }, { board_type: 'hex8', num_players: 2 },
    { board_type: 'hex8', num_players: '2' }, { data: { board_type: 'square8', num_players: 4 } }, { payload: { config: 'hexagonal_2p' } }, {}, null, 'hex8_2p',
    { board_type: 'hex9', num_players: 2 }, { config_key: 5, board_type: 'hex8', num_players: 2 }, { board_type: 'hex8', num_players: true }, { metadata: { config: 'square19_3p' } },
  ]) calls.push(['extract_config_key', [e]]);
  for (const e of [
    { model_path: '/a' }, { checkpoint_path: '/b' }, { path: '/c' }, { model_path: '', path: '/c' }, { model_path: 5, checkpoint_path: '/b' }, { data: { path: '/d' } },
    { model_path: null, path: '/e' }, {}, null, [],
  ]) calls.push(['extract_model_path', [e]]);
  for (const e of [
    TRAINING, { data: TRAINING }, { ...TRAINING, board_type: undefined, num_players: undefined }, { config: 'square8_4p', path: '/p', epochs_trained: 3, loss: 0.1, samples: 9 },
    { board_type: 'hex8', num_players: 3, model_path: '/m', epochs: 1, final_loss: 1, samples_trained: 1 }, { ...TRAINING, epochs: -1 }, { ...TRAINING, epochs: 1.5, loss: 0.7 },
    { config_key: 'hex8_2p' }, {}, null, { ...TRAINING, config_key: 'bogus' }, { ...TRAINING, board_type: 'square8' },
  ]) calls.push(['extract_training_data', [JSON.parse(JSON.stringify(e)) as unknown]]);
  for (const e of [EVALUATION, { payload: { ...EVALUATION, config_key: undefined, config: 'hex8_4p', board_type: undefined, num_players: undefined } }, { games: 3, elo: 1 }, { ...EVALUATION, win_rate: 2 }]) {
    calls.push(['extract_evaluation_data', [JSON.parse(JSON.stringify(e)) as unknown]]);
  }
  for (const s of [...spellings, 'nope', 'constructor', '__proto__', 'toString', 'TRAINING_COMPLETED ', '']) calls.push(['resolve_event', [s]]);
  for (const s of [...stages, 'nope', 'constructor']) calls.push(['get_data_event_type', [s]], ['get_cross_process_event_type_for_stage', [s]]);
  for (const v of [...values, 'nope', '__proto__']) calls.push(['get_stage_event_type', [v]], ['get_cross_process_event_type', [v]]);
  for (const c of [...crossNames, 'nope']) calls.push(['get_data_event_type_from_cross_process', [c]]);
  return calls;
}

/** Values tried in every property: each type, its edges, and the usual mistakes. */
const PROBES: readonly unknown[] = [
  'x', '', 0, -1, 1.5, 2, 1e6, 12345678901234567890, true, false, null, [], ['a', 1], [1, 2], {}, { a: 1, b: 'x' }, { a: 'x' },
  'hex8_2p', 'hex8_2p\n', '2025-12-30T14:32:00Z', '2025-12-30 14:32', 'yesterday', 'ORD-123456', 'ORD-123456\n', 'pay_abc1', 'WH01', 'AB-12', 'ABC-1',
];

/** The validation corpus of a catalog's schemas: a valid-as-possible payload per event, and every property set to every probe, every required field removed, every alias present, and non-objects. */
export function validationCorpus(schemas: ReadonlyMap<string, JsonSchema>, accepts: (event: string, payload: unknown) => boolean): [string, unknown][] {
  const corpus: [string, unknown][] = [];
  for (const [event, schema] of schemas) {
    const properties = schema.properties as Record<string, JsonSchema | false>;
    const required = (schema.required as string[] | undefined) ?? [];
    // The base: each required field gets the first candidate the validator accepts alone.
    const basePayload: Record<string, unknown> = {};
    for (const name of required) {
      const s = properties[name];
      const candidates = [...(s && Array.isArray(s.enum) ? (s.enum as unknown[]) : []), ...PROBES];
      basePayload[name] = candidates.find((c) => accepts(event, { ...basePayload, [name]: c })) ?? 'x';
    }
    corpus.push([event, basePayload]);
    for (const name of required) {
      const without = { ...basePayload };
      delete without[name];
      corpus.push([event, without]);
    }
    for (const [name, s] of Object.entries(properties)) {
      const candidates = [...(s && Array.isArray(s.enum) ? (s.enum as unknown[]) : []), ...PROBES];
      for (const c of candidates) corpus.push([event, { ...basePayload, [name]: c }]);
    }
    corpus.push([event, Object.fromEntries(Object.keys(properties).map((k) => [k, null]))]);
    for (const v of [null, [], 'text', 5, true]) corpus.push([event, v]);
  }
  return corpus;
}
