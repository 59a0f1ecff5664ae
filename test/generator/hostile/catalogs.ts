/**
 * The hostile catalog corpus: a small base catalog (every feature once) and
 * one change per finding. Each case either must be refused (`file:line:col`
 * at the offending key, exit 2), must generate code that compiles under the
 * strictest settings and runs nothing the catalog wrote, or may do either.
 *
 * A case is data: `files` are the catalog's YAML texts; `refusedAt` the key
 * (a path into one file) a refusal must point at; `check` JavaScript run in
 * Node against the generated module `m` (with `assert` = node:assert/strict)
 * when the catalog was accepted.
 */
import { stringify } from 'yaml';

export type Expect = 'refused' | 'generated' | 'either';

export interface HostileCase {
  readonly name: string;
  /** What the finding is, in one line. */
  readonly finding: string;
  readonly expect: Expect;
  readonly files: Readonly<Record<string, string>>;
  /** Where a refusal must point: a file and the path of keys (and list indices) to the offending node, or the text found there. */
  readonly refusedAt?: { readonly file: string; readonly path?: readonly (string | number)[]; readonly text?: string; readonly message?: RegExp };
  /** JavaScript (an async function body) run with `m` (the generated index), `SAMPLE`, `assert` and `newRouter(m)` (a private router). */
  readonly check?: string;
  /** An event and a payload the base validators must accept (and must refuse without its required fields); default JOB_DONE's. */
  readonly sample?: { readonly event: string; readonly payload: Record<string, unknown> } | null;
}

// ---------------------------------------------------------------- the base catalog

type Yaml = Record<string, unknown>;
export interface BaseCatalog {
  'catalog.yaml': Yaml;
  'fields.yaml': Yaml;
  'jobs.yaml': Yaml;
  'emitters.yaml': Yaml;
  'flows.yaml': Yaml;
  [file: string]: Yaml;
}

export function base(): BaseCatalog {
  return {
    'catalog.yaml': { catalog: { name: 'hostile', description: 'A catalog under attack.', schema_base_url: 'https://example.test/schemas/' } },
    'fields.yaml': {
      common_fields: {
        timestamp: { type: ['string', 'number'], description: 'When.' },
        source: { type: 'string', description: 'Who.' },
      },
      fields: {
        config_key: { type: 'string', composed_of: '{board_type}_{num_players}p', description: 'Config key.', aliases: ['config'] },
        board_type: { type: 'string', enum: ['hex8', 'square8'], description: 'Board.' },
        num_players: { type: 'integer', enum: [2, 4], description: 'Players.' },
        model_path: { type: 'string', description: 'Model path.', aliases: ['checkpoint_path'] },
      },
    },
    'jobs.yaml': {
      category: { name: 'jobs', title: 'Jobs', description: 'Jobs.' },
      events: {
        JOB_DONE: {
          value: 'job_done',
          topic: 'job.done',
          stage: 'job_complete',
          cross_process: 'JOB_DONE',
          spellings: ['JOB_FINISHED'],
          description: 'A job finished.',
          producers: ['Worker'],
          consumers: ['Coordinator'],
          sources: ['DOC.md'],
          dedup: { fields: ['config_key'] },
          payload: {
            config_key: { ref: 'config_key', required: true },
            model_path: { ref: 'model_path', required: true },
            epochs: { type: 'integer', required: true, minimum: 0, maximum: 1000, description: 'Epochs.' },
            loss: { type: 'number', nullable: true, description: 'Loss.' },
            kind: { type: 'string', enum: ['fast', 'slow'], description: 'Kind.' },
            tags: { type: 'array', items: 'string', description: 'Tags.' },
          },
        },
        JOB_STARTED: {
          value: 'job_started',
          topic: 'job.started',
          description: 'A job started.',
          dedup: 'payload',
          payload: { job_id: { type: 'string', required: true, description: 'The job.' } },
        },
      },
    },
    'emitters.yaml': {
      emitters: {
        emit_job_complete: { event: 'JOB_DONE', description: 'Announce a finished job.' },
        emit_job_kicked_off: { description: 'Start or finish.', select: { argument: 'mode', default: 'start', cases: { start: 'JOB_STARTED', finish: 'JOB_DONE' } } },
      },
      extractors: { extract_job_data: { event: 'JOB_DONE', description: 'Parse JOB_DONE.' } },
    },
    'flows.yaml': { flows: { job_flow: { title: 'Job flow', description: 'Jobs start and finish.', events: ['JOB_STARTED', 'JOB_DONE'] } } },
  };
}

export const BASE_SAMPLE = {
  event: 'JOB_DONE',
  payload: { config_key: 'hex8_2p', model_path: '/m.pth', epochs: 3, loss: null, kind: 'fast', tags: ['a'] },
} as const;

