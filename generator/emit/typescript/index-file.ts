/** `index.ts`: the public surface of the generated package. */
import type { Statement } from './printer.js';
import { str } from './syntax.js';

export function indexFile(): Statement[] {
  return ['event-types', 'payloads', 'mappings', 'validation', 'normalizers', 'registry', 'emitters', 'schema-ids'].map(
    (m) => `export * from ${str(`./${m}.js`)};`,
  );
}
