/**
 * The graph of what the hand-written modules load from each other at run time.
 *
 * Each file is compiled the way tsx and tsc emit it (an import whose names are
 * used only as types is dropped), and the imports and re-exports left in the
 * output are its edges: a type-only import is not an edge, as it is not for Node.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export const ROOT = resolve(import.meta.dirname, '..', '..');

/** The hand-written source trees (generated/ is the generator's output, test/ is not shipped). */
export const HAND_WRITTEN = ['runtime', 'generator', 'cli'] as const;

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return tsFiles(rel);
    return e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

/** Module specifiers a file loads when it runs (static imports and re-exports). */
export function valueImports(source: string, fileName: string): string[] {
  const js = ts.transpileModule(source, {
    fileName,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false, isolatedModules: true },
  }).outputText;
  const out = ts.createSourceFile(`${fileName}.js`, js, ts.ScriptTarget.ES2022, false, ts.ScriptKind.JS);
  const specifiers: string[] = [];
  for (const s of out.statements) {
    if ((ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) && s.moduleSpecifier && ts.isStringLiteral(s.moduleSpecifier)) {
      specifiers.push(s.moduleSpecifier.text);
    }
  }
  return specifiers;
}

/** `./x.js` from `runtime/a.ts` → `runtime/x.ts` (or `runtime/x/index.ts`); anything outside the trees → undefined. */
function resolveLocal(from: string, specifier: string, known: ReadonlySet<string>): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = relative(ROOT, resolve(ROOT, dirname(from), specifier)).replace(/\.js$/, '');
  return [`${base}.ts`, `${base}/index.ts`].find((c) => known.has(c));
}

/** file → the hand-written files it loads, for every .ts file under `trees`. */
export function importGraph(trees: readonly string[] = HAND_WRITTEN): Map<string, string[]> {
  const files = trees.flatMap(tsFiles).sort();
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = valueImports(readFileSync(join(ROOT, file), 'utf8'), file)
      .map((s) => resolveLocal(file, s, known))
      .filter((t): t is string => t !== undefined);
    graph.set(file, [...new Set(targets)].sort());
  }
  return graph;
}

/**
 * Every elementary cycle of the graph, each written from its smallest file:
 * `a.ts -> b.ts -> a.ts`. (Johnson's idea, by brute force: the graph is small.)
 */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const found = new Set<string>();
  const nodes = [...graph.keys()].sort();
  for (const start of nodes) {
    // Only cycles whose smallest node is `start`: each cycle is found once.
    const walk = (node: string, path: string[]): void => {
      for (const next of graph.get(node) ?? []) {
        if (next === start) found.add([...path, start].join(' -> '));
        else if (next > start && !path.includes(next)) walk(next, [...path, next]);
      }
    };
    walk(start, [start]);
  }
  return [...found].sort();
}

/** Every module a file names in an import or re-export, type-only ones included (layering is about both). */
export function allImports(file: string): string[] {
  const src = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const specifiers: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      specifiers.push(node.moduleSpecifier.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      specifiers.push(node.argument.literal.text); // `import('../emit/x.js').T`
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      specifiers.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(src);
  return specifiers;
}

/** The files under `tree` that name a module under `forbidden` (both relative to the repository), with the specifier. */
export function importsInto(tree: string, forbidden: string): string[] {
  return tsFiles(tree).flatMap((file) =>
    allImports(file)
      .filter((s) => s.startsWith('.'))
      .map((s) => ({ s, target: relative(ROOT, resolve(ROOT, dirname(file), s)) }))
      .filter(({ target }) => target === forbidden || target.startsWith(`${forbidden}/`))
      .map(({ s }) => `${file} imports ${s}`),
  );
}
