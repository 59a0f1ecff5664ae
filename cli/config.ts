/**
 * `ringrift-events.config.json`: the settings of a repository, so that
 * `ringrift-events codegen` (and `--check`, `--watch`, `validate`) need no flags.
 *
 * ```json
 * { "catalog": "events/catalog", "out": "src/generated", "runtimeImport": "ringrift-events/runtime" }
 * ```
 *
 * `pythonOut` names a Python package directory: a run that takes its output
 * directory from the config (no `--out`, no `--target`) also generates (or
 * checks) the Python package there (docs/python.md).
 *
 * Looked up in the working directory (not above it), or named by `--config PATH`.
 * Paths in the file are relative to the file's own directory. Precedence: a
 * flag, then the config, then the defaults (`catalog`, `generated`).
 *
 * The file is parsed by a small strict JSON reader of its own (not JSON.parse,
 * whose messages do not always give a position), so every problem is
 * `file:line:col: message`: bad JSON, a duplicate key, an unknown key (with a
 * "did you mean" hint), a value of the wrong type.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { displayPath } from '../generator/io.js';
import { didYouMean } from '../generator/suggest.js';

export { didYouMean };

export const CONFIG_FILE = 'ringrift-events.config.json';

export interface Config {
  /** Absolute paths, resolved against the config file's directory. */
  readonly catalog?: string;
  readonly out?: string;
  readonly runtimeImport?: string;
  readonly pythonOut?: string;
  /** The file it was read from (as shown in messages), if any. */
  readonly file?: string;
}

const KEYS = {
  catalog: 'a directory (relative to the config file)',
  out: 'a directory (relative to the config file)',
  runtimeImport: 'a module specifier',
  pythonOut: 'a directory (relative to the config file) for the Python package',
} as const;
type Key = keyof typeof KEYS;

/** The settings, or the problems (each `file:line:col: message`) that make the file unusable. */
export type ConfigResult = { readonly ok: true; readonly config: Config } | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Reads `explicit` (from `--config`; it must exist) or else
 * `ringrift-events.config.json` in `cwd` (its absence is no error: no config).
 */
