/**
 * Property: every valid catalog generates code that is safe and correct.
 *
 * fast-check builds random valid catalogs: hostile strings in every free-text
 * position, names that are reserved words or Object.prototype members, every
 * field kind (string, integer, number, boolean, object, array, map, any,
 * unions, nullable, enum, safe patterns, date-time, bounds, required and
 * optional), shared fields with refs and overrides, extends, composed_of keys,
 * emitters with select, extractors, dedup policies and flows.
 *
 * 1. Many catalogs, one at a time (cheap): `generate()` accepts each (a
 *    refusal is a finding: the arbitrary only builds what the format allows),
 *    every TypeScript file parses, every JSON Schema parses and compiles.
 * 2. A batch of catalogs from the same seed (costly, so together): one tsc
 *    program under the strictest settings, one plain tsc emit, one Node
 *    process that imports every catalog (a canary says nothing the catalog
 *    wrote ran) and runs its validators on payloads built from the model:
 *    valid ones accepted, each with a required field missing, a wrong type,
 *    an enum value outside, a number out of bounds refused.
 *
 * RR_TEST_SEED=<n> replays a run (the seed is printed; failing batch catalogs are
 * written to .tmp/property-failures/<seed>/). FC_RUNS (default 150) and
 * FC_BATCH (default 32) size the two phases: about 35 s on an idle 2-core
 * machine, 60–90 s under load.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import AjvModule from 'ajv';
import fc from 'fast-check';
import ts from 'typescript';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { generate, type CatalogModel, type FieldModel, type GeneratedFile } from '../../generator/index.js';
import { ROOT } from '../helpers/cli.js';
import { compileApp, formatDiagnostics, type CompiledApp } from '../helpers/compile-app.js';
import { testSeed } from '../helpers/seed.js';
import { HOSTILE_TEXTS } from './hostile/catalogs.js';

const Ajv = AjvModule.default ?? AjvModule;
const SEED = testSeed('test/generator/property.test.ts');
const RUNS = Number(process.env['FC_RUNS'] ?? 150);
const BATCH = Number(process.env['FC_BATCH'] ?? 32);

// ---------------------------------------------------------------- arbitraries

/** Free text: hostile strings, random Unicode (no lone surrogates: YAML text cannot hold them), or plain words. */
const text = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_TEXTS.filter((h) => h.id !== 'long').map((h) => h.text)) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom('Plain words.', 'x', '`code` and *stars*', '<b>html</b> & "quotes"') },
).map((s) => (s.trim() === '' ? `${s}.` : s));

const RESERVED_NAMES = ['new', 'class', 'delete', 'await', 'default', 'function', 'import', 'export', 'enum', 'let', 'static', 'yield', 'this', 'super', 'null', 'true', 'void', 'typeof', 'in', 'instanceof', 'arguments', 'eval', 'then', 'constructor', 'prototype', 'length', 'name', 'payload', 'options', 'args', 'router', 'event', 'cases', 'selected', 'chosen', 'key', 'value', 'data', 'result', 'errors'];
/** A lower_snake field name: a reserved word or an Object.prototype member half the time. */
const fieldName = fc.oneof(
  fc.constantFrom(...RESERVED_NAMES),
  fc.tuple(fc.constantFrom('size', 'path', 'rate', 'count', 'label', 'node', 'level', 'mode', 'score'), fc.integer({ min: 0, max: 99 })).map(([w, n]) => `${w}_${n}`),
);
/** A name for a shared field that becomes a type (enum or composed key): not one whose type name the generated code reserves (Args, Payload, Router, a JavaScript global such as Function or Event). */
const typeableName = fieldName.filter((n) => !['args', 'payload', 'router'].includes(n) && !(pascal(n) in globalThis));
function pascal(n: string): string {
  return n.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}
