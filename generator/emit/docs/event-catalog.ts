/**
 * `docs/EVENT_CATALOG.md`: the catalog as a document. Categories, every event
 * (description, spellings, producers and consumers, emit functions, payload
 * table), the flows as Mermaid diagrams derived from producers and consumers,
 * an index of fields across events and the components.
 *
 * The view is built here, all of it Markdown already; the handlebars template
 * only lays it out. Anchors are computed in document order by the same rules
 * as GitHub's, so every `#link` resolves.
 */
import Handlebars from 'handlebars';
import type { CatalogModel, EventModel, FieldModel } from '../../catalog/model.js';
import { camelCase } from '../../catalog/naming.js';
import { banner, type GeneratedFile } from '../output.js';
import { EVENT_CATALOG_TEMPLATE, EVENT_PARTIAL } from '../../templates/event-catalog.md.js';
import { schemaFileName } from '../schemas.js';
import { schemaId } from '../json-schema.js';
import { emitFunctions } from './emit-functions.js';
import { constraintsOf, fieldIndex, typeOf } from './fields.js';
import { cell, code, link, Slugger, text } from './markdown.js';
import { flowGraph, mermaidFlowchart } from './mermaid.js';

export const EVENT_CATALOG_PATH = 'docs/EVENT_CATALOG.md';

const render = (() => {
  const hbs = Handlebars.create();
  hbs.registerPartial('event', hbs.compile(EVENT_PARTIAL, { noEscape: true, strict: true }));
  return hbs.compile(EVENT_CATALOG_TEMPLATE, { noEscape: true, strict: true });
})();

export function eventCatalogFile(model: CatalogModel): GeneratedFile {
  const markdown = render(catalogView(model))
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/\n*$/, '\n');
  return { path: EVENT_CATALOG_PATH, content: markdown };
}