export function loadConfig(explicit: string | undefined, cwd = process.cwd()): ConfigResult {
  const full = resolve(cwd, explicit ?? CONFIG_FILE);
  const shown = displayPath(full);
  let text: string;
  try {
    if (statSync(full).isDirectory()) return fail(`${shown}: is a directory, not a config file`);
    text = readFileSync(full, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && explicit === undefined) return { ok: true, config: {} };
    return fail(`${shown}: cannot read the config file: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  return parseConfig(text, shown, dirname(full));
}

/** Parses and checks a config file's text; `baseDir` is the directory its paths are relative to. */
export function parseConfig(text: string, shown: string, baseDir: string): ConfigResult {
  const reader = new JsonReader(text.startsWith('\uFEFF') ? text.slice(1) : text);
  let root: JsonValue;
  try {
    root = reader.document();
  } catch (e) {
    if (e instanceof JsonSyntaxError) return fail(`${shown}:${e.line}:${e.col}: invalid JSON: ${e.message}`);
    throw e;
  }
  if (root.kind !== 'object') return fail(`${shown}:${root.line}:${root.col}: the config must be a JSON object such as {"catalog": "catalog", "out": "generated"}`);
  const problems: string[] = [];
  const config: { -readonly [K in keyof Config]: Config[K] } = { file: shown };
  for (const entry of root.entries) {
    const at = `${shown}:${entry.line}:${entry.col}`;
    if (!Object.hasOwn(KEYS, entry.key)) {
      const hint = didYouMean(entry.key, Object.keys(KEYS));
      problems.push(`${at}: unknown key "${entry.key}"${hint ? ` (did you mean "${hint}"?)` : ''}; the keys are ${Object.keys(KEYS).map((k) => `"${k}"`).join(', ')}`);
      continue;
    }
    const key = entry.key as Key;
    const v = entry.value;
    if (v.kind !== 'string' || v.value.trim() === '') {
      problems.push(`${shown}:${v.line}:${v.col}: "${key}" must be a non-empty string (${KEYS[key]}), not ${v.kind === 'string' ? 'an empty string' : describeKind(v.kind)}`);
      continue;
    }
    if (key === 'runtimeImport') config.runtimeImport = v.value;
    else config[key] = resolve(baseDir, v.value);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config };
}

function fail(problem: string): ConfigResult {
  return { ok: false, problems: [problem] };
}

function describeKind(kind: JsonValue['kind']): string {
  return { object: 'an object', array: 'an array', number: 'a number', boolean: 'a boolean', null: 'null', string: 'a string' }[kind];
}

// ---------------------------------------------------------------- a strict JSON reader with positions

type JsonValue = { line: number; col: number } & (
  | { kind: 'object'; entries: { key: string; line: number; col: number; value: JsonValue }[] }
  | { kind: 'array'; items: JsonValue[] }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
);

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly col: number,
  ) {
    super(message);
  }
}

class JsonReader {
  private i = 0;
  private depth = 0;
  constructor(private readonly text: string) {}

  document(): JsonValue {
    this.space();
    if (this.i >= this.text.length) this.error('the file is empty; expected a JSON object');
    const v = this.value();
    this.space();
    if (this.i < this.text.length) this.error(`unexpected ${this.show()} after the end of the JSON value`);
    return v;
  }

  private value(): JsonValue {
    const { line, col } = this.pos(this.i);
    const c = this.text[this.i];
    if (c === '{') return { line, col, ...this.object() };
    if (c === '[') return { line, col, ...this.array() };
    if (c === '"') return { line, col, kind: 'string', value: this.string() };
    if (c !== undefined && /[-0-9]/.test(c)) return { line, col, kind: 'number', value: this.number() };
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.i)) {
        this.i += word.length;
        return v === null ? { line, col, kind: 'null' } : { line, col, kind: 'boolean', value: v };
      }
    }
    return this.error(c === undefined ? 'unexpected end of file; expected a value' : `unexpected ${this.show()}; expected a value`);
  }

  private object(): { kind: 'object'; entries: { key: string; line: number; col: number; value: JsonValue }[] } {
    this.nest();
    this.i++; // {
    const entries: { key: string; line: number; col: number; value: JsonValue }[] = [];
    const seen = new Set<string>();
    this.space();
    if (this.text[this.i] === '}') {
      this.i++;
      this.depth--;
      return { kind: 'object', entries };
    }
    for (;;) {
      this.space();
      if (this.text[this.i] !== '"') this.error(this.text[this.i] === '}' ? 'a trailing comma is not allowed in JSON' : `unexpected ${this.show()}; expected a key in double quotes`);
      const { line, col } = this.pos(this.i);
      const key = this.string();
      if (seen.has(key)) throw new JsonSyntaxError(`duplicate key "${key}"`, line, col);
      seen.add(key);
      this.space();
      if (this.text[this.i] !== ':') this.error(`unexpected ${this.show()}; expected ':' after the key "${key}"`);
      this.i++;
      this.space();
      entries.push({ key, line, col, value: this.value() });
      this.space();
      const c = this.text[this.i];
      this.i++;
      if (c === ',') continue;
      if (c === '}') break;
      this.i--;
      this.error(c === undefined ? "unexpected end of file; expected ',' or '}'" : `unexpected ${this.show()}; expected ',' or '}'`);
    }
    this.depth--;
    return { kind: 'object', entries };
  }

  private array(): { kind: 'array'; items: JsonValue[] } {
    this.nest();
    this.i++; // [
    const items: JsonValue[] = [];
    this.space();
    if (this.text[this.i] === ']') {
      this.i++;
      this.depth--;
      return { kind: 'array', items };
    }
    for (;;) {
      this.space();
      if (this.text[this.i] === ']') this.error('a trailing comma is not allowed in JSON');
      items.push(this.value());
      this.space();
      const c = this.text[this.i];
      this.i++;
      if (c === ',') continue;
      if (c === ']') break;
      this.i--;
      this.error(c === undefined ? "unexpected end of file; expected ',' or ']'" : `unexpected ${this.show()}; expected ',' or ']'`);
    }
    this.depth--;
    return { kind: 'array', items };
  }

  private string(): string {
    const start = this.i;
    this.i++; // "
    let out = '';
    for (;;) {
      const c = this.text[this.i];
      if (c === undefined) {
        this.i = start;
        this.error('unterminated string');
      }
      if (c === '"') {
        this.i++;
        return out;
      }
      if (c < ' ') this.error('a control character (a raw newline or tab) inside a string; escape it');
      if (c === '\\') {
        const e = this.text[this.i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && Object.hasOwn(simple, e)) {
          out += simple[e];
          this.i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.i + 2, this.i + 6))) {
          out += String.fromCharCode(parseInt(this.text.slice(this.i + 2, this.i + 6), 16));
          this.i += 6;
        } else {
          this.error('invalid escape in a string');
        }
        continue;
      }
      out += c;
      this.i++;
    }
  }

  private number(): number {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(this.text.slice(this.i));
    if (!m) this.error('invalid number');
    this.i += m[0].length;
    return Number(m[0]);
  }

  private space(): void {
    while (this.i < this.text.length && ' \t\n\r'.includes(this.text[this.i]!)) this.i++;
    if (this.text.startsWith('//', this.i) || this.text.startsWith('/*', this.i)) this.error('comments are not allowed in JSON');
  }

  private nest(): void {
    if (++this.depth > 32) this.error('nested too deeply');
  }

  private show(): string {
    const c = this.text[this.i];
    return c === undefined ? 'end of file' : `'${c}'`;
  }

  private pos(offset: number): { line: number; col: number } {
    const before = this.text.slice(0, offset).split('\n');
    return { line: before.length, col: [...before.at(-1)!].length + 1 };
  }

  private error(message: string): never {
    const { line, col } = this.pos(this.i);
    throw new JsonSyntaxError(message, line, col);
  }
}
