/**
 * The catalog against the five reference documents it was built from: every
 * event they name is in it, value strings match the tables, and payloads follow
 * the reconciliation rules (EVENT_PAYLOAD_SCHEMAS.md wins on required fields and
 * types; a field only another document names is optional).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as g from '../../generated/index.js';

const REFERENCE = fileURLToPath(new URL('../../../shared/reference', import.meta.url));
const present = existsSync(join(REFERENCE, 'EVENT_PAYLOAD_SCHEMAS.md'));
const read = (name: string) => readFileSync(join(REFERENCE, name), 'utf8');

/** UPPER_SNAKE tokens of the documents that are not events. */
const NOT_EVENTS = new Set([
  'AUTO_SYNC', 'DATA_PIPELINE', 'EVENT_ROUTER', 'FEEDBACK_LOOP', 'COORDINATOR_ARCHITECTURE', 'DAEMON_LIFECYCLE', 'DAEMON_REGISTRY',
  'EVENT_CATALOG', 'EVENT_FLOW_INTEGRATION', 'EVENT_PAYLOAD_SCHEMAS', 'EVENT_SUBSCRIPTION_MATRIX', 'EVENT_SYSTEM_GUIDE',
  'EVENT_SYSTEM_REFERENCE', 'STAGE_TO_DATA_EVENT_MAP', 'DATA_TO_CROSS_PROCESS_MAP', 'STAGE_TO_CROSS_PROCESS_MAP',
  'RINGRIFT_EVENT_TRACE', 'UPPERCASE_SNAKE',
  'DATA_AVAILABLE', // the second line of the wrapped diagram box HIGH_QUALITY_ / DATA_AVAILABLE
]);
/** Events this project's runtime emits itself, with a payload its own issue defines. */
const RUNTIME_EMITTED = new Set(['HANDLER_FAILED', 'HANDLER_TIMEOUT']);

const TYPES: Record<string, string> = { str: 'string', int: 'integer', float: 'number', bool: 'boolean', dict: 'object', 'list[str]': 'array', 'dict[str, float]': 'object' };

function schemaTables(): Map<string, { field: string; type: string; required: boolean }[]> {
  const tables = new Map<string, { field: string; type: string; required: boolean }[]>();
  let current: string | undefined;
  for (const line of read('EVENT_PAYLOAD_SCHEMAS.md').split('\n')) {
    const heading = /^### ([A-Z][A-Z0-9_]+)\s*$/.exec(line);
    if (heading) current = heading[1];
    const row = /^\|\s*`([a-z_]+)`\s*\|\s*`([^`]+)`\s*\|\s*(Yes|No)\s*\|/.exec(line);
    if (current && row) tables.set(current, [...(tables.get(current) ?? []), { field: row[1]!, type: row[2]!, required: row[3] === 'Yes' }]);
  }
  return tables;
}

describe.skipIf(!present)(`the catalog against ../shared/reference${present ? '' : ' (skipped: the reference documents are not beside this checkout)'}`, () => {
  it('every event the documents name resolves to a catalog event', () => {
    const text = ['EVENT_CATALOG.md', 'EVENT_SYSTEM_REFERENCE.md', 'EVENT_SYSTEM_GUIDE.md', 'EVENT_FLOW_INTEGRATION.md', 'EVENT_PAYLOAD_SCHEMAS.md'].map(read).join('\n');
    const tokens = new Set(text.match(/\b[A-Z][A-Z0-9]+(_[A-Z0-9]+)+\b/g));
    const missing = [...tokens].filter((t) => !NOT_EVENTS.has(t) && g.resolveEvent(t) === undefined).sort();
    expect(missing).toEqual([]);
    // Topic and stage names of EVENT_SYSTEM_GUIDE.md, and lower-case spellings in the prose.
    for (const s of ['training.started', 'training.completed', 'training.failed', 'training.checkpoint', 'evaluation.completed', 'evaluation.regression', 'elo.updated', 'data.new_games', 'data.sync_completed', 'data.quality_updated', 'cluster.node_joined', 'cluster.node_left', 'cluster.leader_elected', 'selfplay_complete', 'training_complete', 'evaluation_complete', 'training_completed', 'new_games']) {
      expect(g.resolveEvent(s), s).toBeDefined();
    }
    expect(g.EVENT_NAMES.length).toBeGreaterThanOrEqual(120);
  });

  it('value strings are those of the EVENT_SYSTEM_REFERENCE.md tables, else the lower-case name', () => {
    const tableValues = new Map<string, string>();
    for (const m of read('EVENT_SYSTEM_REFERENCE.md').matchAll(/^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|\s*`([a-z0-9_]+)`\s*\|/gm)) tableValues.set(m[1]!, m[2]!);
    expect(tableValues.size).toBe(80);
    for (const name of g.EVENT_NAMES) {
      expect(g.DataEventType[name], name).toBe(tableValues.get(name) ?? name.toLowerCase());
    }
  });

  it('events of EVENT_PAYLOAD_SCHEMAS.md require exactly its required fields, with its types', () => {
    const tables = schemaTables();
    expect(tables.size).toBe(17);
    for (const [event, rows] of tables) {
      const name = event as g.EventName;
      expect(g.EVENT_NAMES, event).toContain(name);
      const required = rows.filter((r) => r.required && r.field !== 'source').map((r) => r.field).sort();
      expect([...g.EVENT_METADATA[name].requiredFields].sort(), `${event} required fields`).toEqual(required);
      for (const row of rows) {
        if (row.field === 'source') continue; // a common field, always filled in by the runtime
        const sample = { str: 'x', int: 3, float: 1.5, bool: true, dict: {}, 'list[str]': ['a'], 'dict[str, float]': { a: 0.5 } }[row.type];
        expect(TYPES[row.type], `${event}.${row.field}: unknown type ${row.type}`).toBeDefined();
        // The field accepts a value of the documented type (enums and patterns aside) …
        const probe = g.validatePayload(name, { [row.field]: sample });
        const fieldIssues = probe.ok ? [] : probe.issues.filter((i) => i.field === row.field && /must be (string|integer|number|boolean|object|array)/.test(i.message));
        expect(fieldIssues, `${event}.${row.field} should accept a ${row.type}`).toEqual([]);
      }
    }
  });

  it('events outside EVENT_PAYLOAD_SCHEMAS.md require nothing (only the runtime-emitted handler events do)', () => {
    const tables = schemaTables();
    const extends_ = new Set(['GPU_SELFPLAY_COMPLETE', 'CANONICAL_SELFPLAY_COMPLETE']); // "same as SELFPLAY_COMPLETE"
    const offenders = g.EVENT_NAMES.filter(
      (n) => !tables.has(n) && !RUNTIME_EMITTED.has(n) && !extends_.has(n) && g.EVENT_METADATA[n].requiredFields.length > 0,
    );
    expect(offenders).toEqual([]);
  });

  it('the field aliases of EVENT_PAYLOAD_SCHEMAS.md are the shared alias table', () => {
    const section = read('EVENT_PAYLOAD_SCHEMAS.md').split('## Field Name Aliases')[1]!;
    for (const m of section.matchAll(/^\|\s*`([a-z_]+)`\s*\|\s*(.+?)\s*\|$/gm)) {
      for (const alias of m[2]!.matchAll(/`([a-z_]+)`/g)) expect(g.SHARED_FIELD_ALIASES[alias[1]!], alias[1]).toBe(m[1]);
    }
  });
});
