/**
 * Catalog sources: YAML text parsed with its positions kept, so that every
 * problem found later (schema or semantic) can name `file:line:col`.
 *
 * A catalog arrives in a pull request, so the text is untrusted: whatever it
 * holds (an alias bomb, a cycle of aliases, a tag that builds a Buffer, nesting
 * deep enough to overflow the stack, raw control characters) becomes a
 * `Problem` with a position, never an exception.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

/** A catalog file as the caller read it; the core never touches the disk. */
export interface SourceFile {
  /** The path shown in messages (relative to the working directory, say). */
  readonly path: string;
  readonly text: string;
}

export interface Position {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export interface Problem extends Position {
  readonly message: string;
}

export type PathSegment = string | number;

export interface ParsedFile {
  readonly path: string;
  readonly data: unknown;
  /** Where the node at `path` (a key, when the last segment names one) starts. */
  locate(path: readonly PathSegment[]): Position;
}

/** Limits on one file's document; a real catalog stays far below them (its deepest node is 6 levels down). */
export const SOURCE_LIMITS = {
  /** Collections inside collections. */
  maxDepth: 64,
  /** Nodes of the document once every alias is expanded (an alias bomb expands to billions). */
  maxExpandedNodes: 200_000,
} as const;

/** The tags of YAML 1.2's core schema; others (`!!binary`, `!!set`, `!!timestamp`, `!!js/function`, `!custom`) build values no catalog needs. */
const CORE_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`));

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.message}`;
}

export function parseSource(source: SourceFile): { file?: ParsedFile; problems: Problem[] } {
  // A byte order mark is not content: drop it so that columns of line 1 count from the first real character.
  const text = source.text.startsWith('\uFEFF') ? source.text.slice(1) : source.text;
  const lineCounter = new LineCounter();
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { file: source.path, line, col };
  };
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, merge: true });
  } catch (e) {
    return { problems: [{ file: source.path, line: 1, col: 1, message: `invalid YAML: ${describeError(e)}` }] };
  }
  const printable = firstUnprintable(text);
  if (printable !== undefined) {
    const hex = text.charCodeAt(printable).toString(16).toUpperCase().padStart(4, '0');
    const escape = hex.startsWith('00') ? `\\x${hex.slice(2)}` : `\\u${hex}`;
    return {
      problems: [{ ...at(printable), message: `character U+${hex} is not allowed in YAML text; write it escaped ("${escape}") inside a double-quoted string` }],
    };
  }
  const problems: Problem[] = [...doc.errors, ...doc.warnings].map((e) => ({
    ...at(e.pos[0]),
    message: `invalid YAML: ${e.code === 'MULTIPLE_DOCS' ? 'a second document (after `---`): a catalog file holds one YAML document' : describeError(e)}`,
  }));
  if (problems.length > 0) return { problems };

  const shape = checkShape(doc);
  if (shape) return { problems: [{ ...at(shape.offset), message: shape.message }] };

  const locate = (path: readonly PathSegment[]): Position => {
    let node: unknown = doc.contents;
    let offset = rangeStart(node) ?? 0;
    for (const segment of path) {
      if (isAlias(node)) node = node.resolve(doc);
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        offset = rangeStart(pair.key) ?? offset;
        node = pair.value;
      } else if (isSeq(node) && /^\d+$/.test(String(segment))) {
        // Indices arrive as numbers or, from a JSON pointer, as digit strings.
        const item = node.items[Number(segment)];
        if (item === undefined) break;
        offset = rangeStart(item) ?? offset;
        node = item;
      } else {
        break;
      }
    }
    return at(offset);
  };

  let data: unknown;
  try {
    // checkShape bounded the expansion, so yaml's own (much stricter) alias counter is not needed.
    data = doc.toJS({ maxAliasCount: -1 }) ?? {};
  } catch (e) {
    return { problems: [{ ...at(rangeStart(doc.contents) ?? 0), message: `invalid YAML: ${describeError(e)}` }] };
  }
  return { file: { path: source.path, data, locate }, problems };
}

/**
 * One walk over the document, in document order (the order in which an alias
 * finds its anchor): the first node nested too deeply, the first tag outside
 * the core schema, the first alias that names no anchor or its own ancestor,
 * or the alias at which the expanded document outgrows the limit.
 */
function checkShape(doc: Document.Parsed): { offset: number; message: string } | undefined {
  const anchors = new Map<string, Node>();
  const sizes = new Map<Node, number>();
  const open = new Set<Node>();
  let expanded = 0;
  let found: { offset: number; message: string } | undefined;
  const fail = (node: unknown, message: string): void => {
    found ??= { offset: rangeStart(node) ?? 0, message };
  };

  // The expanded size of a node; aliases count as the size of what they name.
  const sizeOf = (node: unknown, depth: number): number => {
    if (found) return 0;
    if (depth > SOURCE_LIMITS.maxDepth) {
      fail(node, `nested more than ${SOURCE_LIMITS.maxDepth} levels deep`);
      return 0;
    }
    if (isPair(node)) return sizeOf(node.key, depth) + sizeOf(node.value, depth);
    if (node === null || node === undefined || typeof node !== 'object') return 0;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (!target) {
        fail(node, `alias *${node.source} names no anchor defined before it`);
        return 0;
      }
      if (open.has(target)) {
        fail(node, `alias *${node.source} refers to a node that contains it (a cycle)`);
        return 0;
      }
      const size = sizes.get(target) ?? 0;
      expanded += size;
      if (expanded > SOURCE_LIMITS.maxExpandedNodes) {
        fail(node, `aliases expand this file to more than ${SOURCE_LIMITS.maxExpandedNodes} nodes (an alias bomb?); write the values out instead`);
      }
      return size;
    }
    const n = node as Node;
    if (n.tag !== undefined && !CORE_TAGS.has(n.tag)) {
      fail(n, `the tag ${n.tag.replace(/^tag:yaml\.org,2002:/, '!!')} is not allowed: a catalog holds strings, numbers, booleans, null, lists and mappings`);
      return 0;
    }
    if (n.anchor) anchors.set(n.anchor, n);
    let size = 1;
    if (isMap(n) || isSeq(n)) {
      open.add(n);
      for (const item of n.items as unknown[]) size += sizeOf(item, depth + 1);
      open.delete(n);
    }
    expanded += 1;
    sizes.set(n, size);
    return size;
  };
  sizeOf(doc.contents, 0);
  return found;
}

/**
 * The offset of the first character that marks a binary file or a mangled
 * text: a C0 control other than tab, LF and CR (YAML 1.2 §5.1 allows them
 * only escaped), or a lone surrogate. DEL and the C1 controls, also outside
 * §5.1, are let through: YAML writers (the `yaml` package among them) emit
 * them raw inside double-quoted strings.
 */
function firstUnprintable(text: string): number | undefined {
  const m = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.exec(text);
  return m?.index;
}

function describeError(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof RangeError || /Maximum call stack/.test(message)) return `nested too deeply (more than ${SOURCE_LIMITS.maxDepth} levels are refused)`;
  return firstLine(message);
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null | undefined)?.range?.[0];
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}
