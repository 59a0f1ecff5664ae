/**
 * The model buildCatalog hands the emitters, as they rely on it: defaults
 * filled in, `extends` resolved, every dedup form read, field types told
 * apart, and names in order whatever the order the files are read in.
 */
import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../../../generator/catalog/build.js';
import type { CatalogModel, EventModel, FieldModel } from '../../../generator/catalog/model.js';
import type { SourceFile } from '../../../generator/catalog/source.js';
import { CATALOG_YAML, catalogSources, problemsOf, type Files } from './helpers.js';

const FIELDS = `fields:
  job_id:
    type: string
    description: The job.
  note:
    type: string
    nullable: true
    description: A note.
common_fields:
  source:
    type: string
    description: Emitter.
`;
const JOBS = `category:
  name: jobs
  title: Jobs
  description: Jobs.
events:
  JOB_STARTED:
    value: job_started
    topic: job.started
    description: Started.
    payload:
      job_id: { ref: job_id, required: true }
      host: { type: string, description: Host. }
      attempt: { type: integer, description: Attempt. }
      note: { ref: note }
  JOB_RESTARTED:
    value: job_restarted
    topic: job.restarted
    description: Restarted.
    extends: JOB_STARTED
    payload:
      host: { type: string, nullable: true, description: The new host. }
      reason: { type: string, description: Why. }
`;
const BASE: Files = { 'c/catalog.yaml': CATALOG_YAML, 'c/fields.yaml': FIELDS, 'c/jobs.yaml': JOBS };

function model(sources: SourceFile[]): CatalogModel {
  const result = buildCatalog(sources);
  if (!result.ok) throw new Error(problemsOf(sources).join('\n'));
  return result.model;
}
const event = (m: CatalogModel, name: string): EventModel => m.events.find((e) => e.name === name)!;
const field = (e: EventModel, name: string): FieldModel => e.fields.find((f) => f.name === name)!;

/** A category file of events named `names`, each with the given extra YAML. */
function category(name: string, events: Record<string, string>): string {
  const body = Object.entries(events)
    .map(([event, extra]) => `  ${event}:\n    value: ${event.toLowerCase()}\n    topic: ${event.toLowerCase().replace('_', '.')}\n    description: D.\n${extra}`)
    .join('');
  return `category:\n  name: ${name}\n  title: T\n  description: D.\nevents:\n${body}`;
}

