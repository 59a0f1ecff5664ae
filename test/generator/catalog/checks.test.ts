/**
 * The semantic checks, one rule at a time, as a catalog author meets them: a
 * catalog that breaks the rule is refused with this message at this
 * file:line:col (the line of the key at fault), and nothing else is reported.
 */
import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../../../generator/catalog/build.js';
import { pascalCase } from '../../../generator/catalog/naming.js';
import { generate } from '../../../generator/index.js';
import { readCatalogDir } from '../../../generator/io.js';
import type { SourceFile } from '../../../generator/catalog/source.js';
import { CATALOG_YAML, catalogSources, problemsOf, type Files } from './helpers.js';

const FIELDS = `fields:
  config_key:
    type: string
    description: Config.
  board:
    type: string
    enum: [hex8, square8]
    description: Board.
  players:
    type: integer
    enum: [2, 4]
    description: Players.
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
      kind:
        type: string
        enum: [fast, slow]
        description: Kind.
  JOB_STARTED:
    value: job_started
    topic: job.started
    description: Started.
`;

const BASE: Files = { 'c/catalog.yaml': CATALOG_YAML, 'c/fields.yaml': FIELDS, 'c/jobs.yaml': EVENTS };
const catalog = (overrides: Files = {}): SourceFile[] => catalogSources(BASE, overrides);
const problems = (overrides: Files): string[] => problemsOf(catalog(overrides));

/** The events file with `extra` added to JOB_DONE's payload (indented as a field). */
function withField(extra: string): Files {
  return { 'c/jobs.yaml': EVENTS.replace('  JOB_STARTED:', `${extra.replace(/^/gm, '      ')}\n  JOB_STARTED:`) };
}

/** The fields file with `extra` added to the shared fields. */
function withShared(extra: string): Files {
  return { 'c/fields.yaml': FIELDS.replace('common_fields:', `${extra.replace(/^/gm, '  ')}\ncommon_fields:`) };
}

const EMITTERS = (body: string): Files => ({ 'c/emitters.yaml': `emitters:\n${body.replace(/^/gm, '  ')}\n` });
const COMPOSED_KEY = 'key:\n  type: string\n  composed_of: "{board}_{players}p"\n  description: Key.';

describe('the base catalog of these tests', () => {
  it('is accepted', () => {
    expect(problems({})).toEqual([]);
  });
});