/** The YAML texts of a catalog object (`null` drops a file). */
export function render(cat: Record<string, Yaml | null>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [file, doc] of Object.entries(cat)) if (doc !== null) out[file] = stringify(doc, { lineWidth: 0 });
  return out;
}

/** A case built from the base: `change` edits a fresh copy in place. */
function variant(name: string, finding: string, expect: Expect, change: (c: BaseCatalog) => void, more: Partial<HostileCase> = {}): HostileCase {
  const c = base();
  change(c);
  return { name, finding, expect, files: render(c), ...more };
}

/** `obj[key] = value` that also works for `__proto__` (an own key, as YAML makes it, not the prototype). */
function setKey<T extends object>(obj: T, key: string, value: unknown): T {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  return obj;
}

const jobs = (c: BaseCatalog) => (c['jobs.yaml'] as { events: Record<string, Record<string, unknown>> }).events;
const jobDone = (c: BaseCatalog) => jobs(c)['JOB_DONE'] as Record<string, unknown> & { payload: Record<string, Record<string, unknown>> };
const jobStarted = (c: BaseCatalog) => jobs(c)['JOB_STARTED'] as Record<string, unknown> & { payload: Record<string, Record<string, unknown>> };
const shared = (c: BaseCatalog) => (c['fields.yaml'] as { fields: Record<string, Record<string, unknown>> }).fields;
const emitters = (c: BaseCatalog) => (c['emitters.yaml'] as { emitters: Record<string, Record<string, unknown>> }).emitters;

// ---------------------------------------------------------------- hostile strings

/** Strings that try to leave a comment, a string, a template literal or a script; each would set `globalThis.PWN`, exit, or throw if it ran. */
export const HOSTILE_TEXTS: readonly { readonly id: string; readonly text: string }[] = [
  { id: 'comment_end', text: '*/ globalThis.PWN = "comment"; /*' },
  { id: 'double_quote', text: '"; globalThis.PWN = "dq"; "' },
  { id: 'single_quote', text: "'; globalThis.PWN = 'sq'; '" },
  { id: 'backtick', text: '`; globalThis.PWN = `bt`; `' },
  { id: 'template', text: '${globalThis.PWN = "tpl"} ${process.exit(1)}' },
  { id: 'newline', text: 'line one\nglobalThis.PWN = "nl"; // line two\r\n*/ x' },
  { id: 'line_separator', text: 'a\u2028globalThis.PWN = "ls";//\u2029b' },
  { id: 'script', text: '</script><script>globalThis.PWN = "script"</script><!-- -->' },
  { id: 'backslash', text: 'ends in a backslash \\' },
  { id: 'escapes', text: '\\u0041 \\x41 \\n \\" \\\' \\` \\${x}' },
  { id: 'controls', text: 'nul \u0000 bell \u0007 esc \u001b[31m red del \u007f' },
  { id: 'unicode', text: 'emoji 😀👨‍👩‍👧 rtl \u202Eevil\u202C \u200F mark bom \uFEFF zero-width \u200B' },
  { id: 'long', text: `${'a very long description, '.repeat(4000)}end` },
  { id: 'markdown', text: '| a | b |\n|---|---|\n[x](javascript:globalThis.PWN=1) ```code``` # heading' },
  { id: 'yaml_like', text: '--- !!js/function "x" &a *a { } [ ] : # ' },
  { id: 'require', text: '${require("node:fs").writeFileSync("PWNED-FILE", "")}' },
];

/** Every free-text position of the format, filled with one hostile string. */
function hostileEverywhere(id: string, t: string): HostileCase {
  return variant(
    `text_${id}`,
    `a hostile string (${id}) in every description, title, producer, consumer, source, enum value and flow title`,
    'generated',
    (c) => {
      (c['catalog.yaml'] as { catalog: Yaml }).catalog['description'] = t;
      const cat = (c['jobs.yaml'] as { category: Yaml }).category;
      cat['title'] = t;
      cat['description'] = t;
      for (const f of Object.values(shared(c))) f['description'] = t;
      const common = (c['fields.yaml'] as { common_fields: Record<string, Yaml> }).common_fields;
      for (const f of Object.values(common)) f['description'] = t;
      for (const e of Object.values(jobs(c))) {
        e['description'] = t;
        e['producers'] = [t, `${t} 2`];
        e['consumers'] = [`${t} 3`];
        e['sources'] = [`${t} 4`];
      }
      for (const f of Object.values(jobDone(c).payload)) if (!('ref' in f)) f['description'] = t;
      jobDone(c).payload['config_key']!['description'] = t; // an override on a ref
      jobDone(c).payload['kind'] = { type: 'string', enum: [t, `${t}!`], description: t };
      for (const e of Object.values(emitters(c))) e['description'] = t;
      (c['emitters.yaml'] as { extractors: Record<string, Yaml> }).extractors['extract_job_data']!['description'] = t;
      const flow = (c['flows.yaml'] as { flows: Record<string, Yaml> }).flows['job_flow']!;
      flow['title'] = t;
      flow['description'] = t;
    },
    {
      sample: { event: 'JOB_DONE', payload: { ...BASE_SAMPLE.payload, kind: t } },
      check: `
        const t = ${JSON.stringify(t)};
        // The strings arrive intact where the generated code carries them.
        assert.equal(m.validatePayload('JOB_DONE', { ...SAMPLE.payload, kind: t + '!' }).ok, true);
        assert.equal(m.validatePayload('JOB_DONE', { ...SAMPLE.payload, kind: t + '?' }).ok, false);
        if (m.EVENT_METADATA) {
          assert.deepEqual([...m.EVENT_METADATA.JOB_DONE.producers], [t, t + ' 2']);
          assert.deepEqual([...m.EVENT_METADATA.JOB_DONE.consumers], [t + ' 3']);
        }`,
    },
  );
}

