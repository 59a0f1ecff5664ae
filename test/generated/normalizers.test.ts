/** Alias normalization and the config-key helpers, on the fixture and on the real catalog. */
import { describe, expect, it } from 'vitest';
import * as catalog from '../../generated/index.js';
import { minimal } from '../helpers/fixture.js';

describe('normalizePayload', () => {
  it('renames every alias to its canonical field and reports what it did', () => {
    const result = minimal.normalizePayload('JOB_DONE', { config: 'hex8_2p', checkpoint_path: '/m', epochs_trained: 3, other: 1 });
    expect(result.payload).toEqual({ config_key: 'hex8_2p', model_path: '/m', epochs: 3, other: 1 });
    expect(result.renamed).toEqual([
      { from: 'config', to: 'config_key' },
      { from: 'checkpoint_path', to: 'model_path' },
      { from: 'epochs_trained', to: 'epochs' },
    ]);
    expect(result.conflicts).toEqual([]);
  });

  it('keeps the canonical value when alias and canonical disagree, and says so', () => {
    const input = { model_path: '/a', path: '/b' };
    const result = minimal.normalizePayload('JOB_DONE', input);
    expect(result.payload).toEqual({ model_path: '/a' });
    expect(result.conflicts).toEqual([{ from: 'path', to: 'model_path' }]);
    expect(input).toEqual({ model_path: '/a', path: '/b' }); // not mutated
  });

  it('round-trips every alias of every event of the real catalog', () => {
    let checked = 0;
    for (const name of catalog.EVENT_NAMES) {
      for (const [alias, field] of Object.entries(catalog.FIELD_ALIASES[name] ?? {})) {
        const normalized = catalog.normalizePayload(name, { [alias]: `value-of-${alias}` }).payload;
        expect(normalized, `${name}.${alias}`).toEqual({ [field]: `value-of-${alias}` });
        checked++;
      }
    }
    // The five alias rules of the reference documents, present wherever their fields are.
    expect(catalog.SHARED_FIELD_ALIASES).toMatchObject({
      config: 'config_key',
      checkpoint_path: 'model_path',
      path: 'model_path',
      loss: 'final_loss',
      samples: 'samples_trained',
      games: 'games_played',
    });
    expect(checked).toBeGreaterThan(50);
  });

  it('normalizes TRAINING_COMPLETED as the three documents spell it', () => {
    const fromCatalogDoc = { config: 'hex8_2p', checkpoint_path: '/m.pth', epochs_completed: 20, loss: 0.05, samples: 100 };
    expect(catalog.normalizePayload('TRAINING_COMPLETED', fromCatalogDoc).payload).toEqual({
      config_key: 'hex8_2p',
      model_path: '/m.pth',
      epochs: 20,
      final_loss: 0.05,
      samples_trained: 100,
    });
    expect(catalog.normalizePayload('TRAINING_COMPLETED', { epochs_trained: 50 }).payload).toEqual({ epochs: 50 });
  });
});

describe('config keys', () => {
  it('make and parse round-trip every board type and player count', () => {
    for (const board_type of catalog.BOARD_TYPE_VALUES) {
      for (const num_players of catalog.NUM_PLAYERS_VALUES) {
        const key = catalog.makeConfigKey(board_type, num_players);
        expect(key).toBe(`${board_type}_${num_players}p`);
        expect(catalog.parseConfigKey(key)).toEqual({ board_type, num_players });
        expect(catalog.isConfigKey(key)).toBe(true);
      }
    }
    expect(catalog.BOARD_TYPE_VALUES).toEqual(['hex8', 'square8', 'square19', 'hexagonal']);
    expect(catalog.NUM_PLAYERS_VALUES).toEqual([2, 3, 4]);
  });

  it.each([['hex8_5p'], ['hex8_2'], ['HEX8_2p'], [' hex8_2p'], ['hex8_2p '], [''], ['hex8__2p'], ['hexagonal_2p_x'], ['hex9_2p'], [42], [null], [undefined]])(
    'rejects %j with an error that names it and the grammar',
    (bad) => {
      expect(catalog.tryParseConfigKey(bad)).toBeUndefined();
      expect(catalog.isConfigKey(bad)).toBe(false);
      expect(() => catalog.parseConfigKey(bad)).toThrow(catalog.ConfigKeyError);
      expect(() => catalog.parseConfigKey(bad)).toThrow(`invalid config_key ${JSON.stringify(bad)}: expected {board_type}_{num_players}p`);
    },
  );

  it('makeConfigKey rejects parts that untyped callers pass', () => {
    expect(() => catalog.makeConfigKey('hexx' as never, 2)).toThrow('invalid board_type "hexx": expected one of hex8, square8, square19, hexagonal');
    expect(() => catalog.makeConfigKey('hex8', 5 as never)).toThrow('invalid num_players 5: expected one of 2, 3, 4');
  });

  it('extractConfigKey follows config_key, then config, then board_type + num_players', () => {
    expect(catalog.extractConfigKey({ config_key: 'hex8_2p', config: 'square8_4p' }, { mode: 'lenient', logger: { warn: () => undefined } })).toBe('hex8_2p');
    expect(catalog.extractConfigKey({ config: 'square8_4p' })).toBe('square8_4p');
    expect(catalog.extractConfigKey({ board_type: 'square19', num_players: 3 })).toBe('square19_3p');
    expect(catalog.extractConfigKey({ data: { config: 'hexagonal_2p' } })).toBe('hexagonal_2p');
    expect(catalog.extractConfigKey({ config_key: 'bogus' })).toBeUndefined();
    expect(catalog.extractConfigKey({ board_type: 'hex8' })).toBeUndefined();
    expect(catalog.extractConfigKey('not an object')).toBeUndefined();
  });

  it('extractModelPath follows model_path, checkpoint_path, path', () => {
    const quiet = { mode: 'lenient', logger: { warn: () => undefined } } as const;
    expect(catalog.extractModelPath({ path: '/p', checkpoint_path: '/c' }, quiet)).toBe('/c');
    expect(catalog.extractModelPath({ payload: { model_path: '/m', path: '/p' } }, quiet)).toBe('/m');
    expect(catalog.extractModelPath({ path: '/p', checkpoint_path: '/p' })).toBe('/p'); // agreeing aliases are no conflict
    expect(catalog.extractModelPath({ model_path: '' })).toBeUndefined();
  });
});

describe('extractors', () => {
  it('extractTrainingData completes and validates a payload in any documented spelling', () => {
    const data = catalog.extractTrainingData({ data: { config: 'hex8_2p', path: '/m.pth', epochs_trained: 3, loss: 0.2, samples: 50 } });
    expect(data).toMatchObject({ config_key: 'hex8_2p', board_type: 'hex8', num_players: 2, model_path: '/m.pth', epochs: 3, final_loss: 0.2, samples_trained: 50 });
  });

  it('extractTrainingData builds config_key from board_type and num_players', () => {
    const data = catalog.extractTrainingData({ board_type: 'square8', num_players: 4, model_path: '/m', epochs: 1, final_loss: 1, samples_trained: 1 });
    expect(data.config_key).toBe('square8_4p');
  });

  it('extractors throw naming the event and every bad field', () => {
    expect(() => catalog.extractTrainingData({ config_key: 'hex8_2p', epochs: 'many' })).toThrow(
      /^invalid TRAINING_COMPLETED payload: .*field "model_path" is required.*field "epochs" must be integer/,
    );
    expect(() => catalog.extractEvaluationData({})).toThrow(catalog.EventValidationError);
  });
});
