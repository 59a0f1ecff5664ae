/**
 * The broken-catalog corpus: each case is a small in-memory catalog with one
 * defect, and the exact `file:line:col: message` the user must see.
 */
import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../../../generator/catalog/build.js';
import type { SourceFile } from '../../../generator/catalog/source.js';
import { CATALOG_YAML, catalogSources, problemsOf, type Files } from './helpers.js';

const FIELDS = `fields:
  config_key:
    type: string
    description: Config.
    aliases: [config]
  model_path:
    type: string
    description: Model.
    aliases: [path]
common_fields:
  source:
    type: string
    description: Emitter.
`;
const EVENTS = `category:
  name: jobs
  title: Jobs
  description: Jobs.
events:
  JOB_DONE:
    value: job_done
    topic: job.done
    description: Done.
    payload:
      config_key: { ref: config_key, required: true }
      model_path: { ref: model_path }
  JOB_STARTED:
    value: job_started
    topic: job.started
    description: Started.
`;

const BASE: Files = { 'c/catalog.yaml': CATALOG_YAML, 'c/fields.yaml': FIELDS, 'c/jobs.yaml': EVENTS };
const catalog = (overrides: Files = {}): SourceFile[] => catalogSources(BASE, overrides);
const problems = problemsOf;

describe('buildCatalog', () => {
  it('accepts the valid base catalog and resolves refs', () => {
    const result = buildCatalog(catalog());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const done = result.model.events.find((e) => e.name === 'JOB_DONE')!;
    expect(done.fields.map((f) => [f.name, f.required, f.aliases])).toEqual([
      ['config_key', true, ['config']],
      ['model_path', false, ['path']],
    ]);
    expect(Object.isFrozen(result.model.events)).toBe(true);
  });

  it('reports bad YAML at its line', () => {
    expect(problems(catalog({ 'c/jobs.yaml': EVENTS.replace('    topic: job.started', '    topic: [job.started') }))).toEqual([
      expect.stringMatching(/^c\/jobs\.yaml:\d+:\d+: invalid YAML: /),
    ]);
  });

  it('reports a duplicate key inside one file as YAML', () => {
    const dup = EVENTS + `  JOB_DONE:\n    value: job_done2\n    topic: job.done2\n    description: Again.\n`;
    expect(problems(catalog({ 'c/jobs.yaml': dup }))).toEqual([expect.stringMatching(/^c\/jobs\.yaml:17:3: invalid YAML: Map keys must be unique/)]);
  });

  it('reports a duplicate event name across files, pointing at both', () => {
    const other = `category:\n  name: more\n  title: More\n  description: More.\nevents:\n  JOB_DONE:\n    value: job_done_again\n    topic: job.done_again\n    description: Again.\n`;
    expect(problems(catalog({ 'c/more.yaml': other }))).toEqual([
      'c/more.yaml:6:3: duplicate event name JOB_DONE (first defined at c/jobs.yaml:6:3)',
    ]);
  });

  it('reports a duplicate value', () => {
    expect(problems(catalog({ 'c/jobs.yaml': EVENTS.replace('value: job_started', 'value: job_done') }))).toEqual([
      'c/jobs.yaml:14:5: event JOB_STARTED: its value "job_done" is already the value of JOB_DONE; every spelling must name one event',
    ]);
  });

  it('reports two spellings of different events that are the same string', () => {
    const text = EVENTS.replace('    description: Started.', '    description: Started.\n    spellings: [job_done]');
    expect(problems(catalog({ 'c/jobs.yaml': text }))).toEqual([
      'c/jobs.yaml:17:5: event JOB_STARTED: its listed spelling "job_done" is already the value of JOB_DONE; every spelling must name one event',
    ]);
  });

  it('reports a dangling ref, extends and emitter event', () => {
    const text = EVENTS.replace('{ ref: model_path }', '{ ref: model_file }').replace('    description: Started.', '    description: Started.\n    extends: JOB_GONE');
    const emitters = `emitters:\n  emit_job_gone:\n    event: JOB_GONE\n    description: Gone.\n`;
    expect(problems(catalog({ 'c/jobs.yaml': text, 'c/emitters.yaml': emitters }))).toEqual([
      'c/emitters.yaml:3:5: emitter emit_job_gone: emits unknown event JOB_GONE (did you mean "JOB_DONE"?)',
      'c/jobs.yaml:12:21: event JOB_DONE, field model_path: ref "model_file" names no shared field',
      'c/jobs.yaml:17:5: event JOB_STARTED: extends unknown event JOB_GONE (did you mean "JOB_DONE"?)',
    ]);
  });

  it('reports an alias that collides with a field of the same event', () => {
    const text = EVENTS.replace('      model_path: { ref: model_path }', '      model_path: { ref: model_path }\n      path:\n        type: string\n        description: Another path.');
    expect(problems(catalog({ 'c/jobs.yaml': text }))).toEqual([
      'c/jobs.yaml:12:7: event JOB_DONE, field model_path: alias "path" collides with field "path" of the same event',
    ]);
  });

  it('reports an alias shared by two fields and an alias named like a common field', () => {
    const text = EVENTS.replace(
      '      model_path: { ref: model_path }',
      '      model_path: { ref: model_path, aliases: [source] }\n      other:\n        type: string\n        description: Other.\n        aliases: [config]',
    );
    expect(problems(catalog({ 'c/jobs.yaml': text }))).toEqual([
      'c/jobs.yaml:12:7: event JOB_DONE, field model_path: alias "source" collides with the common field "source"',
      'c/jobs.yaml:13:7: event JOB_DONE, field other: alias "config" is also an alias of field "config_key"',
    ]);
  });

  it('reports invalid identifiers for events and fields', () => {
    const text = EVENTS.replace('  JOB_STARTED:', '  job-started:').replace('      model_path: { ref: model_path }', '      2fast: { ref: model_path }');
    expect(problems(catalog({ 'c/jobs.yaml': text }))).toEqual([
      'c/jobs.yaml:12:7: event JOB_DONE (payload): invalid name "2fast": field names are lower_snake_case identifiers',
      'c/jobs.yaml:13:3: events: invalid name "job-started": event names are UPPER_SNAKE_CASE identifiers',
    ]);
  });

  it('reports an unknown key and a missing required key', () => {
    const text = EVENTS.replace('    topic: job.started\n', '    topc: job.started\n');
    expect(problems(catalog({ 'c/jobs.yaml': text }))).toEqual([
      'c/jobs.yaml:13:3: event JOB_STARTED: missing required key "topic"',
      'c/jobs.yaml:15:5: event JOB_STARTED: unknown key "topc" (did you mean "topic"?)',
    ]);
  });

  it('reports a wrong field type and an enum value that does not fit it', () => {
    const text = EVENTS.replace(
      '      model_path: { ref: model_path }',
      '      count:\n        type: integr\n        description: Count.\n      level:\n        type: integer\n        enum: [1, high]\n        description: Level.',
    );
    const found = problems(catalog({ 'c/jobs.yaml': text }));
    expect(found).toContainEqual(expect.stringMatching(/^c\/jobs\.yaml:13:9: event JOB_DONE, field count \(type\): must be one of "string", "integer"/));
  });

  it('checks enum values against the type once the structure is valid', () => {
    const text = EVENTS.replace('      model_path: { ref: model_path }', '      level:\n        type: integer\n        enum: [1, high]\n        description: Level.');
    expect(problems(catalog({ 'c/jobs.yaml': text }))).toEqual([
      'c/jobs.yaml:14:19: event JOB_DONE, field level: enum value "high" does not fit type integer',
    ]);
  });

  it('reports a field named like a common field', () => {
    const text = EVENTS.replace('      model_path: { ref: model_path }', '      source:\n        type: string\n        description: Mine.');
    expect(problems(catalog({ 'c/jobs.yaml': text }))).toEqual([
      'c/jobs.yaml:12:7: event JOB_DONE, field source: "source" is a common field of every event; do not redeclare it',
    ]);
  });

  it('reports an extends cycle and a dedup field that is not in the payload', () => {
    const text = EVENTS.replace('    description: Done.', '    description: Done.\n    extends: JOB_STARTED\n    dedup: { fields: [nope] }').replace(
      '    description: Started.',
      '    description: Started.\n    extends: JOB_DONE',
    );
    const found = problems(catalog({ 'c/jobs.yaml': text }));
    expect(found).toContainEqual(expect.stringMatching(/extends" forms a cycle/));
  });

  it('reports a missing catalog block and an empty directory', () => {
    expect(problems(catalog({ 'c/catalog.yaml': '' }))).toEqual(['c/fields.yaml:1:1: no file of the catalog has a `catalog:` block (name, description)']);
    expect(problems([])).toEqual(['.:1:1: the catalog directory has no .yaml files']);
  });

  it('reports an invalid regular expression', () => {
    const text = EVENTS.replace('      model_path: { ref: model_path }', '      code:\n        type: string\n        pattern: "([a-z"\n        description: Code.');
    expect(problems(catalog({ 'c/jobs.yaml': text }))).toEqual([
      expect.stringMatching(/^c\/jobs\.yaml:14:9: event JOB_DONE, field code: invalid pattern: /),
    ]);
  });

  it('reports a select emitter whose default is not a case', () => {
    const emitters = `emitters:\n  emit_job:\n    description: Job.\n    select:\n      argument: kind\n      default: other\n      cases:\n        done: JOB_DONE\n        started: JOB_STARTED\n`;
    expect(problems(catalog({ 'c/emitters.yaml': emitters }))).toEqual([
      'c/emitters.yaml:6:7: emitter emit_job: default "other" is not one of its cases',
    ]);
  });

  it('reports a shared enum field whose type name would shadow a generated type', () => {
    const fields = FIELDS.replace('common_fields:', `  event_name:\n    type: string\n    enum: [a, b]\n    description: Shadow.\ncommon_fields:`);
    expect(problems(catalog({ 'c/fields.yaml': fields }))).toEqual([
      'c/fields.yaml:10:3: shared field event_name: its type name EventName is reserved by the generated code; rename the field',
    ]);
  });

  it('keeps a description with */ and backticks as data (the emitters make it safe)', () => {
    const text = EVENTS.replace('    description: Done.', '    description: "Ends */ here `code` ${x}"');
    const result = buildCatalog(catalog({ 'c/jobs.yaml': text }));
    expect(result.ok).toBe(true);
  });
});
