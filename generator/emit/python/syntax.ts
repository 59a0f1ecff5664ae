/**
 * The Python vocabulary of the Python target: string literals, docstrings,
 * identifiers and literal values. Every catalog string reaches generated
 * Python through one of these, escaped, and never any other way (the same
 * rule as ../typescript/syntax.ts).
 */
import { pascalCase } from '../../catalog/naming.js';
import { wrapWords } from '../wrap.js';

export { pascalCase } from '../../catalog/naming.js';

/** Python's keywords and soft keywords, and the names a generated module uses itself for its imports. */
const RESERVED = new Set(
  (
    'False None True and as assert async await break class continue def del elif else except finally for from global if ' +
    'import in is lambda nonlocal not or pass raise return try while with yield match case type _ ' +
    // modules the generated files import by name, and names every generated module defines
    'annotations typing enum json re sys os math time uuid sqlite3 socket dataclasses datetime logging random threading ' +
    // builtins the generated bodies call, and names a TypedDict class body would shadow
    'str int float bool object dict list tuple type next isinstance getattr any all enumerate len super print range set'
  ).split(' '),
);

/** A Python name for a catalog name: the name itself, or with a trailing `_` when Python reserves it. */
export function ident(name: string, alsoReserved: readonly string[] = []): string {
  return RESERVED.has(name) || alsoReserved.includes(name) ? `${name}_` : name;
}

/** Whether a name can be written as a bare attribute or keyword argument (a catalog field name always can, unless reserved). */
export function isPlainName(name: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_]*$/.test(name) && !RESERVED.has(name);
}

/**
 * A double-quoted Python string literal. Printable ASCII stays as it is (but
 * `"` and `\`); everything else is a `\x`, `\u` or `\U` escape, so no
 * catalog string can end the literal, start a line, or smuggle a lone
 * surrogate into the UTF-8 source.
 */
export function str(value: string): string {
  let out = '"';
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else out += hexEscape(cp);
  }
  // A lone surrogate comes out of `for…of` as one code unit: escaped above (cp is 0xd800–0xdfff).
  return `${out}"`;
}

function hexEscape(cp: number): string {
  if (cp <= 0xff) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp <= 0xffff) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}

/** A Python literal for a catalog value: a string, a number, a boolean or null. */
export function literal(v: string | number | boolean | null): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`internal error: non-finite number ${v} in a Python literal`);
    // 1e21 is an integer in the catalog but a float in Python's spelling: integers are written out.
    return Number.isInteger(v) ? BigInt(v).toString() : String(v);
  }
  return str(v);
}

/** A tuple literal: `()`, `(x,)` or `(x, y)`. */
export function tuple(items: readonly string[]): string {
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
}

/**
 * A docstring at `indent`, wrapped: readable text, with what could end the
 * string (`"`, `\`) escaped, and control characters, line and paragraph
 * separators and lone surrogates shown as escapes, never written raw.
 */
export function docstring(text: string, indent: string): string {
  const safe = text.replace(/\r\n?/g, '\n').trim();
  const lines = wrapWords(safe, DOC_WIDTH).split('\n').map((line) => escapeDocLine(line));
  if (lines.length === 1) return `${indent}"""${lines[0]}"""\n`;
  return `${indent}"""${lines[0]}\n${lines.slice(1).map((l) => (l ? `${indent}${l}` : '')).join('\n')}\n${indent}"""\n`;
}

function escapeDocLine(line: string): string {
  let out = '';
  for (const ch of line) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    // A lone surrogate is shown as its escape, as text: Python cannot store it in a class's __doc__ (UTF-8).
    else if (cp >= 0xd800 && cp <= 0xdfff) out += `\\${hexEscape(cp)}`;
    else if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp < 0xa0) || cp === 0x2028 || cp === 0x2029 || cp === 0xfeff) out += hexEscape(cp);
    else out += ch;
  }
  return out;
}

/** Docstring lines wrap here (their indentation comes on top). */
const DOC_WIDTH = 88;


/** The TypedDict of an event's payload: `TRAINING_COMPLETED` → `TrainingCompletedPayload`. */
export function payloadTypeName(event: string): string {
  return `${pascalCase(event)}Payload`;
}

/** `emit_training_complete` stays as it is; a per-event emitter: `TRAINING_COMPLETED` → `emit_training_completed`. */
export function eventEmitterName(event: string): string {
  return `emit_${event.toLowerCase()}`;
}

/** A block of lines at an indentation (empty lines stay empty). */
export function indent(lines: readonly string[], by = '    '): string[] {
  return lines.map((l) => (l ? `${by}${l}` : l));
}
