/**
 * Printing ts-morph structures to text. One in-memory project is shared by the
 * emitters of a run; nothing here touches the disk. Output style: two-space
 * indentation, double quotes, one import name per line once an import is long.
 */
import {
  IndentationText,
  Project,
  QuoteKind,
  StructureKind,
  VariableDeclarationKind,
  type StatementStructures,
  type TypeAliasDeclarationStructure,
  type VariableStatementStructure,
  type WriterFunction,
} from 'ts-morph';
import { banner, type GeneratedFile } from '../output.js';
import { str } from './syntax.js';

export type Statement = string | WriterFunction | StatementStructures;

/** Lines longer than this are wrapped where the emitters can wrap them (imports, unions, tables). */
export const LINE_WIDTH = 100;

export class Printer {
  private readonly project = new Project({
    useInMemoryFileSystem: true,
    skipFileDependencyResolution: true,
    skipLoadingLibFiles: true,
    manipulationSettings: { indentationText: IndentationText.TwoSpaces, quoteKind: QuoteKind.Double },
  });

  /** `undefined` entries (an import with nothing to import, say) are left out. */
  print(path: string, statements: readonly (Statement | undefined)[]): GeneratedFile {
    // Variables and type aliases are printed here: ts-morph re-indents the lines of a multi-line initializer or type.
    const present = statements
      .filter((s): s is Statement => s !== undefined)
      .map((s) => (isVariableStatement(s) ? variableText(s) : isTypeAlias(s) ? typeAliasText(s) : s));
    const file = this.project.createSourceFile(`/${path}`, { statements: present }, { overwrite: true });
    const content = banner('ts') + '\n' + separateDeclarations(file.getFullText());
    this.project.removeSourceFile(file);
    return { path, content: content.endsWith('\n') ? content : content + '\n' };
  }
}

function isVariableStatement(s: Statement): s is VariableStatementStructure {
  return typeof s === 'object' && s.kind === StructureKind.VariableStatement;
}

function isTypeAlias(s: Statement): s is TypeAliasDeclarationStructure {
  return typeof s === 'object' && s.kind === StructureKind.TypeAlias;
}

/** `/** doc *\/ export type NAME<T extends C> = TYPE;`, with the type's lines as written. */
function typeAliasText(s: TypeAliasDeclarationStructure): string {
  const docs = (s.docs ?? []).map((d) => (typeof d === 'string' ? d : String(d.description ?? '')));
  const params = (s.typeParameters ?? []).map((p) => (typeof p === 'string' ? p : `${p.name}${p.constraint ? ` extends ${String(p.constraint)}` : ''}`));
  if (typeof s.type !== 'string') throw new Error('internal error: a type alias must be text');
  const eq = s.type.startsWith('\n') ? ' =' : ' = ';
  return `${docs.map(jsDoc).join('\n')}${docs.length ? '\n' : ''}${s.isExported ? 'export ' : ''}type ${s.name}${params.length ? `<${params.join(', ')}>` : ''}${eq}${s.type};`;
}

/** `/** doc *\/ export const NAME: TYPE = INITIALIZER;`, with the initializer's lines as written. */
function variableText(s: VariableStatementStructure): string {
  const docs = (s.docs ?? []).map((d) => (typeof d === 'string' ? d : String(d.description ?? '')));
  const head = `${s.isExported ? 'export ' : ''}${s.declarationKind ?? VariableDeclarationKind.Let} `;
  const declarations = s.declarations.map((d) => {
    const initializer = d.initializer;
    if (typeof initializer !== 'string' && initializer !== undefined) throw new Error('internal error: a variable initializer must be text');
    return `${d.name}${d.type ? `: ${String(d.type)}` : ''}${initializer !== undefined ? ` = ${initializer}` : ''}`;
  });
  return `${docs.map(jsDoc).join('\n')}${docs.length ? '\n' : ''}${head}${declarations.join(', ')};`;
}

