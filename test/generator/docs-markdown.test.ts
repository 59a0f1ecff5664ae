/** The Markdown vocabulary of the docs: catalog text that cannot break a table, a paragraph or a heading anchor. */
import { describe, expect, it } from 'vitest';
import { cell, code, link, Slugger, slugOf, text } from '../../generator/emit/docs/markdown.js';

/** The cells of a GFM table row: split on every `|` not escaped by a backslash (even inside code spans). */
export function tableCells(row: string): string[] {
  expect(row.startsWith('|') && row.endsWith('|'), row).toBe(true);
  const cells: string[] = [];
  let current = '';
  for (let i = 1; i < row.length; i++) {
    const c = row[i]!;
    if (c === '\\' && i + 1 < row.length) {
      current += c + row[++i];
    } else if (c === '|') {
      cells.push(current.trim());
      current = '';
    } else {
      current += c;
    }
  }
  return cells;
}

const TRICKY = 'A | B `x | y` *em* _u_ [l](u) <b>h</b> & $m$ ~s~ \\ end */\nnext line';

describe('text', () => {
  it('keeps balanced code spans and escapes Markdown outside them', () => {
    expect(text('Key `hex8_2p`, a *star* and <b>')).toBe('Key `hex8_2p`, a \\*star\\* and &lt;b&gt;');
    expect(text('config_key stays, _lead and trail_ do not')).toBe('config_key stays, \\_lead and trail\\_ do not');
    expect(text('[a](b) ~x~ $y$ \\ &')).toBe('\\[a\\](b) \\~x\\~ \\$y\\$ \\\\ &amp;');
  });

  it('treats an unbalanced backtick as text', () => {
    expect(text('one ` tick')).toBe('one \\` tick');
    expect(text('``double` mismatch')).toBe('\\`\\`double\\` mismatch');
  });

  it('turns newlines into <br> and defuses a line start that would make a heading or a list', () => {
    expect(text('a\nb')).toBe('a<br>b');
    expect(text('# not a heading')).toBe('\\# not a heading');
    expect(text('- not a list')).toBe('\\- not a list');
    expect(text('1. not a list')).toBe('1\\. not a list');
    expect(text('2) nor this')).toBe('2\\) nor this');
  });

  it('a table cell escapes every pipe, inside code spans too, and is one cell', () => {
    const c = cell(TRICKY);
    expect(c).not.toContain('\n');
    expect(tableCells(`| ${c} | next |`)).toHaveLength(2);
    expect(c).toContain('`x \\| y`');
    expect(cell('')).toBe(' ');
  });
});

describe('code', () => {
  it('wraps any text in a code span that survives a table', () => {
    expect(code('training.completed')).toBe('`training.completed`');
    expect(code('a`b')).toBe('``a`b``');
    expect(code('`edge`')).toBe('`` `edge` ``');
    expect(code('^(a|b)$')).toBe('`^(a\\|b)$`');
    expect(tableCells(`| ${code('x | y')} |`)).toEqual(['`x \\| y`']);
  });
});

describe('link', () => {
  it('encodes parentheses and spaces in the target', () => {
    expect(link('x', '../a (1).json')).toBe('[x](../a%20%281%29.json)');
  });
});

describe('Slugger', () => {
  it('follows GitHub: lower case, punctuation dropped, spaces to dashes, repeats numbered', () => {
    expect(slugOf('TRAINING_COMPLETED')).toBe('training_completed');
    expect(slugOf('Selfplay → training')).toBe('selfplay--training');
    expect(slugOf('Job lifecycle <start> | "done"')).toBe('job-lifecycle-start--done');
    const s = new Slugger();
    expect([s.slug('Cluster health'), s.slug('Cluster health'), s.slug('Cluster health-1'), s.slug('Cluster health')]).toEqual([
      'cluster-health',
      'cluster-health-1',
      'cluster-health-1-1',
      'cluster-health-2',
    ]);
  });
});
