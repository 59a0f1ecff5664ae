/**
 * A catalog pattern (a JavaScript regular expression with the `u` flag, as
 * ajv runs it) as the Python `re` pattern that matches the same strings:
 * `$` is the end of the input (Python's `$` also matches before a final
 * newline), `\d` and `\w` are ASCII (Python's are Unicode), `.` stops at
 * every JavaScript line terminator, `(?<name>` is `(?P<name>`.
 */

export class UntranslatablePattern extends Error {
  override readonly name = 'UntranslatablePattern';
}

export function pythonPattern(js: string): string {
  let out = '';
  let inClass = false;
  const refuse = (what: string) => {
    throw new UntranslatablePattern(`pattern ${JSON.stringify(js)}: ${what} has no Python equivalent; the Python target cannot check it`);
  };
  for (let i = 0; i < js.length; i++) {
    const c = js[i]!;
    if (c === '\\') {
      const n = js[++i];
      if (n === undefined) refuse('a trailing backslash');
      else if (n === 'd') out += inClass ? '0-9' : '[0-9]';
      else if (n === 'w') out += inClass ? 'A-Za-z0-9_' : '[A-Za-z0-9_]';
      else if (n === 'D' || n === 'W') {
        if (inClass) refuse(`\\${n} inside a character class`);
        out += n === 'D' ? '[^0-9]' : '[^A-Za-z0-9_]';
      } else if (n === 'u' && js[i + 1] === '{') {
        const end = js.indexOf('}', i);
        const hex = js.slice(i + 2, end);
        if (end < 0 || !/^[0-9a-fA-F]{1,6}$/.test(hex)) refuse('a malformed \\u{…}');
        out += `\\U${hex.padStart(8, '0')}`;
        i = end;
      } else if ('pPkc'.includes(n)) refuse(`\\${n}`);
      else if (n === '/') out += '/';
      else out += `\\${n}`;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
      if (js[i + 1] === '^') out += js[++i];
      if (js[i + 1] === ']') refuse('an empty character class');
    } else if (c === '$') out += '\\Z';
    else if (c === '.') out += '[^\\n\\r\\u2028\\u2029]';
    else if (c === '(' && js.startsWith('(?<', i) && !js.startsWith('(?<=', i) && !js.startsWith('(?<!', i)) {
      out += '(?P<';
      i += 2;
    } else out += c;
  }
  return out;
}
