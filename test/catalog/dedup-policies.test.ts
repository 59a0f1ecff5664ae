/**
 * The catalog's dedup policies against the rule of catalog/README.md
 * "Deduplication": a content key names one fact (a job, task, batch, model,
 * node run), never a measurement alone, and every policy says why.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../../generator/catalog/build.js';
import { formatProblem } from '../../generator/catalog/source.js';
import { readCatalogDir } from '../../generator/io.js';

const CATALOG = fileURLToPath(new URL('../../catalog', import.meta.url));

/** Fields that name one thing: an id, a path, a round. */
const IDENTIFYING = /(_id|_ids|_path)$|^iteration$/;

describe('the catalog’s dedup policies', () => {
  const built = buildCatalog(readCatalogDir(CATALOG));
  if (!built.ok) throw new Error(built.problems.map(formatProblem).join('\n'));
  const deduplicated = [...built.model.events].filter((e) => e.dedup.kind !== 'none' || e.dedup.reason !== undefined);

  it('each say why (a reason), all 49 reviewed', () => {
    expect(deduplicated.length).toBe(49);
    expect(deduplicated.filter((e) => !e.dedup.reason).map((e) => e.name)).toEqual([]);
  });

  it('key on fields that name one fact, never on measurements alone', () => {
    const measurementsOnly = deduplicated.filter((e) => e.dedup.kind === 'payload' || (e.dedup.kind === 'fields' && !e.dedup.fields.some((f) => IDENTIFYING.test(f))));
    expect(measurementsOnly.map((e) => `${e.name}: ${e.dedup.kind === 'fields' ? e.dedup.fields.join(', ') : e.dedup.kind}`)).toEqual([]);
  });
});

describe('a dedup reason in a catalog', () => {
  const base = {
    'c/catalog.yaml': 'catalog:\n  name: t\n  description: T.\n',
  };
  const build = (dedup: string) =>
    buildCatalog(
      Object.entries({
        ...base,
        'c/jobs.yaml': `category: { name: jobs, title: Jobs, description: Jobs. }\nevents:\n  JOB_DONE:\n    value: job_done\n    topic: job.done\n    description: Done.\n    dedup: ${dedup}\n    payload:\n      job_id: { type: string, description: The job. }\n`,
      }).map(([path, text]) => ({ path, text })),
    );

  it('is read with a fields policy and with none', () => {
    const fields = build('{ fields: [job_id], reason: One job. }');
    const none = build('{ kind: none, reason: No field names one. }');
    expect(fields.ok && fields.model.events.find((e) => e.name === 'JOB_DONE')!.dedup).toEqual({ kind: 'fields', fields: ['job_id'], reason: 'One job.' });
    expect(none.ok && none.model.events.find((e) => e.name === 'JOB_DONE')!.dedup).toEqual({ kind: 'none', reason: 'No field names one.' });
  });

  it('is refused when empty, or beside an unknown key', () => {
    const problems = (dedup: string): string[] => {
      const r = build(dedup);
      return r.ok ? [] : r.problems.map(formatProblem);
    };
    expect(problems('{ fields: [job_id], reason: "" }')).toContain('c/jobs.yaml:7:32: event JOB_DONE (dedup.reason): must NOT have fewer than 1 characters');
    expect(problems('{ kind: none, fields: [job_id] }')).toContain('c/jobs.yaml:7:26: event JOB_DONE (dedup): unknown key "fields"');
  });
});