describe('a field on its own', () => {
  it('"pattern", "format", "minimum" and "maximum" need a type they apply to', () => {
    expect(problems(withField('count:\n  type: integer\n  pattern: "^[0-9]+$"\n  description: Count.'))).toEqual([
      'c/jobs.yaml:18:9: event JOB_DONE, field count: "pattern" needs a string type',
    ]);
    expect(problems(withField('at:\n  type: integer\n  format: date-time\n  description: At.'))).toEqual([
      'c/jobs.yaml:18:9: event JOB_DONE, field at: "format" needs a string type',
    ]);
    expect(problems(withField('name:\n  type: string\n  minimum: 1\n  maximum: 2\n  description: Name.'))).toEqual([
      'c/jobs.yaml:18:9: event JOB_DONE, field name: "minimum" needs a number type',
      'c/jobs.yaml:19:9: event JOB_DONE, field name: "maximum" needs a number type',
    ]);
  });

  it('accepts each constraint on a type it applies to, including one of several types', () => {
    expect(problems(withField('name:\n  type: [string, integer]\n  nullable: true\n  pattern: "^[a-z]+$"\n  format: date-time\n  description: Name.'))).toEqual([]);
    expect(problems(withField('n:\n  type: [string, integer]\n  minimum: 1\n  maximum: 1\n  description: N.'))).toEqual([]);
    expect(problems(withField('r:\n  type: number\n  minimum: 0.5\n  description: R.'))).toEqual([]);
  });

  it('a minimum above the maximum is refused at the minimum', () => {
    expect(problems(withField('count:\n  type: integer\n  minimum: 5\n  maximum: 2\n  description: Count.'))).toEqual([
      'c/jobs.yaml:18:9: event JOB_DONE, field count: minimum 5 is above maximum 2',
    ]);
  });

  it('an enum value must fit the type: an integer field takes whole numbers, a string field strings', () => {
    expect(problems(withField('count:\n  type: integer\n  enum: [1, 1.5]\n  description: Count.'))).toEqual([
      'c/jobs.yaml:18:19: event JOB_DONE, field count: enum value 1.5 does not fit type integer',
    ]);
    expect(problems(withField('flag:\n  type: string\n  enum: ["x", true, 2]\n  description: Flag.'))).toEqual([
      'c/jobs.yaml:18:21: event JOB_DONE, field flag: enum value true does not fit type string',
      'c/jobs.yaml:18:27: event JOB_DONE, field flag: enum value 2 does not fit type string',
    ]);
    expect(problems(withField('n:\n  type: number\n  enum: [1, true]\n  description: N.'))).toEqual([
      'c/jobs.yaml:18:19: event JOB_DONE, field n: enum value true does not fit type number',
    ]);
    expect(problems(withField('b:\n  type: boolean\n  enum: [true, "yes"]\n  description: B.'))).toEqual([
      'c/jobs.yaml:18:22: event JOB_DONE, field b: enum value "yes" does not fit type boolean',
    ]);
  });

  it('an enum of several types takes a value of any of them', () => {
    expect(problems(withField('mixed:\n  type: [string, integer, boolean]\n  enum: ["x", 1, true]\n  description: Mixed.'))).toEqual([]);
    expect(problems(withField('ratio:\n  type: number\n  enum: [1, 2.5]\n  description: Ratio.'))).toEqual([]);
  });

  it('a pattern must compile and must not backtrack catastrophically', () => {
    expect(problems(withField('name:\n  type: string\n  pattern: "(unclosed"\n  description: Name.'))).toEqual([
      'c/jobs.yaml:18:9: event JOB_DONE, field name: invalid pattern: Invalid regular expression: /(unclosed/u: Unterminated group',
    ]);
    expect(problems(withField('name:\n  type: string\n  pattern: "^(a+)+$"\n  description: Name.'))).toEqual([
      'c/jobs.yaml:18:9: event JOB_DONE, field name: pattern "^(a+)+$" can backtrack catastrophically (one validation of a crafted string could block the process); rewrite it without nested or overlapping repetition, e.g. "(a+)+" as "a+"',
    ]);
  });

  it('a pattern must be safe anchored too, and one too complex to prove safe is refused as such', () => {
    const pattern = (p: string) => problems(withField(`name:\n  type: string\n  pattern: "${p}"\n  description: Name.`));
    // Safe as ajv searches with it, not once a caller anchors it.
    expect(pattern('a*a*')).toEqual([
      'c/jobs.yaml:18:9: event JOB_DONE, field name: pattern "a*a*" can backtrack catastrophically (one validation of a crafted string could block the process); rewrite it without nested or overlapping repetition, e.g. "(a+)+" as "a+"',
    ]);
    for (const p of ['(a|a)*', '(ab|a)*c']) {
      expect(pattern(p)).toEqual([
        `c/jobs.yaml:18:9: event JOB_DONE, field name: pattern "${p}" is too complex to prove free of catastrophic backtracking; simplify it (no nested or overlapping repetition)`,
      ]);
    }
    expect(pattern('^[a-z]+(_[a-z0-9]+)*$')).toEqual([]);
  });

  it('"pattern" on an array field is refused like on any non-string type', () => {
    expect(problems(withField('l:\n  type: array\n  items: string\n  pattern: "^a$"\n  description: L.'))).toEqual([
      'c/jobs.yaml:19:9: event JOB_DONE, field l: "pattern" needs a string type',
    ]);
  });

  it('"deprecated" belongs to an event\'s field, "composed_of" to a shared field', () => {
    expect(problems(withShared('old:\n  type: string\n  description: Old.\n  deprecated: { reason: gone }'))).toEqual([
      'c/fields.yaml:16:5: shared field old: "deprecated" is for the fields of an event; deprecate the field where events carry it',
    ]);
    expect(problems(withField('key:\n  type: string\n  composed_of: "{board}"\n  description: Key.'))).toEqual([
      'c/jobs.yaml:18:9: event JOB_DONE, field key: "composed_of" is only for shared fields',
    ]);
  });

  it('"items" goes with an array and "values" with a map, both ways', () => {
    expect(problems(withField('list:\n  type: string\n  items: string\n  description: List.'))).toEqual([
      'c/jobs.yaml:18:9: event JOB_DONE, field list: "items" goes with type array, and array needs "items"',
    ]);
    expect(problems(withField('list:\n  type: array\n  description: List.'))).toEqual([
      'c/jobs.yaml:17:9: event JOB_DONE, field list: "items" goes with type array, and array needs "items"',
    ]);
    expect(problems(withField('m:\n  type: string\n  values: integer\n  description: M.'))).toEqual([
      'c/jobs.yaml:18:9: event JOB_DONE, field m: "values" goes with type map, and map needs "values"',
    ]);
    expect(problems(withField('m:\n  type: map\n  description: M.'))).toEqual([
      'c/jobs.yaml:17:9: event JOB_DONE, field m: "values" goes with type map, and map needs "values"',
    ]);
  });

  it('a field needs a description, unless a ref gives it one', () => {
    expect(problems(withField('bare:\n  type: string'))).toEqual(['c/jobs.yaml:16:7: event JOB_DONE, field bare: missing "description"']);
    expect(problems(withField('board: { ref: board }'))).toEqual([]);
  });
});

describe('shared and common fields', () => {
  it('a shared field may not take a common field\'s name, be a ref, or be declared twice', () => {
    expect(problems(withShared('source:\n  type: string\n  description: Shadow.'))).toEqual([
      'c/fields.yaml:13:3: shared field "source" has the name of a common field (c/fields.yaml:17:3)',
    ]);
    expect(problems(withShared('again:\n  ref: config_key\n  description: Again.'))).toEqual([
      'c/fields.yaml:14:5: shared field "again": a shared field cannot itself be a ref',
    ]);
    expect(problems({ 'c/more.yaml': 'fields:\n  config_key:\n    type: string\n    description: Again.\n' })).toEqual([
      'c/more.yaml:2:3: duplicate shared field "config_key" (first defined at c/fields.yaml:2:3)',
    ]);
  });

  it('a constraint that does not fit a common field\'s type is refused, naming it a common field', () => {
    expect(problems({ 'c/fields.yaml': FIELDS.replace('    description: Emitter.', '    description: Emitter.\n    minimum: 1') })).toEqual([
      'c/fields.yaml:17:5: common field source: "minimum" needs a number type',
    ]);
  });

  it('a common field is never required (the runtime fills it in) and is declared once', () => {
    expect(problems({ 'c/fields.yaml': FIELDS.replace('    description: Emitter.', '    description: Emitter.\n    required: true') })).toEqual([
      'c/fields.yaml:17:5: common field "source" cannot be required: the runtime fills it in',
    ]);
    expect(problems({ 'c/more.yaml': 'common_fields:\n  source:\n    type: string\n    description: Again.\n' })).toEqual([
      'c/more.yaml:2:3: duplicate common field "source" (first defined at c/fields.yaml:14:3)',
    ]);
  });
});