// ---------------------------------------------------------------- the cases

const PROTO_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__', 'prototype'];

/** Node checks that the spellings of Object.prototype resolve to nothing (unless listed in `own`). */
function protoChecks(own: Record<string, string> = {}): string {
  return `
    const own = ${JSON.stringify(own)};
    for (const s of ${JSON.stringify(PROTO_NAMES)}) {
      const want = Object.hasOwn(own, s) ? own[s] : undefined;
      assert.equal(m.resolveEvent(s), want, 'resolveEvent(' + s + ')');
      for (const f of ['getDataEventType', 'getStageEventType', 'getCrossProcessEventType', 'getDataEventTypeFromCrossProcess', 'getCrossProcessEventTypeForStage']) {
        if (typeof m[f] !== 'function') continue;
        const r = m[f](s);
        assert.ok(r === undefined || typeof r === 'string', f + '(' + s + ') gave a ' + typeof r);
        if (!Object.hasOwn(own, s)) assert.equal(r, undefined, f + '(' + s + ')');
      }
      const v = (() => { try { return m.validatePayload(s, {}); } catch (e) { return { threw: String(e) }; } })();
      if (!Object.hasOwn(own, s)) assert.notEqual(v && v.ok, true, 'validatePayload(' + s + ') said ok');
    }`;
}

