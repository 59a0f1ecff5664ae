/**
 * The catalog model: what the emitters see. Built once from validated YAML,
 * fully resolved (refs and `extends` inlined), sorted, and frozen, so every
 * emitter is a pure function of it.
 */
import type { Position } from './source.js';

export type ScalarType = 'string' | 'integer' | 'number' | 'boolean';
export type ElementType = ScalarType | 'object' | 'any';

export type FieldType =
  | { readonly kind: 'scalar'; readonly types: readonly ScalarType[] }
  | { readonly kind: 'object' }
  | { readonly kind: 'any' }
  | { readonly kind: 'array'; readonly items: ElementType }
  | { readonly kind: 'map'; readonly values: ElementType };

export interface FieldModel {
  readonly name: string;
  readonly type: FieldType;
  readonly required: boolean;
  readonly nullable: boolean;
  readonly description: string;
  readonly aliases: readonly string[];
  readonly enum?: readonly (string | number | boolean)[];
  readonly pattern?: string;
  readonly format?: 'date-time';
  readonly minimum?: number;
  readonly maximum?: number;
  /** The shared field this one refers to, if any. */
  readonly ref?: string;
  readonly deprecated?: DeprecationModel;
  /** Where the field is written (for an inherited field: in the event it comes from). */
  readonly location?: Position;
}

/** Why an event or field is deprecated, and what replaces it (an event, or a field of the same event). */
export interface DeprecationModel {
  readonly reason: string;
  readonly replacedBy?: string;
}

/** `reason`: why the policy is right for this event (catalog/README.md "Deduplication"); documentation only. */
export type DedupModel =
  | { readonly kind: 'none'; readonly reason?: string }
  | { readonly kind: 'payload'; readonly reason?: string }
  | { readonly kind: 'fields'; readonly fields: readonly string[]; readonly reason?: string };

export interface EventModel {
  readonly name: string;
  readonly value: string;
  readonly topic: string;
  readonly stage?: string;
  readonly crossProcess?: string;
  /** Extra spellings the documents use for this event. */
  readonly spellings: readonly string[];
  readonly description: string;
  readonly category: string;
  readonly producers: readonly string[];
  readonly consumers: readonly string[];
  readonly sources: readonly string[];
  readonly dedup: DedupModel;
  readonly payloadDocumented: boolean;
  readonly extends?: string;
  /** The payload's version (1 unless the catalog says otherwise); envelopes carry it as `dataversion`. */
  readonly version: number;
  readonly deprecated?: DeprecationModel;
  readonly fields: readonly FieldModel[];
  readonly location: Position;
}

export interface CategoryModel {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** Event names, sorted. */
  readonly events: readonly string[];
  readonly file: string;
}

/** `location`: where the emitter is written (set by the catalog builder; absent in models built by hand). */
export type EmitterModel = { readonly location?: Position } & (
  | { readonly name: string; readonly description: string; readonly kind: 'event'; readonly event: string }
  | {
      readonly name: string;
      readonly description: string;
      readonly kind: 'select';
      readonly argument: string;
      readonly default?: string;
      /** Sorted by case value. */
      readonly cases: readonly { readonly value: string; readonly event: string }[];
    }
);

export interface ExtractorModel {
  readonly name: string;
  readonly event: string;
  readonly description: string;
}

/** The config key grammar, from the `composed_of` template of the shared field. */
export interface ConfigKeyModel {
  readonly field: string;
  readonly template: string;
  /** Template parts in order: literal text or a shared field with an enum. */
  readonly parts: readonly ({ readonly literal: string } | { readonly field: string; readonly values: readonly (string | number)[] })[];
}

/** A flow of the pipeline (selfplay → training …): its diagram is derived from the producers and consumers of its events. */
export interface FlowModel {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** The events that seed the flow, in the order the catalog lists them. */
  readonly events: readonly string[];
}

export interface CatalogModel {
  readonly name: string;
  readonly description: string;
  readonly schemaBaseUrl: string;
  /** The module specifier the generated code imports the runtime from: a property of the output, the same whoever runs the generator. */
  readonly runtimeImport: string;
  readonly commonFields: readonly FieldModel[];
  /** Sorted by name. */
  readonly sharedFields: readonly FieldModel[];
  readonly categories: readonly CategoryModel[];
  /** Sorted by name. */
  readonly events: readonly EventModel[];
  readonly emitters: readonly EmitterModel[];
  readonly extractors: readonly ExtractorModel[];
  readonly configKeys: readonly ConfigKeyModel[];
  /** In declaration order (files by path, then as written): the order of the pipeline's narrative. */
  readonly flows: readonly FlowModel[];
}

/** Every spelling under which an event may be published or subscribed, with what it is. */
export function spellingsOf(event: EventModel): { spelling: string; kind: string }[] {
  const list = [
    { spelling: event.name, kind: 'name' },
    { spelling: event.value, kind: 'value' },
    { spelling: event.topic, kind: 'topic' },
  ];
  if (event.stage) {
    list.push({ spelling: event.stage, kind: 'stage' });
    list.push({ spelling: event.stage.toUpperCase(), kind: 'stage enum name' });
  }
  if (event.crossProcess) list.push({ spelling: event.crossProcess, kind: 'cross-process name' });
  for (const s of event.spellings) list.push({ spelling: s, kind: 'listed spelling' });
  // One event may use the same string twice (value == stage); keep the first.
  const seen = new Set<string>();
  return list.filter((s) => (seen.has(s.spelling) ? false : (seen.add(s.spelling), true)));
}

/** A field type as messages and documents write it: `string | null`, `array of integer`, `map of any`. */
export function describeType(t: FieldType): string {
  switch (t.kind) {
    case 'scalar':
      return t.types.join(' | ');
    case 'array':
      return `array of ${t.items}`;
    case 'map':
      return `map of ${t.values}`;
    default:
      return t.kind;
  }
}

/** `{ [key]: value }`, or nothing when the value is undefined: how the model leaves an optional property out. */
export function pick<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