describe('events', () => {
  it('a category is declared once across files', () => {
    const more = EVENTS.replace(/JOB_/g, 'TASK_').replace(/job/g, 'task').replace('name: tasks', 'name: jobs');
    expect(problems({ 'c/more.yaml': more })).toEqual(['c/more.yaml:2:3: duplicate category "jobs" (first in c/jobs.yaml:2:3)']);
  });

  it('payload_documented: false means no payload is given', () => {
    expect(problems({ 'c/jobs.yaml': EVENTS.replace('    description: Done.', '    description: Done.\n    payload_documented: false') })).toEqual([
      'c/jobs.yaml:10:5: event JOB_DONE: payload_documented is false but a payload is given',
    ]);
    expect(problems({ 'c/jobs.yaml': EVENTS.replace('    description: Started.', '    description: Started.\n    payload_documented: false') })).toEqual([]);
  });

  it('two events whose names give one type name are refused at the one that sorts later', () => {
    const text = EVENTS + '  JOB_DONE_2:\n    value: job_done_2\n    topic: job.done_2\n    description: Two.\n  JOB_DONE2:\n    value: job_done2\n    topic: job.done2\n    description: Two again.\n';
    expect(problems({ 'c/jobs.yaml': text })).toEqual(['c/jobs.yaml:20:3: event JOB_DONE_2: its type name JobDone2 is also that of JOB_DONE2']);
  });

  it('a catalog with no event is refused, and so is one with two catalog blocks', () => {
    expect(problems({ 'c/jobs.yaml': '' })).toEqual(['c/catalog.yaml:1:1: the catalog has no events']);
    expect(problems({ 'c/more.yaml': CATALOG_YAML })).toEqual(['c/more.yaml:1:1: a second `catalog:` block (the first is in c/catalog.yaml)']);
  });
});

describe('spellings and aliases', () => {
  const started = (line: string): Files => ({ 'c/jobs.yaml': EVENTS.replace('    description: Started.', `    description: Started.\n${line}`) });

  it('a stage or cross-process name that is another event\'s spelling is refused at that key', () => {
    expect(problems(started('    cross_process: JOB_DONE'))).toEqual([
      'c/jobs.yaml:20:5: event JOB_STARTED: its cross-process name "JOB_DONE" is already the name of JOB_DONE; every spelling must name one event',
    ]);
    expect(problems(started('    stage: job_done'))).toEqual([
      'c/jobs.yaml:20:5: event JOB_STARTED: its stage "job_done" is already the value of JOB_DONE; every spelling must name one event',
      'c/jobs.yaml:20:5: event JOB_STARTED: its stage enum name "JOB_DONE" is already the name of JOB_DONE; every spelling must name one event',
    ]);
  });

  it('a spelling two events share is reported at the event that sorts later, whatever order they are declared in', () => {
    const later = EVENTS + '  A_JOB:\n    value: a_job\n    topic: a.job\n    description: A.\n    cross_process: JOB_DONE\n';
    expect(problems({ 'c/jobs.yaml': later })).toEqual([
      'c/jobs.yaml:6:3: event JOB_DONE: its name "JOB_DONE" is already the cross-process name of A_JOB; every spelling must name one event',
    ]);
  });

  it('an alias may not be the field\'s own name', () => {
    expect(problems({ 'c/jobs.yaml': EVENTS.replace('        description: Kind.', '        description: Kind.\n        aliases: [kind]') })).toEqual([
      'c/jobs.yaml:12:7: event JOB_DONE, field kind: alias "kind" is the field\'s own name',
    ]);
  });
});

