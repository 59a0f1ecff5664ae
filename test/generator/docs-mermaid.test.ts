/**
 * The flow diagrams are valid Mermaid. There is no Mermaid package here, so a
 * small structural parser checks the subset the generator writes: every line
 * is a node definition, an edge, or a class statement; ids are safe
 * identifiers; labels are quoted with entity codes; the graph is built and
 * every edge joins defined nodes. On the real catalog each flow's graph is
 * also connected, and is exactly the producers → event → consumers edges.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../../generator/catalog/build.js';
import type { CatalogModel } from '../../generator/catalog/model.js';
import type { SourceFile } from '../../generator/catalog/source.js';
import { flowGraph, label, mermaidFlowchart } from '../../generator/emit/docs/mermaid.js';
import { readCatalogDir } from '../../generator/io.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ID = '[A-Za-z][A-Za-z0-9_]*';
/** Words Mermaid's flowchart grammar reserves; as bare ids they break the diagram. */
const RESERVED = new Set(['end', 'graph', 'flowchart', 'subgraph', 'style', 'class', 'classdef', 'click', 'linkstyle', 'direction', 'default', 'call', 'href']);

interface Flowchart {
  readonly nodes: Map<string, { label: string; shape: 'box' | 'stadium' }>;
  readonly edges: [string, string][];
  readonly classes: Map<string, string[]>;
}

/** Parses the flowchart subset the generator writes; throws on anything else. */
export function parseFlowchart(source: string): Flowchart {
  const [header, ...lines] = source.split('\n');
  if (!/^flowchart (LR|RL|TB|TD|BT)$/.test(header!)) throw new Error(`bad header: ${header}`);
  const nodes = new Map<string, { label: string; shape: 'box' | 'stadium' }>();
  const edges: [string, string][] = [];
  const classes = new Map<string, string[]>();
  const defined = new Set<string>();
  const checkId = (id: string) => {
    if (RESERVED.has(id.toLowerCase())) throw new Error(`reserved word as id: ${id}`);
  };
  const checkLabel = (l: string) => {
    // Inside quotes: no quote, and `#` only as an entity code (#quot; #35;).
    if (/"/.test(l) || /#(?![a-z]+;|\d+;)/.test(l) || /[\n`<>]/.test(l)) throw new Error(`unsafe label: ${l}`);
  };
  for (const line of lines) {
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^  (${ID})\\["([^"]*)"\\]$`).exec(line)) || (m = new RegExp(`^  (${ID})\\(\\["([^"]*)"\\]\\)$`).exec(line))) {
      const [, id, text] = m;
      checkId(id!);
      checkLabel(text!);
      if (nodes.has(id!)) throw new Error(`node defined twice: ${id}`);
      nodes.set(id!, { label: text!, shape: line.includes('(["') ? 'stadium' : 'box' });
    } else if ((m = new RegExp(`^  (${ID}) --> (${ID})$`).exec(line))) {
      edges.push([m[1]!, m[2]!]);
    } else if ((m = /^  classDef ([A-Za-z]+) ((?:[a-z-]+:[#A-Za-z0-9]+,?)+)$/.exec(line))) {
      defined.add(m[1]!);
    } else if ((m = new RegExp(`^  class ((?:${ID},)*${ID}) ([A-Za-z]+)$`).exec(line))) {
      if (!defined.has(m[2]!)) throw new Error(`class ${m[2]} used before classDef`);
      classes.set(m[2]!, m[1]!.split(','));
    } else {
      throw new Error(`not a flowchart statement: ${JSON.stringify(line)}`);
    }
  }
  for (const [from, to] of edges) {
    if (!nodes.has(from) || !nodes.has(to)) throw new Error(`edge to an undefined node: ${from} --> ${to}`);
  }
  for (const ids of classes.values()) for (const id of ids) if (!nodes.has(id)) throw new Error(`class on an undefined node: ${id}`);
  return { nodes, edges, classes };
}

function connected(chart: Flowchart): boolean {
  const ids = [...chart.nodes.keys()];
  if (ids.length === 0) return true;
  const next = new Map(ids.map((id) => [id, [] as string[]]));
  for (const [a, b] of chart.edges) next.get(a)!.push(b), next.get(b)!.push(a);
  const seen = new Set([ids[0]!]);
  const queue = [ids[0]!];
  while (queue.length) for (const n of next.get(queue.pop()!)!) if (!seen.has(n)) (seen.add(n), queue.push(n));
  return seen.size === ids.length;
}

/** The ```mermaid blocks of a Markdown document. */
function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)\n```$/gm)].map((m) => m[1]!);
}

function unlabel(l: string): string {
  return l.replace(/#quot;/g, '"').replace(/#lt;/g, '<').replace(/#gt;/g, '>').replace(/#96;/g, '`').replace(/#35;/g, '#');
}

function build(sources: SourceFile[]): CatalogModel {
  const built = buildCatalog(sources);
  if (!built.ok) throw new Error(built.problems.map((p) => p.message).join('\n'));
  return built.model;
}

const WEIRD = ['app/training/train.py', 'app-training-train.py', 'end', 'Quote "me" <b>#1</b>', 'All coordinators', 'tick `x`', '__'];