export function hostileCases(): HostileCase[] {
  const cases: HostileCase[] = [];
  const add = (c: HostileCase) => cases.push(c);

  add(variant('base', 'the base catalog itself', 'generated', () => {}, { check: protoChecks() }));

  // -------- schema_base_url reached ajv's `/*# sourceURL=… */` comment in every validator
  for (const [id, url] of [
    ['comment', 'https://example.test/*/globalThis.PWN=1;/*/'],
    ['quote', 'https://example.test/"+(globalThis.PWN=1)+"/'],
    ['backtick', 'https://example.test/`${globalThis.PWN=1}`/'],
    ['newline', 'https://example.test/\nglobalThis.PWN=1;//'],
    ['javascript', 'javascript:globalThis.PWN=1//'],
    ['space', 'https://example.test/a b/'],
  ] as const) {
    add(variant(`base_url_${id}`, `catalog.schema_base_url with ${id}`, 'refused', (c) => {
      (c['catalog.yaml'] as { catalog: Yaml }).catalog['schema_base_url'] = url;
    }, { refusedAt: { file: 'catalog.yaml', path: ['catalog', 'schema_base_url'] } }));
  }

  // -------- catalogs missing optional parts
  add(variant('no_extractors_no_composed', 'no extractors and no composed_of (printed `import type "./payloads.js";`)', 'generated', (c) => {
    delete (c['emitters.yaml'] as Yaml)['extractors'];
    delete shared(c)['config_key']!['composed_of'];
  }, { sample: { event: 'JOB_DONE', payload: { ...BASE_SAMPLE.payload, config_key: 'anything' } } }));
  add(variant('no_emitters', 'no emitters, no extractors (no emitters.yaml)', 'generated', (c) => {
    (c as Record<string, Yaml | null>)['emitters.yaml'] = null;
  }));
  add({
    name: 'one_event',
    finding: 'a catalog with one event and nothing else',
    expect: 'generated',
    files: render({
      'catalog.yaml': { catalog: { name: 'one', description: 'One event.' } },
      'one.yaml': { category: { name: 'one', title: 'One', description: 'One.' }, events: { ONLY: { value: 'only', topic: 'only.one', description: 'The only event.' } } },
    }),
    sample: { event: 'ONLY', payload: {} },
    check: `assert.equal(m.resolveEvent('only.one'), 'ONLY'); ${protoChecks()}`,
  });
  add({
    name: 'one_event_no_payload_fields',
    finding: 'one event, payload_documented: false, no common fields',
    expect: 'generated',
    files: render({
      'catalog.yaml': { catalog: { name: 'bare', description: 'Bare.' } },
      'one.yaml': { category: { name: 'bare', title: 'Bare', description: 'Bare.' }, events: { BARE: { value: 'bare', topic: 'bare.event', description: 'Bare.', payload_documented: false } } },
    }),
    sample: { event: 'BARE', payload: {} },
  });

  // -------- reserved words as composed_of parts and field names
  const RESERVED = ['new', 'class', 'delete', 'await', 'default', 'function', 'import', 'export', 'enum', 'let', 'static', 'yield', 'this', 'super', 'null', 'true', 'void', 'typeof', 'in', 'instanceof', 'arguments', 'eval', 'then', 'constructor', 'prototype'];
  add(variant('composed_reserved_parts', 'composed_of parts (shared fields) named new, class, delete, await', 'either', (c) => {
    const f = shared(c);
    for (const w of ['new', 'class', 'delete', 'await']) f[w] = { type: 'string', enum: [`${w}1`, `${w}2`], description: w };
    f['config_key']!['composed_of'] = '{new}-{class}-{delete}-{await}';
  }, {
    refusedAt: { file: 'fields.yaml', path: ['fields'] },
    sample: { event: 'JOB_DONE', payload: { ...BASE_SAMPLE.payload, config_key: 'new1-class2-delete1-await2' } },
    check: `
      assert.equal(m.makeConfigKey('new1', 'class2', 'delete1', 'await2'), 'new1-class2-delete1-await2');
      assert.deepEqual({ ...m.parseConfigKey('new2-class1-delete2-await1') }, { new: 'new2', class: 'class1', delete: 'delete2', await: 'await1' });
      assert.equal(m.validatePayload('JOB_DONE', { ...SAMPLE.payload, config_key: 'new1-class1-delete1-await3' }).ok, false);`,
  }));
  add(variant('fields_reserved_words', 'payload fields named after reserved words and Object.prototype members (some required)', 'either', (c) => {
    const p = jobStarted(c).payload;
    for (const w of RESERVED) p[w] = { type: 'string', required: w === 'constructor' || w === 'new' || w === 'then', description: `The ${w}.` };
  }, {
    refusedAt: { file: 'jobs.yaml', path: ['events', 'JOB_STARTED', 'payload'] },
    sample: { event: 'JOB_STARTED', payload: { job_id: 'j', constructor: 'c', new: 'n', then: 't' } },
    check: `
      // A required field named constructor is enforced: every object inherits a "constructor".
      const r = m.validatePayload('JOB_STARTED', { job_id: 'j', new: 'n', then: 't' });
      assert.equal(r.ok, false, 'payload without constructor accepted');
      assert.ok(r.issues.some((i) => i.field === 'constructor'), JSON.stringify(r.issues));
      assert.equal(m.validatePayload('JOB_STARTED', { job_id: 'j', constructor: 'c', new: 'n' }).ok, false, 'without then');
      assert.equal(m.validatePayload('JOB_STARTED', { job_id: 'j', constructor: 5, new: 'n', then: 't' }).ok, false, 'constructor: 5');`,
  }));
  add(variant('field_constructor_required', 'a required field named constructor (must be enforced at run time)', 'generated', (c) => {
    jobStarted(c).payload['constructor'] = { type: 'string', required: true, description: 'Named constructor.' };
  }, {
    sample: { event: 'JOB_STARTED', payload: { job_id: 'j', constructor: 'c' } },
    check: `
      const r = m.validatePayload('JOB_STARTED', { job_id: 'j' });
      assert.equal(r.ok, false, 'a payload without constructor was accepted');
      assert.equal(m.validatePayload('JOB_STARTED', Object.assign(Object.create(null), { job_id: 'j' })).ok, false);
      // Through the router as well: publishing it is refused.
      const router = newRouter(m);
      let refused = false;
      try { await router.publish('JOB_STARTED', { job_id: 'j' }); } catch { refused = true; }
      assert.equal(refused, true, 'publish without constructor was accepted');`,
  }));
  for (const name of ['__proto__', 'toString', 'valueOf', 'hasOwnProperty']) {
    add(variant(`field_${name}`, `a field named ${name}`, 'either', (c) => {
      setKey(jobStarted(c).payload, name, { type: 'string', required: true, description: name });
    }, {
      refusedAt: { file: 'jobs.yaml', path: ['events', 'JOB_STARTED', 'payload', name] },
      sample: { event: 'JOB_STARTED', payload: { job_id: 'j', [name]: 'x' } },
      check: `assert.equal(m.validatePayload('JOB_STARTED', { job_id: 'j' }).ok, false);`,
    }));
  }
  add(variant('aliases_proto', 'aliases named constructor, prototype, then (normalization must not see inherited properties)', 'either', (c) => {
    jobStarted(c).payload['job_id']!['aliases'] = ['constructor', 'prototype', 'then'];
  }, {
    refusedAt: { file: 'jobs.yaml', path: ['events', 'JOB_STARTED', 'payload', 'job_id', 'aliases'] },
    sample: { event: 'JOB_STARTED', payload: { job_id: 'j' } },
    check: `
      const plain = m.normalizePayload('JOB_STARTED', { job_id: 'j' });
      const out = plain.payload ?? plain;
      assert.equal(out.job_id, 'j', 'normalizing a plain payload changed job_id: ' + JSON.stringify(plain));
      const renamed = m.normalizePayload('JOB_STARTED', { then: 'j2' });
      assert.equal((renamed.payload ?? renamed).job_id, 'j2', JSON.stringify(renamed));`,
  }));
  add(variant('dedup_constructor', 'a dedup field named constructor', 'either', (c) => {
    jobStarted(c).payload['constructor'] = { type: 'string', description: 'c' };
    jobStarted(c)['dedup'] = { fields: ['constructor'] };
  }, { refusedAt: { file: 'jobs.yaml', path: ['events', 'JOB_STARTED'] }, sample: { event: 'JOB_STARTED', payload: { job_id: 'j' } } }));

  // -------- composed_of literal text and enum values
  const TRICKY_LITERAL = '*/`\\\n\u2028\u2029"\'</script>';
  add(variant('composed_literal_tricky', 'composed_of literal text with */, backtick, backslash, newline, U+2028/9, quotes', 'either', (c) => {
    shared(c)['config_key']!['composed_of'] = `{board_type}${TRICKY_LITERAL}{num_players}p`;
  }, {
    refusedAt: { file: 'fields.yaml', path: ['fields', 'config_key', 'composed_of'] },
    sample: { event: 'JOB_DONE', payload: { ...BASE_SAMPLE.payload, config_key: `hex8${TRICKY_LITERAL}2p` } },
    check: `
      const lit = ${JSON.stringify(TRICKY_LITERAL)};
      assert.equal(m.makeConfigKey('hex8', 2), 'hex8' + lit + '2p');
      assert.deepEqual({ ...m.parseConfigKey('square8' + lit + '4p') }, { board_type: 'square8', num_players: 4 });
      assert.equal(m.isConfigKey('hex8_2p'), false);`,
  }));
  add(variant('composed_literal_template', 'composed_of literal text with `${`', 'either', (c) => {
    shared(c)['config_key']!['composed_of'] = '{board_type}${x}{num_players}';
  }, {
    refusedAt: { file: 'fields.yaml', path: ['fields', 'config_key', 'composed_of'] },
    sample: { event: 'JOB_DONE', payload: { ...BASE_SAMPLE.payload, config_key: 'hex8${x}2' } },
  }));
  const TRICKY_VALUES = ['a*/b', 'c`d', 'e\\f', 'g\nh', 'i\u2028j', 'k${l}', 'm\'n"o', '</script>', 'p.q+r(s)[t]|u^v$w?', ''];
  add(variant('composed_values_tricky', 'enum values of a composed_of part with */, backtick, backslash, newline, U+2028, ${, quotes, regex characters', 'either', (c) => {
    shared(c)['board_type']!['enum'] = TRICKY_VALUES;
    shared(c)['num_players']!['enum'] = [2, -1, 1.5, 1e21];
  }, {
    refusedAt: { file: 'fields.yaml', path: ['fields'] },
    sample: { event: 'JOB_DONE', payload: { ...BASE_SAMPLE.payload, config_key: 'a*/b_2p' } },
    check: `
      for (const v of ${JSON.stringify(TRICKY_VALUES)}) for (const n of [2, -1, 1.5, 1e21]) {
        const key = m.makeConfigKey(v, n);
        assert.equal(key, v + '_' + String(n) + 'p');
        assert.deepEqual({ ...m.parseConfigKey(key) }, { board_type: v, num_players: n }, key);
        assert.equal(m.validatePayload('JOB_DONE', { ...SAMPLE.payload, config_key: key }).ok, true, key);
      }
      assert.equal(m.isConfigKey('aX/b_2p'), false, 'a regex character was not escaped');
      assert.equal(m.isConfigKey('pXq+r(s)[t]|u^v$w?_2p'), false, 'a regex character was not escaped');`,
  }));
  add(variant('composed_repeated_part', 'composed_of naming one part twice (a duplicate parameter)', 'either', (c) => {
    shared(c)['config_key']!['composed_of'] = '{board_type}_{board_type}';
  }, {
    refusedAt: { file: 'fields.yaml', path: ['fields', 'config_key', 'composed_of'] },
    sample: { event: 'JOB_DONE', payload: { ...BASE_SAMPLE.payload, config_key: 'hex8_hex8' } },
  }));
  add(variant('composed_literal_only', 'composed_of without any part', 'either', (c) => {
    shared(c)['config_key']!['composed_of'] = 'fixed';
  }, {
    refusedAt: { file: 'fields.yaml', path: ['fields', 'config_key', 'composed_of'] },
    sample: { event: 'JOB_DONE', payload: { ...BASE_SAMPLE.payload, config_key: 'fixed' } },
  }));

  // -------- spellings, stages, values
  add(variant('spellings_proto', 'spellings constructor, toString, hasOwnProperty, valueOf: they resolve to their event', 'generated', (c) => {
    jobStarted(c)['spellings'] = ['constructor', 'toString', 'hasOwnProperty', 'valueOf'];
  }, { check: protoChecks({ constructor: 'JOB_STARTED', toString: 'JOB_STARTED', hasOwnProperty: 'JOB_STARTED', valueOf: 'JOB_STARTED' }) }));
  for (const [id, s] of [['proto', '__proto__'], ['star', '*'], ['job_star', 'JOB_*'], ['space', 'JOB DONE'], ['empty', '']] as const) {
    add(variant(`spelling_${id}`, `a spelling ${JSON.stringify(s)}`, 'refused', (c) => {
      jobStarted(c)['spellings'] = ['JOB_BEGAN', s];
    }, { refusedAt: { file: 'jobs.yaml', path: ['events', 'JOB_STARTED', 'spellings', 1] } }));
  }
  add(variant('stage_value_constructor', 'an event whose value and stage are "constructor" (its stage enum name CONSTRUCTOR)', 'generated', (c) => {
    jobStarted(c)['value'] = 'constructor';
    jobStarted(c)['stage'] = 'constructor';
    jobStarted(c)['topic'] = 'constructor.started';
  }, {
    check: `
      ${protoChecks({ constructor: 'JOB_STARTED' })}
      assert.equal(m.resolveEvent('CONSTRUCTOR'), 'JOB_STARTED');
      assert.equal(m.getDataEventType('constructor'), 'constructor');
      assert.equal(m.getStageEventType('constructor'), 'constructor');`,
  }));
  for (const [key, value] of [['stage', '__proto__'], ['value', '__proto__'], ['stage', 'JOB_*'], ['cross_process', '__PROTO__'], ['topic', '__proto__.x']] as const) {
    add(variant(`${key}_${value.replace(/\W/g, 'x')}`, `${key} ${value}`, 'refused', (c) => {
      jobStarted(c)[key] = value;
    }, { refusedAt: { file: 'jobs.yaml', path: ['events', 'JOB_STARTED', key] } }));
  }
  add(variant('spellings_separators', 'spellings with ".", "-", ":" (quoted keys in the tables)', 'generated', (c) => {
    jobStarted(c)['spellings'] = ['job-started', 'job:started', 'Job.Started.Now'];
  }, { check: `for (const s of ['job-started', 'job:started', 'Job.Started.Now']) assert.equal(m.resolveEvent(s), 'JOB_STARTED');` }));

  // -------- select emitters
  add(variant('select_case_proto', 'a select case __proto__', 'refused', (c) => {
    (emitters(c)['emit_job_kicked_off']!['select'] as { cases: Yaml }).cases = setKey({ start: 'JOB_STARTED' }, '__proto__', 'JOB_DONE');
  }, { refusedAt: { file: 'emitters.yaml', path: ['emitters', 'emit_job_kicked_off', 'select', 'cases', '__proto__'] } }));
  add(variant('select_case_constructor', 'select cases constructor and to_string, default constructor', 'generated', (c) => {
    emitters(c)['emit_job_kicked_off']!['select'] = { argument: 'mode', default: 'constructor', cases: { constructor: 'JOB_STARTED', to_string: 'JOB_DONE' } };
  }, {
    check: `
      const router = newRouter(m);
      const seen = [];
      router.subscribe('JOB_STARTED', (e) => { seen.push(e.type); });
      await m.emitJobKickedOff({ job_id: 'j1' }, { router });
      await m.emitJobKickedOff({ mode: 'constructor', job_id: 'j2' }, { router });
      await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(seen, ['JOB_STARTED', 'JOB_STARTED']);
      for (const bad of ['toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
        let threw = false;
        try { await m.emitJobKickedOff({ mode: bad, job_id: 'j' }, { router }); } catch { threw = true; }
        assert.equal(threw, true, 'mode ' + bad + ' was accepted');
      }`,
  }));
  add(variant('select_argument_reserved', 'a select argument named after generated locals (payload, options, args) and a reserved word', 'either', (c) => {
    emitters(c)['emit_job_kicked_off']!['select'] = { argument: 'payload', cases: { start: 'JOB_STARTED', finish: 'JOB_DONE' } };
    emitters(c)['emit_job_other'] = { description: 'Other.', select: { argument: 'new', cases: { a: 'JOB_STARTED', b: 'JOB_DONE' } } };
    emitters(c)['emit_job_third'] = { description: 'Third.', select: { argument: 'options', cases: { a: 'JOB_STARTED', b: 'JOB_DONE' } } };
  }, { refusedAt: { file: 'emitters.yaml', path: ['emitters'] } }));

  // -------- generated names a catalog can collide with
  add(variant('extractor_generated_name', 'an extractor named like a generated helper (extract_config_key, extract_model_path)', 'either', (c) => {
    (c['emitters.yaml'] as { extractors: Record<string, Yaml> }).extractors['extract_config_key'] = { event: 'JOB_DONE', description: 'Clash.' };
  }, { refusedAt: { file: 'emitters.yaml', path: ['extractors', 'extract_config_key'] } }));
  add(variant('shared_type_name_clash', 'shared fields whose type names are generated names (ConfigKeyError, CatalogRouter, EventSpelling, SpellingMap)', 'either', (c) => {
    for (const n of ['config_key_error', 'catalog_router', 'event_spelling', 'spelling_map', 'event_catalog_types']) shared(c)[n] = { type: 'string', enum: ['a'], description: n };
  }, { refusedAt: { file: 'fields.yaml', path: ['fields'] } }));
  add(variant('shared_type_names_collide', 'two shared fields with one type name (level_2 and level2 are both Level2)', 'either', (c) => {
    shared(c)['level_2'] = { type: 'string', enum: ['a'], description: 'x' };
    shared(c)['level2'] = { type: 'string', enum: ['b'], description: 'y' };
  }, { refusedAt: { file: 'fields.yaml', path: ['fields'] } }));
  add(variant('events_proto_names', 'events named CONSTRUCTOR, PROTOTYPE, TO_STRING, HAS_OWN_PROPERTY, OBJECT, PROMISE', 'generated', (c) => {
    for (const n of ['CONSTRUCTOR', 'PROTOTYPE', 'TO_STRING', 'HAS_OWN_PROPERTY', 'OBJECT', 'PROMISE']) {
      jobs(c)[n] = { value: n.toLowerCase(), topic: `proto.${n.toLowerCase()}`, description: n, payload: { n: { type: 'integer', required: true, description: 'N.' } } };
    }
  }, {
    check: `
      ${protoChecks({ constructor: 'CONSTRUCTOR', prototype: 'PROTOTYPE' })}
      assert.equal(m.resolveEvent('to_string'), 'TO_STRING');
      assert.equal(m.validatePayload('CONSTRUCTOR', { n: 1 }).ok, true);
      assert.equal(m.validatePayload('CONSTRUCTOR', {}).ok, false);`,
  }));
  add(variant('names_constructor', 'a category, flow, emitter and extractor named constructor', 'either', (c) => {
    (c['jobs.yaml'] as { category: Yaml }).category['name'] = 'constructor';
    (c['flows.yaml'] as { flows: Record<string, Yaml> }).flows = { constructor: { title: 'C', description: 'C.', events: ['JOB_DONE'] } };
    emitters(c)['emit_constructor'] = { event: 'JOB_STARTED', description: 'C.' };
    (c['emitters.yaml'] as { extractors: Record<string, Yaml> }).extractors['extract_constructor'] = { event: 'JOB_DONE', description: 'C.' };
  }, { refusedAt: { file: 'jobs.yaml', path: [] } }));

  // -------- regular expressions
  for (const [id, pattern] of [
    ['nested_plus', '^(a+)+$'],
    ['alternation', '(a|a)*'],
    ['words', '(\\w+\\s?)*$'],
    ['overlap', '^(a|aa)+$'],
    ['double', '(x+x+)+y'],
    ['backref', '^(a*)*\\1$'],
  ] as const) {
    add(variant(`pattern_${id}`, `a catastrophic pattern ${pattern}`, 'refused', (c) => {
      jobStarted(c).payload['job_id']!['pattern'] = pattern;
    }, { refusedAt: { file: 'jobs.yaml', path: ['events', 'JOB_STARTED', 'payload', 'job_id', 'pattern'], message: /job_id/ } }));
  }
  add(variant('pattern_invalid', 'a pattern that is not a regular expression', 'refused', (c) => {
    jobStarted(c).payload['job_id']!['pattern'] = '(unclosed';
  }, { refusedAt: { file: 'jobs.yaml', path: ['events', 'JOB_STARTED', 'payload', 'job_id', 'pattern'], message: /job_id/ } }));
  add(variant('pattern_unicode_invalid', 'a pattern valid without the u flag, invalid with it (ajv uses u)', 'either', (c) => {
    jobStarted(c).payload['job_id']!['pattern'] = '^a\\-b$';
  }, {
    refusedAt: { file: 'jobs.yaml', path: ['events', 'JOB_STARTED', 'payload', 'job_id', 'pattern'] },
    sample: { event: 'JOB_STARTED', payload: { job_id: 'a-b' } },
  }));
  add(variant('pattern_tricky_text', 'a safe pattern holding */, quotes, backticks, </script>', 'generated', (c) => {
    jobStarted(c).payload['job_id']!['pattern'] = '^[*/"\'`<>a-z]+$';
  }, {
    sample: { event: 'JOB_STARTED', payload: { job_id: '*/"\'`</script>' } },
    check: `assert.equal(m.validatePayload('JOB_STARTED', { job_id: 'ABC' }).ok, false);`,
  }));

  // -------- numbers
  for (const [id, key, value] of [
    ['enum_inf', 'enum', [Infinity]],
    ['enum_nan', 'enum', [NaN]],
    ['enum_neg_zero', 'enum', [-0, 1]],
    ['enum_huge', 'enum', [123456789012345678901234567890, 1e308, -1e308]],
    ['min_nan', 'minimum', NaN],
    ['max_inf', 'maximum', Infinity],
    ['min_neg_inf', 'minimum', -Infinity],
    ['max_1e308', 'maximum', 1e308],
    ['min_neg_zero', 'minimum', -0],
    ['max_huge_int', 'maximum', 2 ** 80],
  ] as const) {
    add(variant(`number_${id}`, `a number field with ${key} ${JSON.stringify(value)} (${String(value)})`, 'either', (c) => {
      jobStarted(c).payload['amount'] = { type: 'number', required: true, description: 'Amount.', [key]: value };
    }, {
      refusedAt: { file: 'jobs.yaml', path: ['events', 'JOB_STARTED', 'payload', 'amount', key] },
      sample: { event: 'JOB_STARTED', payload: { job_id: 'j', amount: Array.isArray(value) ? (Number.isFinite(value[0]) ? value[0] : 0) : key === 'maximum' ? -5 : 5 } },
      check: `assert.equal(m.validatePayload('JOB_STARTED', { job_id: 'j', amount: 'x' }).ok, false);`,
    }));
  }

  // -------- hostile text everywhere
  for (const { id, text } of HOSTILE_TEXTS) add(hostileEverywhere(id, text));
  add(variant('text_lone_surrogate', 'a lone surrogate in a description', 'either', (c) => {
    jobDone(c)['description'] = 'half \uD800 a pair';
  }, { refusedAt: { file: 'jobs.yaml', path: ['events', 'JOB_DONE', 'description'] } }));

  // -------- YAML oddities
  add({
    name: 'yaml_anchors_merge',
    finding: 'anchors, aliases and merge keys used legitimately',
    expect: 'generated',
    files: {
      ...render(base()),
      'jobs.yaml': [
        'category: { name: jobs, title: Jobs, description: Jobs. }',
        'events:',
        '  JOB_DONE:',
        '    value: job_done',
        '    topic: job.done',
        '    description: &d A job finished.',
        '    payload: &p',
        '      config_key: { ref: config_key, required: true }',
        '      model_path: &mp { ref: model_path, required: true }',
        '      epochs: &epochs { type: integer, required: true, minimum: 0, description: Epochs. }',
        '  JOB_STARTED:',
        '    value: job_started',
        '    topic: job.started',
        '    description: *d',
        '    payload:',
        '      <<: *p',
        '      job_id: { type: string, required: true, description: *d }',
        '      attempts: *epochs',
        '',
      ].join('\n'),
    },
    sample: { event: 'JOB_STARTED', payload: { config_key: 'hex8_2p', model_path: '/m', epochs: 1, job_id: 'j', attempts: 2 } },
    check: `assert.equal(m.validatePayload('JOB_STARTED', { config_key: 'hex8_2p', model_path: '/m', epochs: 1, job_id: 'j' }).ok, false, 'attempts (an alias of epochs) not required');`,
  });
  const rawJobs = render(base())['jobs.yaml']!;
  for (const [id, text, at] of [
    ['yaml_binary', rawJobs.replace('description: A job started.', 'description: !!binary aGVsbG8='), ['events', 'JOB_STARTED', 'description']],
    ['yaml_js_function', rawJobs.replace('description: A job started.', 'description: !!js/function "function () { globalThis.PWN = 1 }"'), ['events', 'JOB_STARTED', 'description']],
    ['yaml_duplicate_key', rawJobs.replace('    description: A job started.\n', '    description: A job started.\n    description: Twice.\n'), null],
    ['yaml_two_documents', `${rawJobs}---\nevents: {}\n`, null],
  ] as const) {
    add({
      name: id,
      finding: `YAML: ${id.slice(5).replace(/_/g, ' ')}`,
      expect: 'refused',
      files: { ...render(base()), 'jobs.yaml': text },
      refusedAt: at === null ? { file: 'jobs.yaml', text: id === 'yaml_duplicate_key' ? 'description: Twice.' : '---' } : { file: 'jobs.yaml', path: at },
    });
  }
  return cases;
}