describe('what a deprecation names', () => {
  const deprecateStarted = (by: string): Files => ({
    'c/jobs.yaml': EVENTS.replace('    description: Started.', `    description: Started.\n    deprecated: { reason: old, replaced_by: ${by} }`),
  });
  const deprecateKind = (by: string, extra = ''): Files => ({
    'c/jobs.yaml': EVENTS.replace('        description: Kind.', `        description: Kind.\n        deprecated: { reason: old, replaced_by: ${by} }`).replace('    description: Started.', `    description: Started.${extra}`),
  });

  it('an event is replaced by another event of the catalog', () => {
    expect(problems(deprecateStarted('JOB_DONE'))).toEqual([]);
    expect(problems(deprecateStarted('JOB_STARTED'))).toEqual(['c/jobs.yaml:20:32: event JOB_STARTED: deprecated.replaced_by JOB_STARTED is the event itself']);
    expect(problems(deprecateStarted('JOB_DONES'))).toEqual([
      'c/jobs.yaml:20:32: event JOB_STARTED: deprecated.replaced_by JOB_DONES names no event of the catalog (did you mean "JOB_DONE"?)',
    ]);
  });

  it('a field is replaced by another field of the same event', () => {
    expect(problems(deprecateKind('config_key'))).toEqual([]);
    expect(problems(deprecateKind('kind'))).toEqual(['c/jobs.yaml:16:36: event JOB_DONE, field kind: deprecated.replaced_by "kind" is the field itself']);
    expect(problems(deprecateKind('kinds'))).toEqual([
      'c/jobs.yaml:16:36: event JOB_DONE, field kind: deprecated.replaced_by "kinds" is not a field of JOB_DONE (did you mean "kind"?)',
    ]);
  });

  it('a bad replacement of an inherited field is reported once, where the field is declared', () => {
    expect(problems(deprecateKind('kinds', '\n    extends: JOB_DONE'))).toEqual([
      'c/jobs.yaml:16:36: event JOB_DONE, field kind: deprecated.replaced_by "kinds" is not a field of JOB_DONE (did you mean "kind"?)',
    ]);
  });
});

describe('emitters', () => {
  it('a named emitter is declared once across files', () => {
    const again = 'emitters:\n  emit_job_finished:\n    event: JOB_DONE\n    description: Again.\n';
    expect(problems({ ...EMITTERS('emit_job_finished:\n  event: JOB_DONE\n  description: Done.'), 'c/more.yaml': again })).toEqual([
      'c/more.yaml:2:3: emitter emit_job_finished: duplicate emitter (first at c/emitters.yaml:2:3)',
    ]);
  });

  it('a named emitter may have the name of an event\'s own emitter only if it emits that event', () => {
    expect(problems(EMITTERS('emit_job_done:\n  event: JOB_DONE\n  description: Fine.'))).toEqual([]);
    expect(problems(EMITTERS('emit_job_started:\n  event: JOB_DONE\n  description: Wrong.'))).toEqual([
      'c/emitters.yaml:2:3: emitter emit_job_started: emitJobStarted is already the emitter of JOB_STARTED',
    ]);
  });

  it('a selecting emitter may take over the emitter of one of its own cases, not of another event', () => {
    const select = (name: string, cases: string) => EMITTERS(`${name}:\n  description: Job.\n  select:\n    argument: kind\n    default: fast\n    cases: { ${cases} }`);
    expect(problems(select('emit_job_done', 'fast: JOB_DONE, slow: JOB_STARTED'))).toEqual([]);
    expect(problems(select('emit_job_started', 'fast: JOB_DONE, slow: JOB_DONE'))).toEqual([
      'c/emitters.yaml:2:3: emitter emit_job_started: emitJobStarted is already the emitter of JOB_STARTED',
    ]);
  });

  it('a selecting emitter\'s argument is a string field, its cases allowed by the field\'s enum, its default one of its cases', () => {
    const select = (argument: string, cases: string, more = '') => EMITTERS(`emit_job:\n  description: Job.\n  select:\n    argument: ${argument}\n${more}    cases: { ${cases} }`);
    const integerKind = { 'c/jobs.yaml': EVENTS.replace('      kind:\n        type: string', '      kind:\n        type: integer').replace('enum: [fast, slow]', 'enum: [1, 2]') };
    expect(problems({ ...integerKind, ...select('kind', 'a: JOB_DONE, b: JOB_STARTED') })).toEqual([
      'c/emitters.yaml:5:7: emitter emit_job: argument "kind" is a integer field of JOB_DONE, not a string',
    ]);
    expect(problems(select('kind', 'fast: JOB_DONE, medium: JOB_DONE'))).toEqual([
      'c/emitters.yaml:6:32: emitter emit_job: case "medium" is not allowed by JOB_DONE.kind (fast, slow)',
    ]);
    // An event without the argument takes any case; the argument then is not part of its payload.
    expect(problems(select('kind', 'fast: JOB_DONE, other: JOB_STARTED', '    default: other\n'))).toEqual([]);
    expect(problems(select('kind', 'fast: JOB_DONE, slow: JOB_DONE', '    default: medium\n'))).toEqual([
      'c/emitters.yaml:6:7: emitter emit_job: default "medium" is not one of its cases',
    ]);
    expect(problems(select('kind', 'fast: JOB_DONE, slow: JOB_GONE'))).toEqual([
      'c/emitters.yaml:6:32: emitter emit_job: case "slow" emits unknown event JOB_GONE (did you mean "JOB_DONE"?)',
    ]);
  });
});

