/**
 * The Markdown vocabulary of the docs emitters: catalog text made safe for a
 * paragraph or a table cell, inline code, and GitHub's heading anchors.
 *
 * Catalog descriptions may use Markdown backticks; everything else in them is
 * text. A `|` would end a table cell, `<` could open HTML, `*` `_` `[` `$`
 * start emphasis, links or math, and a newline would end a table row.
 */

export interface TextOptions {
  /** Inside a table cell, `|` (even in a code span) must be escaped. */
  readonly table?: boolean;
}

/** Catalog text as inline Markdown: balanced code spans are kept, the rest is escaped. */
export function text(value: string, options: TextOptions = {}): string {
  let out = '';
  let i = 0;
  while (i < value.length) {
    const tick = value.indexOf('`', i);
    if (tick < 0) {
      out += plain(value.slice(i));
      break;
    }
    out += plain(value.slice(i, tick));
    const run = /^`+/.exec(value.slice(tick))![0];
    const close = findRun(value, tick + run.length, run.length);
    if (close < 0) {
      // An unbalanced backtick is text, not the start of a code span.
      out += '\\`'.repeat(run.length);
      i = tick + run.length;
      continue;
    }
    const body = value.slice(tick + run.length, close).replace(/\r?\n/g, ' ');
    out += run + (options.table ? body.replace(/\|/g, '\\|') : body) + run;
    i = close + run.length;
  }
  out = out.replace(/\r?\n/g, '<br>');
  // At the start of a line, `#`, `-`, `+`, `=` and `1.` would make a heading or a list.
  return out.replace(/^(\s*)([#+=-])/, '$1\\$2').replace(/^(\s*\d+)([.)])/, '$1\\$2');
}

/** Text for a table cell. */
export function cell(value: string): string {
  return text(value, { table: true }) || ' ';
}

/** An inline code span holding `value` verbatim (safe in a table cell). */
export function code(value: string): string {
  const longest = Math.max(0, ...(value.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const body = value.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
  const pad = body.startsWith('`') || body.endsWith('`') || (body.startsWith(' ') && body.endsWith(' ') && body.trim()) ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

/** `[label](target)`; the label is already Markdown. */
export function link(label: string, target: string): string {
  return `[${label}](${target.replace(/[()\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)})`;
}

/**
 * GitHub's heading anchors (github-slugger): lower case, punctuation removed,
 * spaces to `-`, and `-1`, `-2` … for repeats. One Slugger per document, fed
 * the headings in document order.
 */
export class Slugger {
  private readonly seen = new Map<string, number>();

  slug(heading: string): string {
    const base = slugOf(heading);
    let slug = base;
    let n = this.seen.get(base) ?? 0;
    while (this.seen.has(slug)) slug = `${base}-${++n}`;
    this.seen.set(base, n);
    this.seen.set(slug, 0);
    return slug;
  }
}

export function slugOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

function plain(s: string): string {
  return s
    .replace(/[\\*[\]|~$]/g, '\\$&')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    // `_` between two letters or digits (config_key) never starts emphasis; anywhere else it may.
    .replace(/_/g, (u, i: number, all: string) => (/[A-Za-z0-9]/.test(all[i - 1] ?? '') && /[A-Za-z0-9]/.test(all[i + 1] ?? '') ? u : '\\_'));
}

/** Index of the next run of exactly `length` backticks at or after `from`, or -1. */
function findRun(s: string, from: number, length: number): number {
  const re = /`+/g;
  re.lastIndex = from;
  for (let m = re.exec(s); m; m = re.exec(s)) if (m[0].length === length) return m.index;
  return -1;
}
