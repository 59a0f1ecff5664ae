/**
 * The frame of every generated Python module: the banner, a module docstring,
 * `from __future__ import annotations` and the imports, then the body.
 */
import { banner } from '../output.js';
import { docstring } from './syntax.js';

export function pythonModule(doc: string, imports: readonly string[], body: readonly string[]): string {
  const head = [banner('hash'), docstring(doc, ''), 'from __future__ import annotations\n'];
  const importBlock = imports.length ? `\n${imports.join('\n')}\n` : '';
  const text = `${head.join('')}${importBlock}\n\n${body.join('\n\n\n').replace(/\n{4,}/g, '\n\n\n')}\n`;
  return text.replace(/[ \t]+$/gm, '');
}