describe('extractors and flows', () => {
  it('an extractor names a known event and is declared once', () => {
    expect(problems({ 'c/x.yaml': 'extractors:\n  extract_job:\n    event: JOB_GONE\n    description: X.\n' })).toEqual([
      'c/x.yaml:3:5: extractor extract_job: unknown event JOB_GONE (did you mean "JOB_DONE"?)',
    ]);
    const x = 'extractors:\n  extract_job:\n    event: JOB_DONE\n    description: X.\n';
    expect(problems({ 'c/x.yaml': x, 'c/y.yaml': x.replace('JOB_DONE', 'JOB_STARTED') })).toContain('c/y.yaml:3:5: extractor extract_job: duplicate extractor');
  });

  it('an extractor may not take a name the generated code gives a composed key', () => {
    const x = { 'c/x.yaml': 'extractors:\n  extract_key:\n    event: JOB_DONE\n    description: X.\n' };
    expect(problems({ ...withShared(COMPOSED_KEY), ...x })).toEqual([
      'c/x.yaml:2:3: extractor extract_key: its generated name extractKey is already taken by shared field key; rename it',
    ]);
    expect(problems(x)).toEqual([]);
  });

  it('an extractor may not take the name of the model_path helper when there is a model_path field', () => {
    const x = { 'c/x.yaml': 'extractors:\n  extract_model_path:\n    event: JOB_DONE\n    description: X.\n' };
    expect(problems(x)).toEqual([]);
    expect(problems({ ...withShared('model_path:\n  type: string\n  description: Model.'), ...x })).toEqual([
      'c/x.yaml:2:3: extractor extract_model_path: its generated name extractModelPath is already taken by the model_path helper; rename it',
    ]);
  });

  it('a flow is declared once, and names known events', () => {
    const flow = (events: string) => `flows:\n  life:\n    title: L\n    description: L.\n    events: [${events}]\n`;
    expect(problems({ 'c/x.yaml': flow('JOB_DONE'), 'c/y.yaml': flow('JOB_STARTED') })).toEqual(['c/y.yaml:2:3: flow life: duplicate flow (first at c/x.yaml:2:3)']);
    expect(problems({ 'c/x.yaml': flow('JOB_STARTED, JOB_GONE') })).toEqual(['c/x.yaml:5:27: flow life: unknown event JOB_GONE (did you mean "JOB_DONE"?)']);
  });
});

describe('composed keys (composed_of)', () => {
  const composed = (template: string, type = 'string', more = '') => withShared(`${more}key:\n  type: ${type}\n  composed_of: "${template}"\n  description: Key.`);

  it('a template of enum fields and literals is accepted, and becomes the key\'s parts', () => {
    const result = buildCatalog(catalog(withShared(COMPOSED_KEY)));
    expect(result.ok && result.model.configKeys).toEqual([
      { field: 'key', template: '{board}_{players}p', parts: [{ field: 'board', values: ['hex8', 'square8'] }, { literal: '_' }, { field: 'players', values: [2, 4] }, { literal: 'p' }] },
    ]);
  });

  it('needs a string field without its own pattern', () => {
    expect(problems(composed('{board}', 'integer'))).toEqual(['c/fields.yaml:15:5: shared field key: "composed_of" needs type string']);
    expect(problems(withShared('key:\n  type: string\n  pattern: "^x$"\n  composed_of: "{board}"\n  description: Key.'))).toEqual([
      'c/fields.yaml:15:5: shared field key: "composed_of" defines the pattern; remove "pattern"',
    ]);
  });

  it('refuses a malformed template, a part that is not a shared enum field, a part used twice, and no part at all', () => {
    expect(problems(composed('{board}_{players'))).toEqual(['c/fields.yaml:15:5: shared field key: malformed template "{board}_{players"']);
    expect(problems(composed('{board}_{config_key}_{bord2}'))).toEqual([
      'c/fields.yaml:15:5: shared field key: template part {bord2} must name a shared field with an enum (did you mean "board"?)',
      'c/fields.yaml:15:5: shared field key: template part {config_key} must name a shared field with an enum',
    ]);
    expect(problems(composed('{board}_{board}'))).toEqual(['c/fields.yaml:15:5: shared field key: template part {board} appears twice']);
    expect(problems(composed('fixed'))).toEqual(['c/fields.yaml:15:5: shared field key: "composed_of" needs at least one {part} naming a shared field with an enum']);
  });

  it('refuses a part with boolean values or with values spelled alike', () => {
    expect(problems(composed('{board}_{flag}', 'string', 'flag:\n  type: boolean\n  enum: [true, false]\n  description: F.\n'))).toEqual([
      'c/fields.yaml:19:5: shared field key: template part {flag} has boolean values; a key is made of strings and numbers',
    ]);
    expect(problems(composed('{board}_{ver}', 'string', 'ver:\n  type: [string, integer]\n  enum: ["1", 1]\n  description: V.\n'))).toEqual([
      'c/fields.yaml:19:5: shared field key: template part {ver} has values that are spelled alike (1, 1)',
    ]);
  });

  it('two composed keys may share parts', () => {
    expect(problems(withShared(`${COMPOSED_KEY}\nboard_key:\n  type: string\n  composed_of: "{board}"\n  description: K2.`))).toEqual([]);
  });
});

