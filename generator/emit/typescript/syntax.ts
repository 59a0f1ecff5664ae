/** The TypeScript vocabulary of the emitters: literals, keys, doc comments, type names. */
import { pascalCase } from '../../catalog/naming.js';

export { camelCase, eventEmitterName, pascalCase } from '../../catalog/naming.js';

/** The payload interface of an event: `TRAINING_COMPLETED` → `TrainingCompletedPayload`. */
export function payloadTypeName(event: string): string {
  return `${pascalCase(event)}Payload`;
}

/** A JS string literal (JSON quoting is valid JS and escapes everything that matters). */
export function str(value: string): string {
  return JSON.stringify(value);
}

/** A property key: bare when it is an identifier, quoted otherwise. */
export function key(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : str(name);
}

/**
 * Text safe inside a JSDoc block: `*\/` would end the comment early, and a line
 * starting with `@` would read as a tag.
 */
export function docText(text: string): string {
  return text.replace(/\*\//g, '*\\/').replace(/^(\s*)@/gm, '$1\\@').trim();
}