describe('the catalog model', () => {
  it('fills in what a catalog leaves out', () => {
    const m = model(catalogSources(BASE));
    expect([m.schemaBaseUrl, m.runtimeImport]).toEqual(['https://example.invalid/t/schemas/', 'ringrift-events/runtime']);
    const started = event(m, 'JOB_STARTED');
    expect([started.producers, started.consumers, started.sources, started.spellings]).toEqual([[], [], [], []]);
    expect([started.payloadDocumented, started.version, started.dedup]).toEqual([true, 1, { kind: 'none' }]);
    expect([field(started, 'host').required, field(started, 'host').nullable]).toEqual([false, false]);
    expect(field(started, 'note').nullable).toBe(true); // from the shared field it refers to
    expect(m.commonFields.map((f) => f.name)).toEqual(['source']);
  });

  it('keeps what a catalog says instead of the defaults', () => {
    const catalog = `catalog:\n  name: t\n  description: T.\n  schema_base_url: https://schemas.example.com/t/\n  runtime_import: "@acme/events-runtime"\n`;
    const jobs = JOBS.replace('    description: Started.\n', '    description: Started.\n    version: 3\n    producers: [Scheduler]\n    consumers: [Worker]\n    sources: [scheduler.py]\n');
    const m = model(catalogSources(BASE, { 'c/catalog.yaml': catalog, 'c/jobs.yaml': jobs }));
    expect([m.schemaBaseUrl, m.runtimeImport]).toEqual(['https://schemas.example.com/t/', '@acme/events-runtime']);
    const started = event(m, 'JOB_STARTED');
    expect([started.version, started.producers, started.consumers, started.sources]).toEqual([3, ['Scheduler'], ['Worker'], ['scheduler.py']]);
    const undocumented = model(catalogSources(BASE, { 'c/jobs.yaml': category('jobs', { JOB_DONE: '    payload_documented: false\n' }) }));
    expect(event(undocumented, 'JOB_DONE').payloadDocumented).toBe(false);
  });

  it('an event that extends another has the base fields first, in their order, an own field of the same name in its place, then its new ones', () => {
    const restarted = event(model(catalogSources(BASE)), 'JOB_RESTARTED');
    expect(restarted.fields.map((f) => [f.name, f.description, f.nullable])).toEqual([
      ['job_id', 'The job.', false],
      ['host', 'The new host.', true],
      ['attempt', 'Attempt.', false],
      ['note', 'A note.', true],
      ['reason', 'Why.', false],
    ]);
    expect(restarted.extends).toBe('JOB_STARTED');
  });

  it('reads every dedup form the catalog allows', () => {
    const jobs = category('jobs', {
      JOB_A: '',
      JOB_B: '    dedup: none\n',
      JOB_C: '    dedup: payload\n',
      JOB_D: '    dedup: { kind: payload, reason: Same payload same fact. }\n',
      JOB_E: '    dedup: { kind: none }\n',
      JOB_F: '    dedup: { fields: [job_id], reason: One job. }\n    payload:\n      job_id: { ref: job_id, required: true }\n',
      JOB_G: '    dedup: { fields: [job_id] }\n    payload:\n      job_id: { ref: job_id, required: true }\n',
    });
    const m = model(catalogSources(BASE, { 'c/jobs.yaml': jobs }));
    expect(m.events.map((e) => [e.name, e.dedup])).toEqual([
      ['JOB_A', { kind: 'none' }],
      ['JOB_B', { kind: 'none' }],
      ['JOB_C', { kind: 'payload' }],
      ['JOB_D', { kind: 'payload', reason: 'Same payload same fact.' }],
      ['JOB_E', { kind: 'none' }],
      ['JOB_F', { kind: 'fields', fields: ['job_id'], reason: 'One job.' }],
      ['JOB_G', { kind: 'fields', fields: ['job_id'] }],
    ]);
  });

  it('tells the field types apart', () => {
    const payload = [
      '    payload:',
      '      tags: { type: map, values: string, description: Tags. }',
      '      blob: { type: object, description: Blob. }',
      '      anything: { type: any, description: Anything. }',
      '      hosts: { type: array, items: string, description: Hosts. }',
      '      size: { type: [integer, string], description: Size. }',
      '      count: { type: integer, description: Count. }',
      '',
    ].join('\n');
    const done = event(model(catalogSources(BASE, { 'c/jobs.yaml': category('jobs', { JOB_DONE: payload }) })), 'JOB_DONE');
    expect(done.fields.map((f) => [f.name, f.type])).toEqual([
      ['tags', { kind: 'map', values: 'string' }],
      ['blob', { kind: 'object' }],
      ['anything', { kind: 'any' }],
      ['hosts', { kind: 'array', items: 'string' }],
      ['size', { kind: 'scalar', types: ['integer', 'string'] }],
      ['count', { kind: 'scalar', types: ['integer'] }],
    ]);
  });

  it('lists events, shared fields and categories by name, whatever the order of the files and of their keys', () => {
    const files: Files = {
      'c/catalog.yaml': CATALOG_YAML,
      'c/fields.yaml': 'fields:\n  zone: { type: string, description: Z. }\n  area: { type: string, description: A. }\n',
      'c/z.yaml': category('zulu', { ZED_TWO: '', ZED_ONE: '' }),
      'c/a.yaml': category('alpha', { ALPHA_TWO: '', ALPHA_ONE: '' }),
    };
    const forward = catalogSources(files);
    const m = model([...forward].reverse());
    expect(m.events.map((e) => e.name)).toEqual(['ALPHA_ONE', 'ALPHA_TWO', 'ZED_ONE', 'ZED_TWO']);
    expect(m.sharedFields.map((f) => f.name)).toEqual(['area', 'zone']);
    expect(m.categories.map((c) => [c.name, c.events, c.file])).toEqual([
      ['alpha', ['ALPHA_ONE', 'ALPHA_TWO'], 'c/a.yaml'],
      ['zulu', ['ZED_ONE', 'ZED_TWO'], 'c/z.yaml'],
    ]);
    expect(model(forward)).toEqual(m);
  });

  it('a problem between two files names the one first by path as the first, whatever the order they are read in', () => {
    const files: Files = { 'c/catalog.yaml': CATALOG_YAML, 'c/b.yaml': category('beta', { JOB_DONE: '' }), 'c/a.yaml': category('alpha', { JOB_DONE: '' }) };
    const expected = ['c/b.yaml:6:3: duplicate event name JOB_DONE (first defined at c/a.yaml:6:3)'];
    expect(problemsOf(catalogSources(files))).toEqual(expected);
    expect(problemsOf([...catalogSources(files)].reverse())).toEqual(expected);
  });
});