describe('generated type names', () => {
  it('a shared enum field may not take a type name the generated code declares', () => {
    expect(problems(withShared('event_name:\n  type: string\n  enum: [a]\n  description: E.'))).toEqual([
      'c/fields.yaml:13:3: shared field event_name: its type name EventName is reserved by the generated code; rename the field',
    ]);
    expect(problems(withShared('job_payload:\n  type: string\n  enum: [a]\n  description: E.'))).toEqual([
      'c/fields.yaml:13:3: shared field job_payload: its type name JobPayload is reserved by the generated code; rename the field',
    ]);
    expect(problems(withShared('emit_args:\n  type: string\n  enum: [a]\n  description: E.'))).toEqual([
      'c/fields.yaml:13:3: shared field emit_args: its type name EmitArgs is reserved by the generated code; rename the field',
    ]);
    // Without an enum or a template it declares no type.
    expect(problems(withShared('event_name:\n  type: string\n  description: E.'))).toEqual([]);
  });

  it('no shared enum field may take the name of a type the generated code declares for every catalog', () => {
    // The types the generator declares for the minimal fixture, less those its own fields and events give.
    const generated = generate(readCatalogDir('test/fixtures/catalogs/minimal'));
    if (!generated.ok) throw new Error('the minimal fixture must build');
    const own = new Set(generated.model.sharedFields.flatMap((f) => [pascalCase(f.name), `${pascalCase(f.name)}Error`]));
    const declared = new Set<string>();
    for (const f of generated.files.filter((x) => x.path.endsWith('.ts'))) {
      for (const m of f.content.matchAll(/^export (?:abstract )?(?:type|interface|class|enum|const) ([A-Z][a-z]\w*)\b/gm)) declared.add(m[1]!);
    }
    const fixed = [...declared].filter((n) => !own.has(n) && !/(Payload|Args)$/.test(n)).sort();
    expect(fixed.length).toBeGreaterThan(10);
    const accepted = fixed.filter((typeName) => {
      const field = typeName.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
      return problems(withShared(`${field}:\n  type: string\n  enum: [a]\n  description: E.`)).every((p) => !p.includes(`its type name ${typeName} is reserved`));
    });
    expect(accepted).toEqual([]);
  });

  it('no shared enum field may take the name of a type or class the generated code imports from the runtime', () => {
    // A shared enum type of that name would be declared beside the import, or exported twice from the index (TS2308).
    const generated = generate(readCatalogDir('test/fixtures/catalogs/minimal'));
    if (!generated.ok) throw new Error('the minimal fixture must build');
    const imported = new Set<string>();
    for (const f of generated.files.filter((x) => x.path.endsWith('.ts'))) {
      for (const m of f.content.matchAll(/^import (?:type )?\{([^}]*)\} from "[^"]*runtime[^"]*";/gm)) {
        // `HandlerBase as RuntimeHandlerBase` takes the local name.
        for (const name of m[1]!.split(',').map((n) => n.trim().split(/\s+as\s+/).pop()!)) if (/^[A-Z][a-z]/.test(name)) imported.add(name);
      }
    }
    expect(imported).toContain('Router');
    const accepted = [...imported].sort().filter((typeName) => {
      const field = typeName.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
      return problems(withShared(`${field}:\n  type: string\n  enum: [a]\n  description: E.`)).every((p) => !p.includes(`its type name ${typeName} is reserved`));
    });
    expect(accepted).toEqual([]);
  });

  it('no shared enum field may take the name of a TypeScript global type (its type would shadow it in the generated modules) or of a runtime type handlers import beside them', () => {
    const globals = ['Array', 'BigInt', 'Boolean', 'Date', 'Error', 'Exclude', 'Extract', 'Function', 'Map', 'Number', 'Object', 'Omit', 'Partial', 'Promise', 'Readonly', 'Record', 'RegExp', 'Set', 'String', 'Symbol'];
    const runtime = ['CompiledValidator', 'EventValidationError', 'PayloadValidationError', 'RouterOptions', 'TypedRouter', 'ValidatorError'];
    const accepted = [...globals, ...runtime].filter((typeName) => {
      const field = typeName.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
      expect(pascalCase(field)).toBe(typeName);
      return !problems(withShared(`${field}:\n  type: string\n  enum: [a]\n  description: E.`)).includes(
        `c/fields.yaml:13:3: shared field ${field}: its type name ${typeName} is reserved by the generated code; rename the field`,
      );
    });
    expect(accepted).toEqual([]);
  });

  it('a composed key may not take a reserved type name, nor give a helper a name the generated API has', () => {
    expect(problems(withShared('event_name:\n  type: string\n  composed_of: "{board}"\n  description: E.'))).toEqual([
      'c/fields.yaml:13:3: shared field event_name: its type name EventName is reserved by the generated code; rename the field',
      'c/fields.yaml:15:5: shared field event_name: its generated name EventName is already taken by the generated API; rename it',
    ]);
    // Its error class would be EventValidationError, the runtime's.
    expect(problems(withShared('event_validation:\n  type: string\n  composed_of: "{board}"\n  description: E.'))).toEqual([
      'c/fields.yaml:15:5: shared field event_validation: its generated name EventValidationError is already taken by the generated API; rename it',
    ]);
  });

  it('a composed key may list its values as an enum too: it declares its type once', () => {
    expect(problems(withShared('key:\n  type: string\n  enum: [hex8_2p, square8_4p]\n  composed_of: "{board}_{players}p"\n  description: Key.'))).toEqual([]);
  });

  it('two shared fields without an enum may have names that give one type name: they declare no type', () => {
    expect(problems(withShared('board_8:\n  type: string\n  description: E.\nboard8:\n  type: string\n  description: E.'))).toEqual([]);
  });

  it('two shared enum fields whose names give one type name are refused', () => {
    expect(problems(withShared('board_8:\n  type: string\n  enum: [a]\n  description: E.\nboard8:\n  type: string\n  enum: [b]\n  description: E.'))).toEqual([
      'c/fields.yaml:17:3: shared field board8: its type name Board8 is also that of shared field board_8; rename one',
    ]);
    // Also beside a composed key.
    expect(problems(withShared(`${COMPOSED_KEY}\nboard_8:\n  type: string\n  enum: [a]\n  description: E.\nboard8:\n  type: string\n  enum: [b]\n  description: E.`))).toEqual([
      'c/fields.yaml:21:3: shared field board8: its type name Board8 is also that of shared field board_8; rename one',
    ]);
  });
});