const WORDS = ['JOB', 'CONSTRUCTOR', 'PROTOTYPE', 'TO_STRING', 'OBJECT', 'PROMISE', 'NEW', 'CLASS', 'DELETE', 'AWAIT', 'DATA', 'SYNC', 'MODEL', 'EVENT', 'RECORD'];
const SPELLINGS = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'Job-Done', 'job:done', 'Some.Thing', 'then', 'prototype', 'length'];
/** Patterns redos-detector accepts, with a string each matches and one it does not. */
const SAFE_PATTERNS: readonly { pattern: string; yes: string; no: string }[] = [
  { pattern: '^[a-z]+$', yes: 'abc', no: 'ABC' },
  { pattern: '^[0-9]{3}-[0-9]{2}$', yes: '123-45', no: '12-345' },
  { pattern: '^[*/"\'`<>]+$', yes: '*/"', no: 'a' },
  { pattern: '^(?:hex|square)[0-9]+$', yes: 'hex8', no: 'tri8' },
  { pattern: '^[a-z0-9.]+@[a-z0-9]+$', yes: 'a.b@c', no: 'a b@c' },
];
const CASE_VALUES = ['constructor', 'to_string', 'new', 'class', 'a', 'b1', 'default', '0'];

type Raw = Record<string, unknown>;

/** A field's own definition (no ref): every kind the format has. */
const ownField = (required: boolean): fc.Arbitrary<Raw> =>
  fc
    .record({
      kind: fc.constantFrom('string', 'integer', 'number', 'boolean', 'object', 'array', 'map', 'any', 'union'),
      description: text,
      nullable: fc.boolean(),
      useEnum: fc.boolean(),
      strings: fc.uniqueArray(text, { minLength: 1, maxLength: 4 }),
      ints: fc.uniqueArray(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 4 }),
      bounds: fc.option(fc.tuple(fc.integer({ min: -100, max: 100 }), fc.integer({ min: 0, max: 200 })), { nil: undefined }),
      pattern: fc.option(fc.constantFrom(...SAFE_PATTERNS), { nil: undefined }),
      dateTime: fc.boolean(),
      element: fc.constantFrom('string', 'integer', 'number', 'boolean', 'object', 'any'),
      union: fc.constantFrom(['string', 'number'], ['integer', 'boolean'], ['string', 'integer', 'boolean']),
    })
    .map((r) => {
      const f: Raw = { type: r.kind === 'union' ? r.union : r.kind, description: r.description };
      if (required) f['required'] = true;
      if (r.nullable) f['nullable'] = true;
      if (r.kind === 'array') f['items'] = r.element;
      if (r.kind === 'map') f['values'] = r.element;
      if (r.kind === 'string') {
        if (r.useEnum) f['enum'] = r.strings;
        else if (r.pattern) f['pattern'] = r.pattern.pattern;
        else if (r.dateTime) f['format'] = 'date-time';
      }
      if (r.kind === 'integer' || r.kind === 'number') {
        if (r.useEnum) f['enum'] = r.kind === 'number' ? r.ints.map((n) => n / 4) : r.ints;
        else if (r.bounds) {
          f['minimum'] = r.bounds[0];
          f['maximum'] = r.bounds[0] + r.bounds[1];
        }
      }
      if (r.kind === 'union' && r.useEnum) {
        const types: readonly string[] = r.union;
        f['enum'] = [...(types.includes('string') ? [r.strings[0]] : []), ...(types.includes('integer') || types.includes('number') ? [r.ints[0]] : []), ...(types.includes('boolean') ? [true] : [])];
      }
      return f;
    });

interface CatalogSpec {
  readonly files: Record<string, Raw>;
}

