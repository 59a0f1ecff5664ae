/**
 * Catalog sources: YAML text parsed with its positions kept, so that every
 * problem found later (schema or semantic) can name `file:line:col`.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';

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

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.message}`;
}

export function parseSource(source: SourceFile): { file?: ParsedFile; problems: Problem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source.text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { file: source.path, line, col };
  };
  const problems: Problem[] = [...doc.errors, ...doc.warnings].map((e) => ({
    ...at(e.pos[0]),
    message: `invalid YAML: ${firstLine(e.message)}`,
  }));
  if (problems.length > 0) return { problems };

  const locate = (path: readonly PathSegment[]): Position => {
    let node: unknown = doc.contents;
    let offset = rangeStart(node) ?? 0;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        offset = rangeStart(pair.key) ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment];
        if (item === undefined) break;
        offset = rangeStart(item) ?? offset;
        node = item;
      } else {
        break;
      }
    }
    return at(offset);
  };

  return { file: { path: source.path, data: doc.toJS({ maxAliasCount: 100 }) ?? {}, locate }, problems };
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null | undefined)?.range?.[0];
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}
