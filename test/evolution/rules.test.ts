/**
 * One test per rule of `ringrift-events breaking`: a baseline and an edited
 * catalog written here, compared by the real CLI; each asserts the exact
 * `file:line:col: RULE_ID: message` line and the exit code (1: a break; 0: none,
 * or accepted on purpose).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { acceptedLines, breakLines, pair, swap, type Pair } from './helpers.js';

let p: Pair | undefined;
afterEach(() => p?.dispose());

/** Runs the pair and expects exit 1 with exactly these break lines. */
async function expectBreaks(edits: Parameters<typeof pair>[0], lines: (q: Pair) => string[], ...args: string[]): Promise<Pair> {
  p = pair(edits);
  const r = await p.breaking(...args);
  expect(breakLines(r)).toEqual(lines(p));
  expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^new against old \(.*\): \d+ breaking changes?\. Undo it, or accept it on purpose/);
  expect(r.code).toBe(1);
  return p;
}

const PAUSED = `  JOB_PAUSED:
    value: job_paused
    topic: job.paused
    description: A job paused.
`;

describe('event rules', () => {
  it('EVENT_REMOVED: at the event in the baseline; accepted when the baseline deprecated it', async () => {
    await expectBreaks({ new: { 'jobs.yaml': swap(PAUSED, '') } }, (q) => [
      `${q.at('old/jobs.yaml', 'JOB_PAUSED:')}: EVENT_REMOVED: event JOB_PAUSED was removed (breaks backward, source)`,
    ]);
    p!.dispose();
    p = pair({
      old: { 'jobs.yaml': swap('    description: A job paused.\n', '    description: A job paused.\n    deprecated: { reason: Jobs no longer pause., replaced_by: JOB_DONE }\n') },
      new: { 'jobs.yaml': (t) => t.replace(/ {2}JOB_PAUSED:[\s\S]*$/, '') },
    });
    const r = await p.breaking();
    expect(acceptedLines(r)).toEqual([`${p.at('old/jobs.yaml', 'JOB_PAUSED:')}: EVENT_REMOVED: event JOB_PAUSED was removed (breaks backward, source); accepted: deprecated in the baseline`]);
    expect(r.stdout).toContain('new against old (backward, forward, source): no breaking change; 1 accepted on purpose');
    expect(r.code).toBe(0);
  });

  it('EVENT_RENAMED: the old name kept as a spelling; accepted with a version bump', async () => {
    const renamed = swap('  JOB_PAUSED:\n', '  JOB_HALTED:\n    spellings: [JOB_PAUSED]\n');
    await expectBreaks({ new: { 'jobs.yaml': renamed } }, (q) => [
      `${q.at('new/jobs.yaml', 'JOB_HALTED:')}: EVENT_RENAMED: event JOB_PAUSED is now JOB_HALTED (its old name is a spelling) (breaks forward, source)`,
    ]);
    p!.dispose();
    p = pair({ new: { 'jobs.yaml': (t) => swap('    spellings: [JOB_PAUSED]\n', '    spellings: [JOB_PAUSED]\n    version: 2\n')(renamed(t)) } });
    const r = await p.breaking();
    expect(acceptedLines(r)).toEqual([
      `${p.at('new/jobs.yaml', 'JOB_HALTED:')}: EVENT_RENAMED: event JOB_PAUSED is now JOB_HALTED (its old name is a spelling) (breaks forward, source); accepted: JOB_HALTED version 1 → 2`,
    ]);
    expect(r.code).toBe(0);
  });

  it('EVENT_VERSION_DECREASED: never accepted', async () => {
    await expectBreaks(
      { old: { 'jobs.yaml': swap('    topic: job.paused\n', '    topic: job.paused\n    version: 3\n') }, new: { 'jobs.yaml': swap('    version: 3\n', '    version: 2\n') } },
      (q) => [`${q.at('new/jobs.yaml', 'JOB_PAUSED:')}: EVENT_VERSION_DECREASED: event JOB_PAUSED: version 3 → 2 (breaks backward, forward)`],
    );
  });

  it('EVENT_TOPIC_CHANGED', async () => {
    await expectBreaks({ new: { 'jobs.yaml': swap('topic: job.paused', 'topic: job.halted') } }, (q) => [
      `${q.at('new/jobs.yaml', 'JOB_PAUSED:')}: EVENT_TOPIC_CHANGED: event JOB_PAUSED: topic "job.paused" → "job.halted" (breaks backward, forward, source)`,
    ]);
  });

  it('EVENT_SPELLING_REMOVED: each spelling that no longer names the event', async () => {
    await expectBreaks({ new: { 'jobs.yaml': swap('    stage: job_complete\n', '') } }, (q) => [
      `${q.at('new/jobs.yaml', 'JOB_DONE:')}: EVENT_SPELLING_REMOVED: event JOB_DONE: its stage "job_complete" no longer names it (breaks source)`,
      `${q.at('new/jobs.yaml', 'JOB_DONE:')}: EVENT_SPELLING_REMOVED: event JOB_DONE: its stage enum name "JOB_COMPLETE" no longer names it (breaks source)`,
    ]);
  });

  it('EVENT_CROSS_PROCESS_REMOVED: breaks forward only, so --mode source passes', async () => {
    const edits = { new: { 'jobs.yaml': swap('    cross_process: JOB_STARTED\n', '') } };
    await expectBreaks(edits, (q) => [
      `${q.at('new/jobs.yaml', 'JOB_STARTED:')}: EVENT_CROSS_PROCESS_REMOVED: event JOB_STARTED: no longer crosses processes (cross_process removed) (breaks forward)`,
    ]);
    const r = await p!.breaking('--mode', 'source');
    expect(r.stdout).toContain('new against old (source): no breaking change');
    expect(r.code).toBe(0);
  });
});