const catalogArb: fc.Arbitrary<CatalogSpec> = fc
  .record({
    description: text,
    baseUrl: fc.option(fc.constantFrom('https://example.test/schemas/', 'http://localhost:8080/a-b/c_d/~x/'), { nil: undefined }),
    common: fc.boolean(),
    categories: fc.uniqueArray(fc.constantFrom('jobs', 'constructor', 'prototype', 'data_sync', 'new'), { minLength: 1, maxLength: 2 }),
    catTexts: fc.array(fc.tuple(text, text), { minLength: 2, maxLength: 2 }),
    // Shared fields: enums (parts of keys), plain ones, and maybe a composed key.
    sharedEnums: fc.uniqueArray(fc.tuple(typeableName, fc.boolean(), fc.uniqueArray(fc.stringMatching(/^[a-z0-9]{1,6}$/), { minLength: 1, maxLength: 3 }), fc.uniqueArray(fc.integer({ min: 0, max: 64 }), { minLength: 1, maxLength: 3 })), { maxLength: 3, selector: (t) => t[0] }),
    sharedPlain: fc.uniqueArray(fc.tuple(typeableName, ownField(false), fc.uniqueArray(fieldName, { maxLength: 2 })), { maxLength: 3, selector: (t) => t[0] }),
    composed: fc.option(fc.tuple(typeableName, fc.array(fc.constantFrom('_', '-', 'p', '*/', '`', '\\', '\n', '\u2028', '"', "'", '.', '+', '(', '|', '$', ' x '), { minLength: 4, maxLength: 4 })), { nil: undefined }),
    events: fc.array(
      fc.record({
        word: fc.constantFrom(...WORDS),
        category: fc.nat(),
        description: text,
        producers: fc.uniqueArray(text, { maxLength: 3 }),
        consumers: fc.uniqueArray(text, { maxLength: 2 }),
        sources: fc.uniqueArray(text, { maxLength: 2 }),
        stage: fc.boolean(),
        crossProcess: fc.boolean(),
        spellings: fc.uniqueArray(fc.constantFrom(...SPELLINGS), { maxLength: 2 }),
        own: fc.uniqueArray(fc.tuple(fieldName, fc.boolean(), fc.uniqueArray(fieldName, { maxLength: 2 })), { maxLength: 5, selector: (t) => t[0] }),
        ownDefs: fc.array(fc.tuple(ownField(false), ownField(true)), { minLength: 5, maxLength: 5 }),
        refs: fc.array(fc.tuple(fc.nat(), fc.boolean(), fc.option(text, { nil: undefined })), { maxLength: 3 }),
        extendsPrevious: fc.boolean(),
        dedup: fc.constantFrom('none', 'payload', 'fields', undefined),
        documented: fc.boolean(),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    emitters: fc.array(fc.tuple(fc.nat(), text), { maxLength: 2 }),
    select: fc.option(fc.tuple(fc.uniqueArray(fc.constantFrom(...CASE_VALUES), { minLength: 2, maxLength: 3 }), fc.array(fc.nat(), { minLength: 3, maxLength: 3 }), fc.boolean(), text), { nil: undefined }),
    extractors: fc.array(fc.tuple(fc.nat(), text), { maxLength: 2 }),
    flows: fc.array(fc.tuple(text, text, fc.array(fc.nat(), { minLength: 1, maxLength: 3 })), { maxLength: 2 }),
  })
  .map((r): CatalogSpec => {
    const fields: Record<string, Raw> = {};
    const common = r.common ? { timestamp: { type: ['string', 'number'], description: 'When.' }, source: { type: 'string', description: 'Who.' } } : undefined;
    const taken = new Set(common ? Object.keys(common) : []);
    const enumNames: string[] = [];
    for (const [name, isString, strs, ints] of r.sharedEnums) {
      if (taken.has(name)) continue;
      taken.add(name);
      enumNames.push(name);
      fields[name] = isString ? { type: 'string', enum: strs, description: `Part ${name}.` } : { type: 'integer', enum: ints, description: `Part ${name}.` };
    }
    const allAliases = new Set<string>();
    for (const [name, def, aliases] of r.sharedPlain) {
      // Not named like an alias of a shared field before it: an event using both would be refused (alias collides with field).
      if (taken.has(name) || allAliases.has(name)) continue;
      taken.add(name);
      const free = aliases.filter((a) => !taken.has(a) && a !== name && !allAliases.has(a));
      free.forEach((a) => allAliases.add(a));
      fields[name] = { ...def, ...(free.length ? { aliases: free } : {}) };
    }
    if (r.composed && enumNames.length > 0 && !taken.has(r.composed[0]) && !allAliases.has(r.composed[0])) {
      const [name, seps] = r.composed;
      taken.add(name);
      const template = enumNames.map((p, i) => `{${p}}${seps[i] ?? '_'}`).join('');
      fields[name] = { type: 'string', composed_of: template, description: 'A composed key.' };
    }
    const sharedNames = Object.keys(fields);
    // Aliases of shared fields hold wherever they are used: no event field may be named like one.
    for (const n of sharedNames) for (const a of (fields[n]!['aliases'] as string[] | undefined) ?? []) taken.add(a);

    const cats = r.categories;
    const events: Record<string, Record<string, Raw>> = Object.fromEntries(cats.map((c) => [c, {}]));
    const eventNames: string[] = [];
    const spellingsTaken = new Set<string>();
    /** Per event: the names and aliases of its fields, inherited ones included (extends copies them). */
    const eventFields: { names: Set<string>; aliases: Set<string> }[] = [];
    r.events.forEach((e, i) => {
      const name = `${e.word}_E${i}`;
      eventNames.push(name);
      const value = name.toLowerCase();
      spellingsTaken.add(name).add(value).add(`ev.e${i}`);
    });
    r.events.forEach((e, i) => {
      const name = eventNames[i]!;
      const value = name.toLowerCase();
      const cat = cats[e.category % cats.length]!;
      const ev: Raw = { value, topic: `ev.e${i}`, description: e.description };
      if (e.stage) {
        ev['stage'] = `${value}_st`;
        spellingsTaken.add(`${value}_st`).add(`${value}_st`.toUpperCase());
      }
      if (e.crossProcess) ev['cross_process'] = name;
      const spellings = e.spellings.filter((s) => !spellingsTaken.has(s));
      spellings.forEach((s) => spellingsTaken.add(s));
      if (spellings.length) ev['spellings'] = spellings;
      if (e.producers.length) ev['producers'] = e.producers;
      if (e.consumers.length) ev['consumers'] = e.consumers;
      if (e.sources.length) ev['sources'] = e.sources;
      const payload: Record<string, Raw> = {};
      const base = i > 0 && e.extendsPrevious ? eventNames[i - 1] : undefined;
      const inherited = base ? eventFields[i - 1]! : { names: new Set<string>(), aliases: new Set<string>() };
      const used = new Set<string>();
      const aliasesHere = new Set<string>(inherited.aliases);
      e.refs.forEach(([k, req, desc]) => {
        if (sharedNames.length === 0) return;
        const ref = sharedNames[k % sharedNames.length]!;
        if (used.has(ref)) return;
        used.add(ref);
        for (const a of (fields[ref]!['aliases'] as string[] | undefined) ?? []) aliasesHere.add(a);
        payload[ref] = { ref, ...(req ? { required: true } : {}), ...(desc !== undefined ? { description: desc } : {}) };
      });
      e.own.forEach(([fname, req, aliases], j) => {
        if (used.has(fname) || taken.has(fname) || aliasesHere.has(fname) || inherited.names.has(fname)) return;
        used.add(fname);
        const free = aliases.filter((a) => !taken.has(a) && !used.has(a) && !aliasesHere.has(a) && !inherited.names.has(a) && !Object.hasOwn(payload, a) && a !== fname);
        free.forEach((a) => aliasesHere.add(a));
        const def = e.ownDefs[j]![req ? 1 : 0];
        payload[fname] = { ...def, ...(free.length ? { aliases: free } : {}) };
      });
      // Own field names may not be any alias of this event's fields.
      for (const f of Object.keys(payload)) if (aliasesHere.has(f)) delete payload[f];
      eventFields.push({ names: new Set([...inherited.names, ...Object.keys(payload)]), aliases: aliasesHere });
      if (base) ev['extends'] = base;
      if (!e.documented && !base && Object.keys(payload).length === 0) ev['payload_documented'] = false;
      else if (Object.keys(payload).length) ev['payload'] = payload;
      if (e.dedup === 'payload' || e.dedup === 'none') ev['dedup'] = e.dedup;
      if (e.dedup === 'fields' && !base && Object.keys(payload).length) ev['dedup'] = { fields: [Object.keys(payload)[0]] };
      events[cat]![name] = ev;
    });

    const files: Record<string, Raw> = {
      'catalog.yaml': { catalog: { name: 'prop', description: r.description, ...(r.baseUrl ? { schema_base_url: r.baseUrl } : {}) } },
    };
    if (common || sharedNames.length) files['fields.yaml'] = { ...(common ? { common_fields: common } : {}), ...(sharedNames.length ? { fields } : {}) };
    cats.forEach((c, i) => {
      if (Object.keys(events[c]!).length === 0) return;
      files[`cat_${i}.yaml`] = { category: { name: c, title: r.catTexts[i]![0], description: r.catTexts[i]![1] }, events: events[c] };
    });
    const emitters: Record<string, Raw> = {};
    r.emitters.forEach(([k, description], i) => {
      emitters[`emit_named_${i}`] = { event: eventNames[k % eventNames.length], description };
    });
    if (r.select && eventNames.length >= 1) {
      const [values, targets, withDefault, description] = r.select;
      const cases = Object.fromEntries(values.map((v, i) => [v, eventNames[targets[i]! % eventNames.length]]));
      // The argument is no field of any event (like `mode` of emit_job_kicked_off): it only picks the event.
      emitters['emit_pick_one'] = { description, select: { argument: 'zz_pick', ...(withDefault ? { default: values[0] } : {}), cases } };
    }
    const extractors: Record<string, Raw> = {};
    r.extractors.forEach(([k, description], i) => {
      extractors[`extract_thing_${i}`] = { event: eventNames[k % eventNames.length], description };
    });
    if (Object.keys(emitters).length || Object.keys(extractors).length) {
      files['emitters.yaml'] = { ...(Object.keys(emitters).length ? { emitters } : {}), ...(Object.keys(extractors).length ? { extractors } : {}) };
    }
    if (r.flows.length) {
      files['flows.yaml'] = {
        flows: Object.fromEntries(r.flows.map(([title, description, evs], i) => [`flow_${i}`, { title, description, events: [...new Set(evs.map((k) => eventNames[k % eventNames.length]))] }])),
      };
    }
    return { files };
  });

function sourcesOf(spec: CatalogSpec, dir = 'prop') {
  return Object.entries(spec.files).map(([file, doc]) => ({ path: `${dir}/${file}`, text: stringify(doc, { lineWidth: 0 }) }));
}

// ---------------------------------------------------------------- cheap checks, one catalog at a time

function cheapProblems(files: readonly GeneratedFile[]): string[] {
  const problems: string[] = [];
  const ajv = new Ajv({ strict: false, validateFormats: false });
  for (const f of files) {
    if (f.path.endsWith('.ts')) {
      const sf = ts.createSourceFile(f.path, f.content, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
      const diags = (sf as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics ?? [];
      for (const d of diags) problems.push(`${f.path}:${sf.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
    } else if (f.path.endsWith('.json')) {
      try {
        ajv.compile({ ...(JSON.parse(f.content) as object), $id: undefined });
      } catch (e) {
        problems.push(`${f.path}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------- payloads built to the schema

interface Vector {
  readonly event: string;
  readonly payload: unknown;
  readonly valid: boolean;
  readonly why: string;
}

function valueFor(field: FieldModel, model: CatalogModel): unknown {
  if (field.enum && field.enum.length) return field.enum[0];
  const key = model.configKeys.find((k) => k.field === (field.ref ?? field.name));
  if (key) return key.parts.map((p) => ('literal' in p ? p.literal : String(p.values[0]))).join('');
  const t = field.type;
  if (t.kind === 'object') return { any: 'thing' };
  if (t.kind === 'any') return 'anything';
  if (t.kind === 'array') return [elementValue(t.items)];
  if (t.kind === 'map') return { k: elementValue(t.values) };
  const first = t.types[0]!;
  if (first === 'string') {
    if (field.pattern !== undefined) return SAFE_PATTERNS.find((p) => p.pattern === field.pattern)?.yes ?? 'x';
    if (field.format === 'date-time') return '2024-01-02T03:04:05Z';
    return 'some text';
  }
  if (first === 'boolean') return true;
  const lo = field.minimum ?? (field.maximum !== undefined ? Math.min(0, field.maximum) : 1);
  return first === 'integer' ? Math.ceil(lo) : lo;
}

function elementValue(t: string): unknown {
  return { string: 's', integer: 3, number: 1.5, boolean: false, object: {}, any: null }[t];
}

/** A value of none of the field's types (undefined when the field takes anything). */
function wrongType(field: FieldModel): unknown {
  const t = field.type;
  if (t.kind === 'any') return undefined;
  if (t.kind === 'object' || t.kind === 'map') return 'not an object';
  if (t.kind === 'array') return { not: 'an array' };
  if (!t.types.includes('string')) return 'not a number';
  if (!t.types.includes('number') && !t.types.includes('integer')) return 12345;
  if (!t.types.includes('boolean')) return true;
  return [1];
}

function vectors(model: CatalogModel): Vector[] {
  const out: Vector[] = [];
  for (const event of model.events) {
    const valid: Record<string, unknown> = {};
    for (const f of event.fields) if (f.required || f.name.length % 2 === 0) valid[f.name] = valueFor(f, model);
    out.push({ event: event.name, payload: valid, valid: true, why: 'built to the schema' });
    if (event.fields.some((f) => f.nullable)) {
      const withNull = { ...valid };
      for (const f of event.fields) if (f.nullable) withNull[f.name] = null;
      out.push({ event: event.name, payload: withNull, valid: true, why: 'nullable fields null' });
    }
    for (const f of event.fields) {
      const put = (value: unknown, why: string) => out.push({ event: event.name, payload: { ...valid, [f.name]: value }, valid: false, why: `${f.name}: ${why}` });
      if (f.required) {
        const p = { ...valid };
        delete p[f.name];
        out.push({ event: event.name, payload: p, valid: false, why: `${f.name}: required, missing` });
      }
      const wrong = wrongType(f);
      if (wrong !== undefined) put(wrong, `wrong type ${JSON.stringify(wrong)}`);
      if (!f.nullable && f.type.kind !== 'any') put(null, 'null but not nullable');
      if (f.enum && f.enum.length) {
        const outside = typeof f.enum[0] === 'string' ? `${String(f.enum.join(''))}-outside` : Math.max(...f.enum.filter((v): v is number => typeof v === 'number')) + 1;
        if (!f.enum.includes(outside)) put(outside, `enum value outside ${JSON.stringify(outside)}`);
      }
      if (f.maximum !== undefined && !f.enum) put(f.maximum + 1, `above maximum ${f.maximum}`);
      if (f.minimum !== undefined && !f.enum) put(f.minimum - 1, `below minimum ${f.minimum}`);
      if (f.pattern !== undefined && !f.enum) {
        const no = SAFE_PATTERNS.find((p) => p.pattern === f.pattern)?.no;
        if (no !== undefined) put(no, `does not match ${f.pattern}`);
      }
      if (f.type.kind === 'scalar' && f.type.types.join() === 'integer' && !f.enum) put(1.5, 'not an integer');
    }
  }
  return out;
}

const CHECK_SCRIPT = (batch: readonly { name: string; vectors: readonly Vector[] }[]) => `
const BATCH = ${JSON.stringify(batch)};
for (const c of BATCH) {
  report({ start: c.name });
  const problems = [];
  delete globalThis.PWN;
  try {
    const m = await load(c.name);
    if (globalThis.PWN !== undefined) problems.push('importing ran catalog code: PWN = ' + globalThis.PWN);
    for (const v of c.vectors) {
      const r = m.validatePayload(v.event, v.payload);
      if (r.ok !== v.valid) problems.push(v.event + ' ' + v.why + ': validatePayload said ' + (r.ok ? 'ok' : JSON.stringify(r.issues)) + ' for ' + JSON.stringify(v.payload));
    }
    for (const s of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const own = m.SPELLING_TO_EVENT && Object.hasOwn(m.SPELLING_TO_EVENT, s);
      const r = m.resolveEvent(s);
      if (!own && r !== undefined) problems.push('resolveEvent(' + s + ') = ' + String(r));
      if (own && r !== m.SPELLING_TO_EVENT[s]) problems.push('resolveEvent(' + s + ') is not its event');
    }
  } catch (e) {
    problems.push('threw: ' + (e && e.stack ? e.stack.split('\\n').slice(0, 4).join(' | ') : String(e)));
  }
  if (globalThis.PWN !== undefined) problems.push('catalog code ran: PWN = ' + globalThis.PWN);
  report({ done: c.name, problems });
}
`;

// ---------------------------------------------------------------- the tests

let app: CompiledApp | undefined;
afterAll(() => app?.dispose());

describe(`random valid catalogs (RR_TEST_SEED=${SEED})`, () => {
  it(`${RUNS} catalogs: generate() accepts each; its TypeScript parses; its JSON Schemas compile`, async () => {
    await fc.assert(
      fc.asyncProperty(catalogArb, async (spec) => {
        await new Promise((r) => setImmediate(r)); // let the worker answer vitest between catalogs
        let result;
        try {
          result = generate(sourcesOf(spec));
        } catch (e) {
          throw new Error(`generate() threw: ${(e as Error).message}\n${dump(spec)}`);
        }
        if (!result.ok) throw new Error(`refused a valid catalog:\n${result.problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`).join('\n')}\n--- the catalog:\n${dump(spec)}`);
        const problems = cheapProblems(result.files);
        if (problems.length) throw new Error(`${problems.join('\n')}\n${dump(spec)}`);
      }),
      // A failure is reported with the counterexample found so far rather than shrunk past the test's timeout.
      { seed: SEED, numRuns: RUNS, verbose: 0, includeErrorInReport: true, interruptAfterTimeLimit: 200_000, markInterruptAsFailure: true },
    );
  }, 300_000);

  it(`${BATCH} catalogs: strictest tsc, plain tsc, imported by Node; validators accept payloads built to the schema and refuse broken ones`, async () => {
    const specs = fc.sample(catalogArb, { seed: SEED + 1, numRuns: BATCH });
    const batch: { name: string; spec: CatalogSpec; files: readonly GeneratedFile[]; vectors: Vector[] }[] = [];
    const refused: string[] = [];
    specs.forEach((spec, i) => {
      try {
        const r = generate(sourcesOf(spec));
        if (r.ok) batch.push({ name: `c${i}`, spec, files: r.files, vectors: vectors(r.model) });
        else refused.push(`c${i}: ${r.problems.map((p) => p.message).join('; ')}`);
      } catch (e) {
        refused.push(`c${i}: generate() threw: ${(e as Error).message}`);
      }
    });
    app = await compileApp(batch.map((b) => ({ name: b.name, files: b.files })));
    const runProblems = new Map<string, string[]>();
    let remaining = batch;
    while (remaining.length) {
      const r = await app.run(CHECK_SCRIPT(remaining.map((b) => ({ name: b.name, vectors: b.vectors }))));
      let current: string | undefined;
      for (const rep of r.reports as { start?: string; done?: string; problems?: string[] }[]) {
        if (rep.start) current = rep.start;
        if (rep.done) (runProblems.set(rep.done, rep.problems ?? []), (current = undefined));
      }
      if (current) runProblems.set(current, [`node ended (exit ${r.code}): ${r.stderr.split('\n').slice(0, 3).join(' | ')}`]);
      const next = remaining.filter((b) => !runProblems.has(b.name));
      if (next.length === remaining.length) {
        for (const b of next) runProblems.set(b.name, [`never ran: ${r.stderr.split('\n').slice(0, 3).join(' | ')}`]);
        break;
      }
      remaining = next;
    }
    const failures: string[] = [];
    for (const b of batch) {
      const problems = [
        ...app.diagnostics(b.name).map((d) => `strict: ${formatDiagnostics([d])}`),
        ...app.emitDiagnostics.filter((d) => d.file.startsWith(`${b.name}/`)).map((d) => `plain tsc: ${formatDiagnostics([d])}`),
        ...(runProblems.get(b.name) ?? ['not run']),
      ];
      if (problems.length) failures.push(`${b.name} (written to ${saveFailure(b.name, b.spec)}):\n  ${problems.slice(0, 12).join('\n  ')}`);
    }
    const vectorsRun = batch.reduce((n, b) => n + b.vectors.length, 0);
    const kinds = new Map<string, number>();
    for (const v of batch.flatMap((b) => b.vectors)) {
      const kind = v.valid ? 'valid' : (/: (required|wrong type|null but|enum value|above|below|does not match|not an integer)/.exec(v.why)?.[1] ?? 'other');
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    console.log(`property.test: batch of ${batch.length} catalogs (${refused.length} refused), ${vectorsRun} payloads validated: ${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}`);
    expect(kinds.get('valid') ?? 0).toBeGreaterThan(0);
    expect(vectorsRun - (kinds.get('valid') ?? 0)).toBeGreaterThan(0);
    expect(refused, 'valid catalogs refused').toEqual([]);
    expect(failures.join('\n'), `RR_TEST_SEED=${SEED}`).toBe('');
  }, 600_000);
});

function dump(spec: CatalogSpec): string {
  return sourcesOf(spec).map((s) => `--- ${s.path}\n${s.text}`).join('\n');
}

function saveFailure(name: string, spec: CatalogSpec): string {
  const dir = join(ROOT, '.tmp', 'property-failures', String(SEED), name);
  mkdirSync(dir, { recursive: true });
  for (const s of sourcesOf(spec, dir)) writeFileSync(s.path, s.text);
  return dir;
}
