/**
 * What `version` and `deprecated` become in every output, for the generated
 * code of evolution-v1 and -v2 (test/fixtures/catalogs): `@deprecated` tags
 * editors and linters read, schema ids (version 1 keeps its id), docs,
 * AsyncAPI, and the envelopes the router builds; and the catalog checks of
 * the two keys.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Parser } from '@asyncapi/parser';
import AjvModule from 'ajv';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createRouter, silentLogger, type EventRegistry } from '../../runtime/index.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { BASE, swap } from './helpers.js';

const Ajv = AjvModule.default ?? AjvModule;
let work: string;
const out = { v1: '', v2: '' };

beforeAll(async () => {
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  work = mkdtempSync(join(ROOT, '.tmp', 'evolution-outputs-'));
  for (const v of ['v1', 'v2'] as const) {
    out[v] = join(work, v);
    const runtime = relative(out[v], join(ROOT, 'runtime/index.js')).split('\\').join('/');
    const r = await runCli(['codegen', '--catalog', join(ROOT, `test/fixtures/catalogs/evolution-${v}`), '--out', out[v], '--runtime-import', runtime]);
    expect(r.code).toBe(0);
  }
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The `@deprecated` text of each declaration of a generated file that has one (what editors strike through). */
function deprecatedIn(file: string): Record<string, string> {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const found: Record<string, string> = {};
  const visit = (node: ts.Node, owner: string): void => {
    const name = (node as { name?: ts.Node }).name;
    const label = name && ts.isIdentifier(name) ? (owner ? `${owner}.${name.text}` : name.text) : owner;
    const tag = ts.getJSDocDeprecatedTag(node);
    if (tag && label) found[label] = ts.getTextOfJSDocComment(tag.comment) ?? '';
    ts.forEachChild(node, (child) => visit(child, ts.isInterfaceDeclaration(node) ? label : owner));
  };
  visit(source, '');
  return found;
}

describe('version and deprecated in the outputs', () => {
  it('TypeScript: @deprecated on the payload interface, the property and the emit function, with the replacement', () => {
    expect(deprecatedIn(join(out.v2, 'payloads.ts'))).toEqual({
      JobAbortedPayload: 'Every stop is a cancellation, with its reason. Use JOB_CANCELLED instead.',
      'JobStartedPayload.worker': 'Workers are hosts now. Use host instead.',
    });
    expect(deprecatedIn(join(out.v2, 'emitters.ts'))).toEqual({ emitJobAborted: 'Every stop is a cancellation, with its reason. Use JOB_CANCELLED instead.' });
    expect(deprecatedIn(join(out.v1, 'payloads.ts'))).toEqual({});
  });

  it('JSON Schema: version 1 keeps its $id, version 2 has its own; deprecated is an annotation plain ajv accepts', () => {
    const id = (v: 'v1' | 'v2', value: string) => (JSON.parse(readFileSync(join(out[v], 'schemas', `${value}.json`), 'utf8')) as { $id: string }).$id;
    for (const value of ['job_started', 'job_aborted']) expect(id('v2', value)).toBe(id('v1', value));
    expect(id('v1', 'job_finished')).toBe('https://example.test/evolution/job_finished.json');
    expect(id('v2', 'job_finished')).toBe('https://example.test/evolution/job_finished.v2.json');
    const aborted = JSON.parse(readFileSync(join(out.v2, 'schemas', 'job_aborted.json'), 'utf8')) as Record<string, unknown>;
    const started = JSON.parse(readFileSync(join(out.v2, 'schemas', 'job_started.json'), 'utf8')) as { properties: Record<string, Record<string, unknown>> };
    expect(aborted.deprecated).toBe(true);
    expect([started.properties.worker!.deprecated, started.properties.host!.deprecated]).toEqual([true, undefined]);
    const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile({ ...aborted, $comment: undefined });
    expect(validate({ job_id: 'j' })).toBe(true);
  });

  it('Markdown: each event shows its payload version; deprecated events and fields say why and what replaces them', () => {
    const md = readFileSync(join(out.v2, 'docs', 'EVENT_CATALOG.md'), 'utf8');
    expect(md).toContain('| [JOB_ABORTED](#job_aborted) | `job_aborted` | `job.aborted` | **Deprecated.** A job was stopped before it finished. |');
    expect(md).toContain('| Deprecated | Every stop is a cancellation, with its reason. Use [JOB_CANCELLED](#job_cancelled) instead. |');
    expect(md).toContain('| Payload version | 2 (envelopes carry `"dataversion": 2`) |');
    expect(md).toContain('| `worker` | `string` | no |  | **Deprecated:** Workers are hosts now. Use `host` instead. The worker running the job. |');
    expect(md.match(/\| Payload version \| 1 \|/g)).toHaveLength(3);
  });

  it('AsyncAPI: a valid document whose messages carry the payload version and the deprecation', async () => {
    const text = readFileSync(join(out.v2, 'asyncapi.yaml'), 'utf8');
    const { diagnostics } = await new Parser().parse(text);
    expect(diagnostics.filter((d) => d.severity === 0)).toEqual([]);
    const messages = (parse(text) as { components: { messages: Record<string, Record<string, unknown>> } }).components.messages;
    expect(messages.JOB_FINISHED!['x-cloudevents']).toEqual({ type: 'JOB_FINISHED', dataschema: 'https://example.test/evolution/job_finished.v2.json', dataversion: 2 });
    expect(messages.JOB_STARTED!['x-cloudevents']).toEqual({ type: 'JOB_STARTED', dataschema: 'https://example.test/evolution/job_started.json' });
    expect(messages.JOB_ABORTED!['x-deprecated']).toEqual({ reason: 'Every stop is a cancellation, with its reason.', replacedBy: 'JOB_CANCELLED' });
  });

  it('envelopes: dataversion and dataschema of version 2; a version-1 event is enveloped as it always was', async () => {
    const { REGISTRY } = (await import(pathToFileURL(join(out.v2, 'index.ts')).href)) as { REGISTRY: EventRegistry };
    const router = createRouter({ registry: REGISTRY, logger: silentLogger });
    const finished = await router.publish('JOB_FINISHED', { job_id: 'j', state: 'cancelled' });
    const started = await router.publish('JOB_STARTED', { job_id: 'j' });
    expect([finished.envelope.dataversion, finished.envelope.dataschema]).toEqual([2, 'https://example.test/evolution/job_finished.v2.json']);
    expect('dataversion' in started.envelope).toBe(false);
    expect(started.envelope.dataschema).toBe('https://example.test/evolution/job_started.json');
    await router.close();
  });
});

