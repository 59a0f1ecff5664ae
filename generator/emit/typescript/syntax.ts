/**
 * The TypeScript vocabulary of the emitters: string literals, property keys,
 * identifiers, template text and doc comments. Every catalog string reaches
 * generated code through one of these, escaped, and never any other way.
 */
import { pascalCase } from '../../catalog/naming.js';
import { wrapWords } from '../wrap.js';

export { camelCase, eventEmitterName, pascalCase } from '../../catalog/naming.js';

/** The payload interface of an event: `TRAINING_COMPLETED` → `TrainingCompletedPayload`. */
export function payloadTypeName(event: string): string {
  return `${pascalCase(event)}Payload`;
}

/**
 * A double-quoted string literal. JSON quoting escapes quotes, backslashes and
 * control characters; U+2028/U+2029 are escaped too, since older parsers end
 * a line there.
 */
export function str(value: string): string {
  return JSON.stringify(value).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * A property key of an object literal or interface: bare when it is an
 * identifier, quoted otherwise, and computed for `__proto__`, which as a
 * plain key would set the object's prototype instead of adding a property.
 */
export function key(name: string): string {
  if (name === '__proto__') return `[${str(name)}]`;
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : str(name);
}

/** Words that cannot name a variable or parameter in strict-mode ES modules. */
const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for function if ' +
    'import in instanceof new null return super switch this throw true try typeof var void while with yield let static ' +
    'implements interface package private protected public await arguments eval undefined NaN Infinity'
  ).split(' '),
);

/** A local name (parameter, variable) for a catalog name: the name itself, or with a trailing `_` when it is reserved. */
export function ident(name: string): string {
  return RESERVED.has(name) ? `${name}_` : name;
}

/** Text inside a template literal (or a template literal type): escapes `` ` ``, `${`, backslashes and control characters. */
export function templateText(text: string): string {
  return str(text)
    .slice(1, -1)
    .replace(/\\"/g, '"')
    .replace(/`/g, '\\`')
    .replace(/\$\{/g, '\\${');
}

/**
 * Text safe inside a JSDoc block: `*\/` would end the comment early, a line
 * starting with `@` would read as a tag, and control characters or line
 * separators are shown as spaces.
 */
export function docText(text: string): string {
  const safe = text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f\u2028\u2029]/g, ' ')
    .replace(/\*\//g, '*\\/')
    .trim();
  return wrapWords(safe, DOC_WIDTH).replace(/^(\s*)@/gm, '$1\\@');
}

/** Doc comment lines wrap here (the comment's own indentation and ` * ` come on top). */
const DOC_WIDTH = 96;

