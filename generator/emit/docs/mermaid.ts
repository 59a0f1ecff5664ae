/**
 * The diagram of a flow, derived from the catalog: for each event of the flow,
 * an edge from every producer to the event and from the event to every
 * consumer. A component that consumes one event and produces the next links
 * the chain (DataPipelineOrchestrator: NEW_GAMES_AVAILABLE → TRAINING_THRESHOLD_REACHED).
 */
import type { CatalogModel, FlowModel } from '../../catalog/model.js';
import { compareText } from '../../order.js';

export interface GraphNode {
  /** A Mermaid-safe identifier: `ev_` + event name, or `co_` + the component name made an identifier. */
  readonly id: string;
  readonly label: string;
  readonly kind: 'event' | 'component';
}

export interface FlowGraph {
  /** Events in the flow's order, then components sorted by name. */
  readonly nodes: readonly GraphNode[];
  /** In the flow's order: each event's producers, then its consumers, as the catalog lists them. */
  readonly edges: readonly { readonly from: string; readonly to: string }[];
}

export function flowGraph(model: CatalogModel, flow: FlowModel): FlowGraph {
  const events = flow.events.map((name) => model.events.find((e) => e.name === name)!);
  const components = [...new Set(events.flatMap((e) => [...e.producers, ...e.consumers]))].sort(compareText);
  const ids = componentIds(components);
  const nodes: GraphNode[] = [
    ...events.map((e) => ({ id: `ev_${e.name}`, label: e.name, kind: 'event' as const })),
    ...components.map((c) => ({ id: ids.get(c)!, label: c, kind: 'component' as const })),
  ];
  const edges: { from: string; to: string }[] = [];
  const seen = new Set<string>();
  const add = (from: string, to: string) => {
    const key = `${from} ${to}`;
    if (!seen.has(key)) (seen.add(key), edges.push({ from, to }));
  };
  for (const e of events) {
    for (const p of e.producers) add(ids.get(p)!, `ev_${e.name}`);
    for (const c of e.consumers) add(`ev_${e.name}`, ids.get(c)!);
  }
  return { nodes, edges };
}

/** The flowchart's lines, without the code fence. */
export function mermaidFlowchart(graph: FlowGraph): string {
  const lines = ['flowchart LR'];
  for (const n of graph.nodes) lines.push(`  ${n.id}${n.kind === 'event' ? `(["${label(n.label)}"])` : `["${label(n.label)}"]`}`);
  for (const e of graph.edges) lines.push(`  ${e.from} --> ${e.to}`);
  const events = graph.nodes.filter((n) => n.kind === 'event').map((n) => n.id);
  lines.push('  classDef event fill:#fff4cc,stroke:#b58900,color:#000');
  if (events.length) lines.push(`  class ${events.join(',')} event`);
  return lines.join('\n');
}

/** Component names are free text (`app/training/train.py`, `All coordinators`): each gets a unique identifier. */
function componentIds(components: readonly string[]): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const c of components) {
    const base = `co_${c.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'component'}`;
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}_${n}`;
    used.add(id);
    ids.set(c, id);
  }
  return ids;
}

/** Text inside a quoted Mermaid label: quotes, `#`, angle brackets and backticks become entity codes. */
export function label(s: string): string {
  return s
    .replace(/#/g, '#35;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/`/g, '#96;')
    .replace(/\s+/g, ' ')
    .trim();
}