describe('version and deprecated in the catalog format', () => {
  let dir: string | undefined;
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('a replacement that does not exist, a deprecated shared field: file:line:col, the event and the field; exit 2', async () => {
    dir = mkdtempSync(join(ROOT, '.tmp', 'evolution-format-'));
    const catalog = join(dir, 'c');
    mkdirSync(catalog);
    const edits: Record<string, (t: string) => string> = {
      'jobs.yaml': (t) =>
        swap('    description: A job paused.\n', '    description: A job paused.\n    deprecated: { reason: Gone., replaced_by: JOB_RESUMED }\n')(
          swap('        description: Final loss.\n', '        description: Final loss.\n        deprecated: { reason: Unused., replaced_by: lost }\n')(t),
        ),
      'fields.yaml': swap('    description: Board type.\n', '    description: Board type.\n    deprecated: { reason: Boards are hex. }\n'),
    };
    for (const [name, text] of Object.entries(BASE)) writeFileSync(join(catalog, name), edits[name]?.(text) ?? text);
    const r = await runCli(['validate', '--catalog', 'c'], dir);
    // Each problem is at the key at fault: `deprecated`, or its `replaced_by`.
    const at = (file: string, text: string): string => {
      const lines = readFileSync(join(catalog, file), 'utf8').split('\n');
      const i = lines.findIndex((l) => l.includes(text));
      return `c/${file}:${i + 1}:${lines[i]!.indexOf(text) + 1}`;
    };
    expect(r.stderr.trim().split('\n')).toEqual([
      `${at('fields.yaml', 'deprecated: { reason: Boards')}: shared field board_type: "deprecated" is for the fields of an event; deprecate the field where events carry it`,
      `${at('jobs.yaml', 'replaced_by: lost')}: event JOB_DONE, field loss: deprecated.replaced_by "lost" is not a field of JOB_DONE (did you mean "loss"?)`,
      `${at('jobs.yaml', 'replaced_by: JOB_RESUMED')}: event JOB_PAUSED: deprecated.replaced_by JOB_RESUMED names no event of the catalog`,
      '3 problems; nothing was written',
    ]);
    expect(r.code).toBe(2);
  });
});