describe('field rules', () => {
  it('FIELD_REMOVED: at the field in the baseline; an optional one breaks source only; accepted when the baseline deprecated it', async () => {
    const loss = '      loss:\n        type: number\n        description: Final loss.\n';
    await expectBreaks({ new: { 'jobs.yaml': swap(loss, '') } }, (q) => [
      `${q.at('old/jobs.yaml', 'loss:')}: FIELD_REMOVED: event JOB_DONE, field loss: removed (breaks source)`,
    ]);
    expect((await p!.breaking('--mode', 'wire')).code).toBe(0);
    p!.dispose();
    await expectBreaks({ new: { 'jobs.yaml': swap('      state:\n', '      outcome:\n') } }, (q) => [
      `${q.at('new/jobs.yaml', 'outcome:')}: FIELD_ADDED_REQUIRED: event JOB_DONE, field outcome: added as required (breaks backward, source)`,
      `${q.at('old/jobs.yaml', 'state:')}: FIELD_REMOVED: event JOB_DONE, field state: removed (it was required) (breaks forward, source)`,
    ]);
    p!.dispose();
    p = pair({ old: { 'jobs.yaml': swap('        description: Final loss.\n', '        description: Final loss.\n        deprecated: { reason: Nobody reads it. }\n') }, new: { 'jobs.yaml': (t) => t.replace(/ {6}loss:\n(?: {8}.*\n)+/, '') } });
    const r = await p.breaking();
    expect(acceptedLines(r)).toEqual([`${p.at('old/jobs.yaml', 'loss:')}: FIELD_REMOVED: event JOB_DONE, field loss: removed (breaks source); accepted: field loss deprecated in the baseline`]);
    expect(r.code).toBe(0);
  });

  it('FIELD_RENAMED: the old name kept as an alias (new consumers still read old events)', async () => {
    await expectBreaks({ new: { 'jobs.yaml': swap('      epochs:\n', '      epochs_run:\n') } }, (q) => [
      `${q.at('old/jobs.yaml', 'epochs:')}: FIELD_REMOVED: event JOB_DONE, field epochs: removed (breaks source)`,
    ]);
    p!.dispose();
    await expectBreaks({ new: { 'jobs.yaml': (t) => swap('aliases: [epochs_trained]', 'aliases: [epochs_trained, epochs]')(swap('      epochs:\n', '      epochs_run:\n')(t)) } }, (q) => [
      `${q.at('new/jobs.yaml', 'epochs_run:')}: FIELD_RENAMED: event JOB_DONE, field epochs_run: renamed from "epochs" (now an alias) (breaks forward, source)`,
    ]);
  });

  it('FIELD_ADDED_REQUIRED, and an optional field added breaks nothing', async () => {
    const host = (required: boolean) =>
      swap('        description: The job.\n  JOB_PAUSED:', `        description: The job.\n      host:\n        type: string\n${required ? '        required: true\n' : ''}        description: Host.\n  JOB_PAUSED:`);
    await expectBreaks({ new: { 'jobs.yaml': host(true) } }, (q) => [
      `${q.at('new/jobs.yaml', 'host:')}: FIELD_ADDED_REQUIRED: event JOB_STARTED, field host: added as required (breaks backward, source)`,
    ]);
    p!.dispose();
    p = pair({ new: { 'jobs.yaml': host(false) } });
    const r = await p.breaking();
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('new against old (backward, forward, source): no breaking change');
    expect(r.code).toBe(0);
  });

  it('FIELD_MADE_REQUIRED', async () => {
    await expectBreaks({ new: { 'jobs.yaml': swap('        type: number\n', '        type: number\n        required: true\n') } }, (q) => [
      `${q.at('new/jobs.yaml', 'loss:')}: FIELD_MADE_REQUIRED: event JOB_DONE, field loss: optional → required (breaks backward, source)`,
    ]);
  });

  it('FIELD_MADE_OPTIONAL', async () => {
    await expectBreaks({ new: { 'jobs.yaml': swap('        enum: [succeeded, failed]\n        required: true\n', '        enum: [succeeded, failed]\n') } }, (q) => [
      `${q.at('new/jobs.yaml', 'state:')}: FIELD_MADE_OPTIONAL: event JOB_DONE, field state: required → optional (breaks forward, source)`,
    ]);
  });

  it('FIELD_TYPE_NARROWED: number → integer', async () => {
    await expectBreaks({ new: { 'jobs.yaml': swap('        type: number\n', '        type: integer\n') } }, (q) => [
      `${q.at('new/jobs.yaml', 'loss:')}: FIELD_TYPE_NARROWED: event JOB_DONE, field loss: type number → integer (breaks backward, source)`,
    ]);
  });

  it('FIELD_TYPE_WIDENED: integer → integer | string', async () => {
    await expectBreaks({ new: { 'jobs.yaml': swap('        type: integer\n        minimum: 0\n', '        type: [integer, string]\n') } }, (q) => [
      `${q.at('new/jobs.yaml', 'epochs:')}: FIELD_CONSTRAINT_LOOSENED: event JOB_DONE, field epochs: minimum 0 removed (breaks forward)`,
      `${q.at('new/jobs.yaml', 'epochs:')}: FIELD_TYPE_WIDENED: event JOB_DONE, field epochs: type integer → integer | string (breaks forward, source)`,
    ]);
  });

  it('FIELD_TYPE_CHANGED: neither type contains the other', async () => {
    await expectBreaks({ new: { 'jobs.yaml': swap('        type: number\n', '        type: boolean\n') } }, (q) => [
      `${q.at('new/jobs.yaml', 'loss:')}: FIELD_TYPE_CHANGED: event JOB_DONE, field loss: type number → boolean (breaks backward, forward, source)`,
    ]);
  });

  it('FIELD_MADE_NULLABLE', async () => {
    await expectBreaks({ new: { 'jobs.yaml': swap('        type: number\n', '        type: number\n        nullable: true\n') } }, (q) => [
      `${q.at('new/jobs.yaml', 'loss:')}: FIELD_MADE_NULLABLE: event JOB_DONE, field loss: may now be null (breaks forward, source)`,
    ]);
  });

  it('FIELD_MADE_NOT_NULLABLE', async () => {
    await expectBreaks({ old: { 'jobs.yaml': swap('        type: number\n', '        type: number\n        nullable: true\n') }, new: { 'jobs.yaml': swap('        nullable: true\n', '') } }, (q) => [
      `${q.at('new/jobs.yaml', 'loss:')}: FIELD_MADE_NOT_NULLABLE: event JOB_DONE, field loss: may no longer be null (breaks backward, source)`,
    ]);
  });

  it('FIELD_ENUM_ADDED', async () => {
    await expectBreaks({ new: { 'jobs.yaml': swap('        pattern: "^[a-z]+$"\n', '        pattern: "^[a-z]+$"\n        enum: [red, blue]\n') } }, (q) => [
      `${q.at('new/jobs.yaml', 'label:')}: FIELD_ENUM_ADDED: event JOB_DONE, field label: enum ["red", "blue"] added (breaks backward, source)`,
    ]);
  });

  it('FIELD_ENUM_REMOVED', async () => {
    await expectBreaks({ new: { 'jobs.yaml': swap('        enum: [succeeded, failed]\n', '') } }, (q) => [
      `${q.at('new/jobs.yaml', 'state:')}: FIELD_ENUM_REMOVED: event JOB_DONE, field state: enum ["succeeded", "failed"] removed (breaks forward, source)`,
    ]);
  });

  it('ENUM_VALUE_ADDED, accepted by a version bump', async () => {
    const cancelled = swap('[succeeded, failed]', '[succeeded, failed, cancelled]');
    await expectBreaks({ new: { 'jobs.yaml': cancelled } }, (q) => [
      `${q.at('new/jobs.yaml', 'state:')}: ENUM_VALUE_ADDED: event JOB_DONE, field state: enum value "cancelled" added (breaks forward, source)`,
    ]);
    // Only the modes asked for are reported: backward alone passes.
    expect((await p!.breaking('--mode', 'backward')).code).toBe(0);
    p!.dispose();
    p = pair({ new: { 'jobs.yaml': (t) => swap('    topic: job.done\n', '    topic: job.done\n    version: 2\n')(cancelled(t)) } });
    const r = await p.breaking();
    expect(acceptedLines(r)).toEqual([
      `${p.at('new/jobs.yaml', 'state:')}: ENUM_VALUE_ADDED: event JOB_DONE, field state: enum value "cancelled" added (breaks forward, source); accepted: JOB_DONE version 1 → 2`,
    ]);
    expect(r.code).toBe(0);
  });

  it('ENUM_VALUE_REMOVED', async () => {
    await expectBreaks({ new: { 'jobs.yaml': swap('[succeeded, failed]', '[succeeded]') } }, (q) => [
      `${q.at('new/jobs.yaml', 'state:')}: ENUM_VALUE_REMOVED: event JOB_DONE, field state: enum value "failed" removed (breaks backward, source)`,
    ]);
  });

  it('FIELD_CONSTRAINT_TIGHTENED: a bound raised, a format added, a config-key value removed', async () => {
    await expectBreaks(
      {
        new: {
          'jobs.yaml': (t) => swap('        minimum: 0\n', '        minimum: 1\n')(swap('        description: The job.\n      state:', '        format: date-time\n        description: The job.\n      state:')(t)),
          'fields.yaml': swap('[hex8, square8]', '[hex8]'),
        },
      },
      (q) => [
        `${q.at('new/jobs.yaml', 'job_id:')}: FIELD_CONSTRAINT_TIGHTENED: event JOB_DONE, field job_id: format date-time added (breaks backward)`,
        `${q.at('new/jobs.yaml', 'epochs:')}: FIELD_CONSTRAINT_TIGHTENED: event JOB_DONE, field epochs: minimum 0 → 1 (breaks backward)`,
        `${q.at('new/jobs.yaml', 'config_key:')}: FIELD_CONSTRAINT_TIGHTENED: event JOB_DONE, field config_key: config key part {board_type} value "square8" removed (breaks backward)`,
      ],
    );
  });

  it('FIELD_CONSTRAINT_LOOSENED: a bound removed, a config-key value added', async () => {
    await expectBreaks({ new: { 'jobs.yaml': swap('        minimum: 0\n', ''), 'fields.yaml': swap('[2, 4]', '[2, 3, 4]') } }, (q) => [
      `${q.at('new/jobs.yaml', 'epochs:')}: FIELD_CONSTRAINT_LOOSENED: event JOB_DONE, field epochs: minimum 0 removed (breaks forward)`,
      `${q.at('new/jobs.yaml', 'config_key:')}: FIELD_CONSTRAINT_LOOSENED: event JOB_DONE, field config_key: config key part {num_players} value 3 added (breaks forward)`,
    ]);
  });

  it('FIELD_PATTERN_CHANGED', async () => {
    await expectBreaks({ new: { 'jobs.yaml': swap('"^[a-z]+$"', '"^[a-z0-9]+$"') } }, (q) => [
      `${q.at('new/jobs.yaml', 'label:')}: FIELD_PATTERN_CHANGED: event JOB_DONE, field label: pattern "^[a-z]+$" → "^[a-z0-9]+$" (breaks backward, forward)`,
    ]);
  });

  it('FIELD_ALIAS_REMOVED', async () => {
    await expectBreaks({ new: { 'jobs.yaml': swap('        aliases: [epochs_trained]\n', '') } }, (q) => [
      `${q.at('new/jobs.yaml', 'epochs:')}: FIELD_ALIAS_REMOVED: event JOB_DONE, field epochs: alias "epochs_trained" removed (breaks backward)`,
    ]);
  });
});

describe('emitter rules', () => {
  it('EMITTER_REMOVED: at the emitter in the baseline', async () => {
    await expectBreaks({ new: { 'emitters.yaml': swap('  emit_job_done:\n    event: JOB_DONE\n    description: Announce a finished job.\n', '') } }, (q) => [
      `${q.at('old/emitters.yaml', 'emit_job_done:')}: EMITTER_REMOVED: emitter emit_job_done was removed (breaks source)`,
    ]);
  });

  it('EMITTER_CASE_REMOVED', async () => {
    await expectBreaks({ new: { 'emitters.yaml': swap('        finished: JOB_DONE\n', '') } }, (q) => [
      `${q.at('new/emitters.yaml', 'emit_job_event:')}: EMITTER_CASE_REMOVED: emitter emit_job_event: case "finished" (JOB_DONE) was removed (breaks source)`,
    ]);
  });
});