describe('schema errors in the catalog\'s words', () => {
  it('a choice between keys names the keys: a field has "type" or "ref", an emitter "event" or "select"', () => {
    expect(problems(withField('x:\n  description: X.'))).toEqual(['c/jobs.yaml:16:7: event JOB_DONE, field x: needs "type" or "ref"']);
    expect(problems(EMITTERS('emit_job:\n  description: Job.'))).toEqual(['c/emitters.yaml:2:3: emitters.emit_job: needs "event" or "select"']);
    expect(problems(EMITTERS('emit_job:\n  description: Job.\n  event: JOB_DONE\n  select:\n    argument: kind\n    cases: { fast: JOB_DONE, slow: JOB_DONE }'))).toEqual([
      'c/emitters.yaml:2:3: emitters.emit_job: give "event" or "select", not both',
    ]);
  });

  it('a ref with a type of its own is refused at the type: the shared field gives it', () => {
    expect(problems(withField('x:\n  ref: config_key\n  type: string\n  description: X.'))).toEqual([
      'c/jobs.yaml:18:9: event JOB_DONE, field x: a ref takes its type from the shared field; remove "type"',
    ]);
  });

  it('names the rule a bad name breaks, for emitters, extractors, flows and select cases', () => {
    const x = 'emitters:\n  emitJob:\n    event: JOB_DONE\n    description: X.\nextractors:\n  extractJob:\n    event: JOB_DONE\n    description: X.\nflows:\n  Life:\n    title: L\n    description: L.\n    events: [JOB_DONE]\n';
    expect(problems({ 'c/x.yaml': x })).toEqual([
      'c/x.yaml:2:3: emitters: invalid name "emitJob": emitter names are emit_lower_snake_case',
      'c/x.yaml:6:3: extractors: invalid name "extractJob": extractor names are extract_lower_snake_case',
      'c/x.yaml:10:3: flows: invalid name "Life": flow names are lower_snake_case',
    ]);
    expect(problems(EMITTERS('emit_job:\n  description: Job.\n  select:\n    argument: kind\n    cases: { Fast: JOB_DONE, slow: JOB_DONE }'))).toEqual([
      'c/emitters.yaml:6:16: emitters.emit_job.select.cases: invalid name "Fast": a select case is lower-case letters, digits and "_", starting with a letter or digit',
    ]);
  });

  it('lists the allowed values of an enum and suggests the nearest, at the value', () => {
    expect(problems({ 'c/jobs.yaml': EVENTS.replace('    description: Done.', '    description: Done.\n    dedup: payloads') })).toEqual([
      'c/jobs.yaml:10:5: event JOB_DONE (dedup): must be one of "none", "payload" (did you mean "payload"?)',
    ]);
    expect(problems(withField('list:\n  type: array\n  items: strings\n  description: L.'))).toEqual([
      'c/jobs.yaml:18:9: event JOB_DONE, field list (items): must be one of "string", "integer", "number", "boolean", "object", "any" (did you mean "string"?)',
    ]);
  });

  it('describes a pattern in words where the format has them, at the value', () => {
    expect(problems({ 'c/jobs.yaml': EVENTS.replace('topic: job.started', 'topic: Job') })).toEqual([
      'c/jobs.yaml:18:5: event JOB_STARTED (topic): must be a topic of two or more lower-case words joined by "." (`orders.placed`, `shop.orders.paid`)',
    ]);
    expect(problems({ 'c/catalog.yaml': 'catalog:\n  name: t\n  description: D.\n  schema_base_url: ftp://x\n' })).toEqual([
      'c/catalog.yaml:4:3: catalog.schema_base_url: must be an http(s) URL ending in "/", of letters, digits and "-._~%" only',
    ]);
    expect(problems({ 'c/jobs.yaml': EVENTS.replace('        description: Kind.', '        description: Kind.\n        aliases: [ok, __proto__]') })).toEqual([
      'c/jobs.yaml:16:23: event JOB_DONE, field kind (aliases.1): an alias is letters, digits and "_" in words joined by ".", "-" or ":" (`orderId`, `order-id`, `_id`), and never "__proto__"',
    ]);
  });

  it('reports a dedup policy against the form it has: a list of fields, a kind, or neither', () => {
    const dedup = (value: string) => problems({ 'c/jobs.yaml': EVENTS.replace('    description: Done.', `    description: Done.\n    dedup: ${value}`) });
    // The keys say which form is meant: only its errors are reported.
    expect(dedup('{ fields: [] }')).toEqual(['c/jobs.yaml:10:14: event JOB_DONE (dedup.fields): must NOT have fewer than 1 items']);
    expect(dedup('{ fields: kind }')).toEqual(['c/jobs.yaml:10:14: event JOB_DONE (dedup.fields): must be array']);
    expect(dedup('{ fields: [kind], reason: 5 }')).toEqual(['c/jobs.yaml:10:30: event JOB_DONE (dedup.reason): must be string']);
    expect(dedup('{ kind: payloads }')).toEqual(['c/jobs.yaml:10:14: event JOB_DONE (dedup.kind): must be one of "none", "payload" (did you mean "payload"?)']);
    expect(dedup('{ fields: [kind], reason: why }')).toEqual([]);
    // Neither form, or both: every form's complaint.
    expect(dedup('{}')).toEqual([
      'c/jobs.yaml:10:5: event JOB_DONE (dedup): missing required key "fields"',
      'c/jobs.yaml:10:5: event JOB_DONE (dedup): missing required key "kind"',
      'c/jobs.yaml:10:5: event JOB_DONE (dedup): must be one of "none", "payload"',
    ]);
    expect(dedup('{ kind: payload, fields: [kind] }')).toEqual([
      'c/jobs.yaml:10:5: event JOB_DONE (dedup): must be one of "none", "payload"',
      'c/jobs.yaml:10:14: event JOB_DONE (dedup): unknown key "kind"',
      'c/jobs.yaml:10:29: event JOB_DONE (dedup): unknown key "fields"',
    ]);
    expect(dedup('[kind]')).toEqual(['c/jobs.yaml:10:5: event JOB_DONE (dedup): must be one of "none", "payload"']);
  });

  it('a field type that is neither a type name nor a list of them is refused with the type names', () => {
    expect(problems(withField('f:\n  type: 5\n  description: F.'))).toEqual([
      'c/jobs.yaml:17:9: event JOB_DONE, field f (type): must be one of "string", "integer", "number", "boolean", "object", "array", "map", "any"',
    ]);
  });

  it('names an event whose name has "/" or "~" as written', () => {
    const odd = EVENTS.replace('  JOB_STARTED:', '  JOB/X~Y:\n    value: 5\n    topic: a.b\n    description: X.\n  JOB_STARTED:');
    expect(problems({ 'c/jobs.yaml': odd })).toEqual([
      'c/jobs.yaml:16:3: events: invalid name "JOB/X~Y": event names are UPPER_SNAKE_CASE identifiers',
      'c/jobs.yaml:17:5: event JOB/X~Y (value): must be string',
    ]);
  });

  it('names the place below an event in its words', () => {
    expect(problems({ 'c/jobs.yaml': EVENTS.replace('    description: Done.', '    description: Done.\n    deprecated: { reason: 5 }') })).toEqual([
      'c/jobs.yaml:10:19: event JOB_DONE (deprecated.reason): must be string',
    ]);
  });

  it('reports the one bad item of a list of types, with a hint', () => {
    expect(problems(withField('f:\n  type: [string, strng]\n  description: F.'))).toEqual([
      'c/jobs.yaml:17:24: event JOB_DONE, field f (type.1): must be one of "string", "integer", "number", "boolean" (did you mean "string"?)',
    ]);
  });

  it('gives no "did you mean" for a value that is not a string, or a key far from every known one', () => {
    expect(problems({ 'c/jobs.yaml': EVENTS.replace('    description: Done.', '    description: Done.\n    dedup: 5') })).toEqual([
      'c/jobs.yaml:10:5: event JOB_DONE (dedup): must be one of "none", "payload"',
    ]);
    expect(problems({ 'c/jobs.yaml': EVENTS.replace('    description: Done.', '    description: Done.\n    zzzzqqq: 1') })).toEqual([
      'c/jobs.yaml:10:5: event JOB_DONE: unknown key "zzzzqqq"',
    ]);
  });

  it('a misspelt top-level key is named with the nearest one, without a place prefix', () => {
    expect(problems({ 'c/jobs.yaml': `${EVENTS}evnts: {}\n` })).toEqual(['c/jobs.yaml:20:1: unknown key "evnts" (did you mean "events"?)']);
  });

  it('events and their category go together in one file', () => {
    expect(problems({ 'c/more.yaml': 'category:\n  name: more\n  title: M\n  description: M.\n' })).toEqual(['c/more.yaml:1:1: "category" needs "events" in the same file']);
    expect(problems({ 'c/jobs.yaml': EVENTS.replace(/^category:\n(?: {2}.*\n)+/, '') })).toEqual(['c/jobs.yaml:1:1: "events" needs "category" in the same file']);
  });

  it('falls back to ajv\'s own words for the rest, at the value', () => {
    expect(problems({ 'c/jobs.yaml': EVENTS.replace('description: Done.', 'description: 5') })).toEqual(['c/jobs.yaml:9:5: event JOB_DONE (description): must be string']);
    expect(problems({ 'c/jobs.yaml': EVENTS.replace('    description: Done.', '    description: Done.\n    version: 0') })).toEqual(['c/jobs.yaml:10:5: event JOB_DONE (version): must be >= 1']);
  });

  it('says how many entries a list or map needs', () => {
    expect(problems(EMITTERS('emit_job:\n  description: Job.\n  select:\n    argument: kind\n    cases: { fast: JOB_DONE }'))).toEqual([
      'c/emitters.yaml:6:7: emitters.emit_job.select.cases: must NOT have fewer than 2 properties',
    ]);
  });
});
