/**
 * The shapes of a catalog file after the JSON Schema pass (generator/catalog/schema.ts),
 * so the casts from parsed YAML to these are sound, and where each piece was read.
 */
import type { ParsedFile, PathSegment } from './source.js';

export interface RawField {
  type?: string | string[];
  ref?: string;
  items?: string;
  values?: string;
  required?: boolean;
  nullable?: boolean;
  enum?: (string | number | boolean)[];
  pattern?: string;
  format?: 'date-time';
  minimum?: number;
  maximum?: number;
  description?: string;
  aliases?: string[];
  composed_of?: string;
  deprecated?: RawDeprecation;
}
export interface RawDeprecation {
  reason: string;
  replaced_by?: string;
}
export interface RawEvent {
  value: string;
  topic: string;
  stage?: string;
  cross_process?: string;
  spellings?: string[];
  description: string;
  producers?: string[];
  consumers?: string[];
  sources?: string[];
  extends?: string;
  payload_documented?: boolean;
  version?: number;
  deprecated?: RawDeprecation;
  dedup?: 'none' | 'payload' | { fields: string[]; reason?: string } | { kind: 'none' | 'payload'; reason?: string };
  payload?: Record<string, RawField>;
}
export interface RawEmitter {
  description: string;
  event?: string;
  select?: { argument: string; default?: string; cases: Record<string, string> };
}
export interface RawFile {
  catalog?: { name: string; description: string; schema_base_url?: string; runtime_import?: string };
  common_fields?: Record<string, RawField>;
  fields?: Record<string, RawField>;
  category?: { name: string; title: string; description: string };
  events?: Record<string, RawEvent>;
  emitters?: Record<string, RawEmitter>;
  extractors?: Record<string, { event: string; description: string }>;
  flows?: Record<string, { title: string; description: string; events: string[] }>;
}

export interface Located<T> {
  readonly raw: T;
  readonly file: ParsedFile;
  readonly path: readonly PathSegment[];
}
