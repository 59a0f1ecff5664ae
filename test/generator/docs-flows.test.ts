/** The `flows:` catalog key, which seeds the docs' flow diagrams: its model and the problems a broken one reports. */
import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../../generator/catalog/build.js';
import type { SourceFile } from '../../generator/catalog/source.js';
import { catalogSources, problemsOf } from './catalog/helpers.js';

const BASE: Record<string, string> = {
  'c/catalog.yaml': 'catalog:\n  name: t\n  description: T.\n',
  'c/jobs.yaml': `category: { name: jobs, title: Jobs, description: Jobs. }
events:
  JOB_STARTED: { value: job_started, topic: job.started, description: Started., producers: [A], consumers: [B] }
  JOB_DONE: { value: job_done, topic: job.done, description: Done., producers: [B], consumers: [C] }
`,
};

const sources = (files: Record<string, string>): SourceFile[] => catalogSources(BASE, files);
const problems = (files: Record<string, string>): string[] => problemsOf(sources(files));

describe('flows', () => {
  it('are optional: a catalog without them has none', () => {
    const r = buildCatalog(sources({}));
    expect(r.ok && r.model.flows).toEqual([]);
  });

  it('keep the order they are written in, files by path, and their events in order', () => {
    const r = buildCatalog(
      sources({
        'c/b.yaml': 'flows:\n  zeta: { title: Z, description: Z., events: [JOB_DONE, JOB_STARTED] }\n  alpha: { title: A, description: A., events: [JOB_STARTED] }\n',
        'c/a.yaml': 'flows:\n  middle: { title: M, description: M., events: [JOB_DONE] }\n',
      }),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.model.flows).toEqual([
      { name: 'middle', title: 'M', description: 'M.', events: ['JOB_DONE'] },
      { name: 'zeta', title: 'Z', description: 'Z.', events: ['JOB_DONE', 'JOB_STARTED'] },
      { name: 'alpha', title: 'A', description: 'A.', events: ['JOB_STARTED'] },
    ]);
    expect(Object.isFrozen(r.model.flows[0]!.events)).toBe(true);
  });

  it('report an unknown event at its position', () => {
    expect(problems({ 'c/flows.yaml': 'flows:\n  f:\n    title: F\n    description: F.\n    events: [JOB_DONE, JOB_GONE]\n' })).toEqual([
      'c/flows.yaml:5:24: flow f: unknown event JOB_GONE (did you mean "JOB_DONE"?)',
    ]);
  });

  it('report a flow defined twice', () => {
    expect(
      problems({
        'c/a.yaml': 'flows:\n  f: { title: F, description: F., events: [JOB_DONE] }\n',
        'c/b.yaml': 'flows:\n  f: { title: G, description: G., events: [JOB_STARTED] }\n',
      }),
    ).toEqual(['c/b.yaml:2:3: flow f: duplicate flow (first at c/a.yaml:2:3)']);
  });

  it('report a bad name, a missing key, an empty or repeating event list, an unknown key', () => {
    expect(problems({ 'c/flows.yaml': 'flows:\n  Bad-Name: { title: F, description: F., events: [JOB_DONE] }\n' })).toEqual([
      'c/flows.yaml:2:3: flows: invalid name "Bad-Name": flow names are lower_snake_case',
    ]);
    expect(problems({ 'c/flows.yaml': 'flows:\n  f: { title: F, events: [JOB_DONE] }\n' })).toEqual([
      'c/flows.yaml:2:3: flows.f: missing required key "description"',
    ]);
    expect(problems({ 'c/flows.yaml': 'flows:\n  f: { title: F, description: F., events: [] }\n' })).toEqual([
      expect.stringMatching(/^c\/flows\.yaml:2:\d+: flows\.f\.events: must NOT have fewer than 1 items$/),
    ]);
    expect(problems({ 'c/flows.yaml': 'flows:\n  f: { title: F, description: F., events: [JOB_DONE, JOB_DONE] }\n' })).toEqual([
      expect.stringMatching(/^c\/flows\.yaml:2:\d+: flows\.f\.events: must NOT have duplicate items/),
    ]);
    expect(problems({ 'c/flows.yaml': 'flows:\n  f: { title: F, description: F., events: [JOB_DONE], color: red }\n' })).toEqual([
      expect.stringMatching(/^c\/flows\.yaml:2:\d+: flows\.f: unknown key "color"$/),
    ]);
  });
});