function weirdCatalog(): SourceFile[] {
  return [
    { path: 'c/catalog.yaml', text: 'catalog:\n  name: t\n  description: T.\n' },
    {
      path: 'c/jobs.yaml',
      text: `category: { name: jobs, title: Jobs, description: Jobs. }
events:
  JOB_STARTED:
    value: job_started
    topic: job.started
    description: Started.
    producers: ${JSON.stringify(WEIRD.slice(0, 4))}
    consumers: ${JSON.stringify(WEIRD.slice(4))}
  JOB_DONE:
    value: job_done
    topic: job.done
    description: Done.
    producers: ${JSON.stringify(WEIRD.slice(4))}
    consumers: ["end"]
`,
    },
    { path: 'c/flows.yaml', text: 'flows:\n  weird:\n    title: Weird\n    description: W.\n    events: [JOB_STARTED, JOB_DONE]\n' },
  ];
}

describe('flowGraph and mermaidFlowchart', () => {
  it('give free-text component names unique, safe ids and escaped labels', () => {
    const model = build(weirdCatalog());
    const graph = flowGraph(model, model.flows[0]!);
    const chart = parseFlowchart(mermaidFlowchart(graph));
    const components = graph.nodes.filter((n) => n.kind === 'component');
    expect(components.map((n) => n.label).sort()).toEqual([...WEIRD].sort());
    expect(new Set(components.map((n) => n.id)).size).toBe(WEIRD.length);
    for (const n of components) expect(unlabel(chart.nodes.get(n.id)!.label)).toBe(n.label);
    expect(chart.nodes.get('ev_JOB_STARTED')).toEqual({ label: 'JOB_STARTED', shape: 'stadium' });
    expect(chart.classes.get('event')).toEqual(['ev_JOB_STARTED', 'ev_JOB_DONE']);
    expect(connected(chart)).toBe(true);
  });

  it('draws producer → event → consumer, once per pair', () => {
    const model = build(weirdCatalog());
    const graph = flowGraph(model, model.flows[0]!);
    const byLabel = new Map(graph.nodes.map((n) => [n.id, n.label] as const));
    const edges = graph.edges.map((e) => `${byLabel.get(e.from)} -> ${byLabel.get(e.to)}`);
    expect(edges).toEqual([
      ...WEIRD.slice(0, 4).map((p) => `${p} -> JOB_STARTED`),
      ...WEIRD.slice(4).map((c) => `JOB_STARTED -> ${c}`),
      ...WEIRD.slice(4).map((p) => `${p} -> JOB_DONE`),
      'JOB_DONE -> end',
    ]);
  });

  it('label() leaves no quote, bracket, backtick or bare # in a label', () => {
    expect(label('a "b" <c> `d` #e\nf')).toBe('a #quot;b#quot; #lt;c#gt; #96;d#96; #35;e f');
  });

  it('the structural parser rejects what Mermaid would reject', () => {
    expect(() => parseFlowchart('flowchart LR\n  end["x"]')).toThrow('reserved');
    expect(() => parseFlowchart('flowchart LR\n  a["x"]\n  a --> b')).toThrow('undefined node');
    expect(() => parseFlowchart('flowchart LR\n  a["say "hi""]')).toThrow('not a flowchart statement');
    expect(() => parseFlowchart('flowchart LR\n  a-b["x"]')).toThrow('not a flowchart statement');
    expect(() => parseFlowchart('graph XY')).toThrow('bad header');
  });
});

describe.each([
  { name: 'catalog', catalog: `${ROOT}catalog`, doc: `${ROOT}generated/docs/EVENT_CATALOG.md`, connected: true },
  { name: 'minimal fixture', catalog: `${ROOT}test/fixtures/catalogs/minimal`, doc: `${ROOT}test/fixtures/catalogs/minimal/generated/docs/EVENT_CATALOG.md`, connected: false },
])('the Mermaid blocks of the $name EVENT_CATALOG.md', ({ catalog, doc, connected: mustConnect }) => {
  const model = build(readCatalogDir(catalog));
  const blocks = mermaidBlocks(readFileSync(doc, 'utf8'));

  it('one valid flowchart per flow of the catalog', () => {
    expect(model.flows.length).toBeGreaterThan(0);
    expect(blocks).toHaveLength(model.flows.length);
    for (const block of blocks) expect(() => parseFlowchart(block)).not.toThrow();
  });

  it('each is the flow\'s events with exactly their producers and consumers', () => {
    model.flows.forEach((flow, i) => {
      const chart = parseFlowchart(blocks[i]!);
      const name = (id: string) => unlabel(chart.nodes.get(id)!.label);
      const expected = new Set(
        flow.events.flatMap((n) => {
          const e = model.events.find((x) => x.name === n)!;
          return [...e.producers.map((p) => `${p} -> ${n}`), ...e.consumers.map((c) => `${n} -> ${c}`)];
        }),
      );
      expect(new Set(chart.edges.map(([a, b]) => `${name(a)} -> ${name(b)}`))).toEqual(expected);
      expect(chart.classes.get('event')!.map(name)).toEqual(flow.events);
      if (mustConnect) expect(connected(chart), flow.name).toBe(true);
    });
  });

  if (mustConnect) {
    it('covers the six flows of EVENT_FLOW_INTEGRATION.md', () => {
      expect(model.flows.map((f) => f.name)).toEqual([
        'selfplay_to_training',
        'training_to_evaluation',
        'evaluation_to_promotion',
        'promotion_to_distribution',
        'regression_to_recovery',
        'cluster_health',
      ]);
    });
  }
});
