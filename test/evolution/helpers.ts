/**
 * Pairs of small catalogs for the `breaking` tests: a baseline (`old/`) and
 * an edited copy (`new/`) in a temporary directory, compared by the real CLI
 * run from that directory, so messages name `old/…` and `new/…`.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliResult } from '../helpers/cli.js';

export const BASE: Readonly<Record<string, string>> = {
  'catalog.yaml': `catalog:
  name: evo
  description: Catalog of the evolution tests.
`,
  'fields.yaml': `common_fields:
  timestamp:
    type: [string, number]
    description: When the event was emitted.
  source:
    type: string
    description: Component that emitted the event.
fields:
  config_key:
    type: string
    composed_of: "{board_type}_{num_players}p"
    description: Configuration key.
  board_type:
    type: string
    enum: [hex8, square8]
    description: Board type.
  num_players:
    type: integer
    enum: [2, 4]
    description: Player count.
`,
  'jobs.yaml': `category:
  name: jobs
  title: Jobs
  description: Jobs that start and finish.
events:
  JOB_DONE:
    value: job_done
    topic: job.done
    stage: job_complete
    cross_process: JOB_DONE
    spellings: [JOB_FINISHED]
    description: A job finished.
    payload:
      job_id:
        type: string
        required: true
        description: The job.
      state:
        type: string
        enum: [succeeded, failed]
        required: true
        description: How it ended.
      epochs:
        type: integer
        minimum: 0
        description: Epochs run.
        aliases: [epochs_trained]
      loss:
        type: number
        description: Final loss.
      label:
        type: string
        pattern: "^[a-z]+$"
        description: A label.
      config_key: { ref: config_key }
  JOB_STARTED:
    value: job_started
    topic: job.started
    cross_process: JOB_STARTED
    description: A job started.
    payload:
      job_id:
        type: string
        required: true
        description: The job.
  JOB_PAUSED:
    value: job_paused
    topic: job.paused
    description: A job paused.
`,
  'emitters.yaml': `emitters:
  emit_job_done:
    event: JOB_DONE
    description: Announce a finished job.
  emit_job_event:
    description: Announce a job event; the phase picks the event.
    select:
      argument: phase
      cases:
        started: JOB_STARTED
        done: JOB_DONE
        finished: JOB_DONE
`,
};

export type Edit = Partial<Record<keyof typeof BASE | string, (text: string) => string>>;

/** Replaces `from` by `to` exactly once (a test edit that silently matched nothing would prove nothing). */
export function swap(from: string, to: string): (text: string) => string {
  return (text) => {
    const n = text.split(from).length - 1;
    if (n !== 1) throw new Error(`test edit: ${JSON.stringify(from)} occurs ${n} times`);
    return text.replace(from, to);
  };
}

export interface Pair {
  readonly dir: string;
  /** Runs `breaking --against old --catalog new` (plus `args`) from the pair's directory. */
  breaking(...args: string[]): Promise<CliResult>;
  /** `file:line:col` of the first occurrence of `text` (of the line holding it, at `text`) in `old/…` or `new/…`. */
  at(file: string, text: string): string;
  dispose(): void;
}

export function pair(edits: { old?: Edit; new?: Edit } = {}): Pair {
  const dir = mkdtempSync(join(tmpdir(), 'rr-evolution-'));
  for (const side of ['old', 'new'] as const) {
    mkdirSync(join(dir, side));
    for (const [name, text] of Object.entries(BASE)) {
      // The new catalog starts from the edited baseline, so an edit of the baseline alone is what changes.
      let content = edits.old?.[name]?.(text) ?? text;
      if (side === 'new') content = edits.new?.[name]?.(content) ?? content;
      writeFileSync(join(dir, side, name), content);
    }
  }
  return {
    dir,
    breaking: (...args) => runCli(['breaking', '--against', 'old', '--catalog', 'new', ...args], dir),
    at: (file, text) => {
      const lines = readFileSync(join(dir, file), 'utf8').split('\n');
      const i = lines.findIndex((l) => l.includes(text));
      if (i < 0) throw new Error(`${file} has no ${JSON.stringify(text)}`);
      return `${file}:${i + 1}:${lines[i]!.indexOf(text) + 1}`;
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The breaking-change lines of a run (stderr without its summary line). */
export function breakLines(r: CliResult): string[] {
  return r.stderr.trim().split('\n').filter((l) => /: [A-Z_]+: /.test(l));
}

/** The accepted-change lines of a run (stdout without its summary line). */
export function acceptedLines(r: CliResult): string[] {
  return r.stdout.trim().split('\n').filter((l) => l.includes('; accepted: '));
}