/** A JSDoc block as ts-morph prints one: one line when the text is one line. */
function jsDoc(text: string): string {
  if (!text.includes('\n')) return `/** ${text} */`;
  return `/**\n${text.split('\n').map((l) => ` * ${l}`.trimEnd()).join('\n')}\n */`;
}

/** One blank line between top-level declarations (imports stay together), never two. */
function separateDeclarations(text: string): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const prev = out.at(-1);
    const startsDeclaration = /^(\/\*\*|export |const |function |class |interface |type )/.test(line);
    const afterImports = prev?.startsWith('import ') === true || prev?.startsWith('} from ') === true;
    if (afterImports && !/^(import |export \* |export \{)/.test(line) && line !== '') out.push('');
    else if (startsDeclaration && prev !== undefined && prev !== '' && /^[^\s].*[;}]$/.test(prev) && !(isReexport(prev) && isReexport(line))) out.push('');
    out.push(line);
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n');
}

function isReexport(line: string): boolean {
  return /^export (\*|\{[^}]*\}) from /.test(line);
}

/** An import of named bindings, sorted; nothing at all when there is nothing to import. */
export function importFrom(moduleSpecifier: string, names: readonly string[], typeOnly = false): Statement | undefined {
  if (names.length === 0) return undefined;
  const sorted = [...new Set(names)].sort();
  const head = typeOnly ? 'import type' : 'import';
  const oneLine = `${head} { ${sorted.join(', ')} } from ${str(moduleSpecifier)};`;
  if (oneLine.length <= LINE_WIDTH) return oneLine;
  return `${head} {\n${sorted.map((n) => `  ${n},`).join('\n')}\n} from ${str(moduleSpecifier)};`;
}

/**
 * A table: `{ A: x, B: y }` with one entry per line (each with an optional doc
 * comment), for a declaration at the top level of a file. A multi-line value
 * is indented with its entry.
 */
export function objectLiteral(entries: readonly { key: string; value: string; doc?: string }[]): string {
  if (entries.length === 0) return '{}';
  const body = entries.map((e) => {
    const entry = `${e.key}: ${e.value.replace(/\n/g, '\n  ')},`;
    if (!e.doc) return `  ${entry}`;
    const doc = e.doc.includes('\n') ? `/**\n${e.doc.split('\n').map((l) => `   * ${l}`.trimEnd()).join('\n')}\n   */` : `/** ${e.doc} */`;
    return `  ${doc}\n  ${entry}`;
  });
  return `{\n${body.join('\n')}\n}`;
}

/**
 * `{ a: 1, b: 2 }` on one line when it fits, else one property per line.
 * `indent` is the level the literal itself starts at; `separator` is `,` for
 * values and `;` for type literals.
 */
export function inlineObject(props: readonly string[], indent = 0, separator: ',' | ';' = ','): string {
  if (props.length === 0) return '{}';
  const one = `{ ${props.join(`${separator} `)} }`;
  if (one.length + indent * 2 <= LINE_WIDTH - 10) return one;
  const pad = '  '.repeat(indent + 1);
  return `{\n${props.map((p) => `${pad}${p}${separator}`).join('\n')}\n${'  '.repeat(indent)}}`;
}

/** `[a, b, c]` on one line when it fits, else one element per line (`indent`: the level the literal starts at). */
export function arrayLiteral(items: readonly string[], indent = 0): string {
  const one = `[${items.join(', ')}]`;
  if (one.length + indent * 2 <= LINE_WIDTH - 20) return one;
  const pad = '  '.repeat(indent + 1);
  return `[\n${items.map((i) => `${pad}${i},`).join('\n')}\n${'  '.repeat(indent)}]`;
}

/** `a | b | c` on one line when it fits, else one member per line. */
export function unionType(members: readonly string[]): string {
  const one = members.join(' | ');
  if (one.length <= LINE_WIDTH - 20) return one;
  return `\n  | ${members.join('\n  | ')}`;
}

/** A function body written as one block, so multi-line constructs keep their shape. */
export function lines(...body: string[]): string[] {
  return [body.join('\n')];
}