/** The template's input. Exported for tests. */
export function catalogView(model: CatalogModel) {
  const slugger = new Slugger();
  const title = `${model.name} event catalog`;
  slugger.slug(title);
  const sections = ['Contents', 'Categories', 'Flows', 'Common fields', 'Events', 'Field index', 'Components'];
  const sectionAnchor = new Map<string, string>();
  const section = (name: string) => sectionAnchor.set(name, slugger.slug(name));

  // Headings in document order: the anchors depend on it.
  section('Contents');
  section('Categories');
  section('Flows');
  const flowAnchors = model.flows.map((f) => slugger.slug(f.title));
  section('Common fields');
  section('Events');
  const categoryAnchors = new Map<string, string>();
  const eventAnchors = new Map<string, string>();
  for (const c of model.categories) {
    categoryAnchors.set(c.name, slugger.slug(c.title));
    for (const e of c.events) eventAnchors.set(e, slugger.slug(e));
  }
  section('Field index');
  section('Components');

  const byName = new Map(model.events.map((e) => [e.name, e] as const));
  const eventLink = (name: string) => link(text(name), `#${eventAnchors.get(name)!}`);
  const emit = emitFunctions(model);

  return {
    banner: banner('html').trimEnd(),
    title: text(title),
    description: text(model.description),
    summary:
      text(`${count(model.events.length, 'event')} in ${count(model.categories.length, 'category', 'categories')}. Each payload is also published as a JSON Schema (`) +
      code('schemas/<value>.json') +
      text(', whose ') +
      code('$id') +
      text(' is the CloudEvents ') +
      code('dataschema') +
      text(' of the event), and the whole catalog as an AsyncAPI 3.0 document (') +
      link(code('asyncapi.yaml'), '../asyncapi.yaml') +
      ').',
    toc: sections.filter((s) => s !== 'Contents').map((s) => ({ label: text(s), anchor: sectionAnchor.get(s)! })),
    categories: model.categories.map((c) => ({
      title: text(c.title),
      anchor: categoryAnchors.get(c.name)!,
      count: String(c.events.length),
      description: cell(c.description),
      events: c.events.map((name) => eventView(byName.get(name)!)),
    })),
    flowsIntro: text(
      model.flows.length
        ? 'Each diagram is derived from the catalog: an arrow from every producer of a flow\'s event to the event, and from the event to every consumer.'
        : 'The catalog defines no flows.',
    ),
    flows: model.flows.map((f, i) => ({
      title: text(f.title),
      anchor: flowAnchors[i]!,
      description: text(f.description),
      events: f.events.map(eventLink).join(', '),
      diagram: mermaidFlowchart(flowGraph(model, f)),
    })),
    commonIntro: text('Every payload may carry these fields; they belong to the envelope and are filled in by the runtime.'),
    commonFields: model.commonFields.map((f) => ({ name: code(f.name), type: typeCell(f), description: cell(f.description) })),
    fieldIndexIntro: text('Every payload field name, the events that use it, and whether those events agree on its type.'),
    fieldIndex: fieldIndex(model).map((u) => ({
      name: code(u.name) + (u.refs.length ? ` (shared: ${u.refs.map(code).join(', ')})` : ''),
      agree: u.agree ? 'yes' : '**no**',
      type: u.agree
        ? code(u.types[0]!.type)
        : u.types.map((t) => `${code(t.type)} in ${t.events.map(eventLink).join(', ')}`).join('; '),
      aliases: u.aliases.map(code).join(', '),
      events: `${u.events.length}: ${u.events.map(eventLink).join(', ')}`,
    })),
    componentsIntro: text('Every component the catalog names as a producer or consumer, with the events it publishes and receives.'),
    components: components(model).map((c) => ({
      name: cell(c.name),
      produces: c.produces.map(eventLink).join(', '),
      consumes: c.consumes.map(eventLink).join(', '),
    })),
  };

  function eventView(e: EventModel) {
    const facts: { label: string; value: string }[] = [];
    const fact = (label: string, value: string | undefined) => {
      if (value) facts.push({ label, value });
    };
    fact('Category', link(text(model.categories.find((c) => c.name === e.category)!.title), `#${categoryAnchors.get(e.category)!}`));
    fact('Value', code(e.value));
    fact('Topic', code(e.topic));
    fact('Stage', e.stage && code(e.stage));
    fact('Cross-process name', e.crossProcess && code(e.crossProcess));
    fact('Other spellings', e.spellings.map(code).join(', '));
    fact('Producers', e.producers.length ? e.producers.map(cell).join(', ') : 'none listed');
    fact('Consumers', e.consumers.length ? e.consumers.map(cell).join(', ') : 'none listed');
    fact('Deduplication', dedupText(e));
    fact(
      'Emit',
      emit
        .get(e.name)!
        .map((f) => code(f.call) + (f.documentName ? ` (${code(f.documentName)}${f.isDefault ? ', the default' : ''})` : ''))
        .join('<br>'),
    );
    fact(
      'Extract',
      model.extractors
        .filter((x) => x.event === e.name)
        .map((x) => `${code(`${camelCase(x.name)}(payload)`)} (${code(x.name)})`)
        .join('<br>'),
    );
    fact('Extends', e.extends && eventLink(e.extends));
    fact('Payload schema', `${link(code(schemaFileName(e)), `../schemas/${schemaFileName(e)}`)} (${code(schemaId(model, e))})`);
    fact('Payload version', `${e.version}${e.version > 1 ? ` (envelopes carry ${code(`"dataversion": ${e.version}`)})` : ''}`);
    fact('Deprecated', e.deprecated && `${cell(e.deprecated.reason)}${e.deprecated.replacedBy ? ` Use ${eventLink(e.deprecated.replacedBy)} instead.` : ''}`);
    fact('Sources', e.sources.map(cell).join(', '));
    return {
      name: text(e.name),
      anchor: eventAnchors.get(e.name)!,
      value: code(e.value),
      topic: code(e.topic),
      summary: (e.deprecated ? '**Deprecated.** ' : '') + cell(e.description),
      description: text(e.description),
      facts,
      fields: e.fields.map((f) => ({
        name: code(f.name),
        type: typeCell(f),
        required: f.required ? 'yes' : 'no',
        aliases: f.aliases.map(code).join(', '),
        description: f.deprecated
          ? `**Deprecated:** ${cell(f.deprecated.reason)}${f.deprecated.replacedBy ? ` Use ${code(f.deprecated.replacedBy)} instead.` : ''} ${cell(f.description)}`
          : cell(f.description),
      })),
      noFields: text(
        e.payloadDocumented
          ? 'No payload fields beyond the common fields.'
          : 'The reference documents give only this event\'s name: its payload has only the common fields.',
      ),
    };
  }

  function typeCell(f: FieldModel): string {
    return [code(typeOf(f)), ...constraintsOf(f, model)].join(', ');
  }
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function dedupText(e: EventModel): string {
  const reason = e.dedup.reason !== undefined ? `: ${cell(e.dedup.reason)}` : '';
  switch (e.dedup.kind) {
    case 'none':
      return `never: every repeat is a new event${reason}`;
    case 'payload':
      return `on the whole payload (minus the common fields)${reason}`;
    case 'fields':
      return `on ${e.dedup.fields.map(code).join(', ')}, when all are present${reason}`;
  }
}

function components(model: CatalogModel): { name: string; produces: string[]; consumes: string[] }[] {
  const map = new Map<string, { produces: string[]; consumes: string[] }>();
  const entry = (name: string) => map.get(name) ?? (map.set(name, { produces: [], consumes: [] }), map.get(name)!);
  for (const e of model.events) {
    for (const p of e.producers) entry(p).produces.push(e.name);
    for (const c of e.consumers) entry(c).consumes.push(e.name);
  }
  return [...map.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([name, v]) => ({ name, ...v }));
}
