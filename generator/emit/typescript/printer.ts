/**
 * Printing ts-morph structures to text. One in-memory project is shared by the
 * emitters of a run; nothing here touches the disk.
 */
import { IndentationText, Project, QuoteKind, StructureKind, type ImportDeclarationStructure, type StatementStructures, type WriterFunction } from 'ts-morph';
import { banner, type GeneratedFile } from '../output.js';

export type Statement = string | WriterFunction | StatementStructures;

export class Printer {
  private readonly project = new Project({
    useInMemoryFileSystem: true,
    skipFileDependencyResolution: true,
    skipLoadingLibFiles: true,
    manipulationSettings: { indentationText: IndentationText.TwoSpaces, quoteKind: QuoteKind.Double },
  });

  print(path: string, statements: readonly Statement[]): GeneratedFile {
    const file = this.project.createSourceFile(`/${path}`, { statements: [...statements] }, { overwrite: true });
    const content = banner('ts') + '\n' + file.getFullText().replace(/\n{3,}/g, '\n\n');
    this.project.removeSourceFile(file);
    return { path, content: content.endsWith('\n') ? content : content + '\n' };
  }
}

export function importFrom(moduleSpecifier: string, names: readonly string[], typeOnly = false): ImportDeclarationStructure {
  return {
    kind: StructureKind.ImportDeclaration,
    moduleSpecifier,
    isTypeOnly: typeOnly,
    namedImports: [...names].sort(),
  };
}

/** `{ A: x, B: y }` on one line each, with an optional doc comment per entry. */
export function objectLiteral(entries: readonly { key: string; value: string; doc?: string }[]): WriterFunction {
  return (w) => {
    if (entries.length === 0) return void w.write('{}');
    w.write('{').newLine();
    w.indent(() => {
      for (const e of entries) {
        if (e.doc) w.writeLine(`/** ${e.doc} */`);
        w.writeLine(`${e.key}: ${e.value},`);
      }
    });
    w.write('}');
  };
}

/** A function body written as one block, so multi-line constructs keep their shape. */
export function lines(...body: string[]): string[] {
  return [body.join('\n')];
}
