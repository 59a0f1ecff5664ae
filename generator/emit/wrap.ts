/** Word wrapping for the doc comments and docstrings of every target language. */

/** Wraps each paragraph line at spaces; a word longer than the width stays whole. */
export function wrapWords(text: string, width: number): string {
  return text
    .split('\n')
    .map((line) => {
      if (line.length <= width) return line;
      const out: string[] = [];
      let current = '';
      for (const word of line.split(' ')) {
        if (current && current.length + 1 + word.length > width) {
          out.push(current);
          current = word;
        } else {
          current = current ? `${current} ${word}` : word;
        }
      }
      if (current) out.push(current);
      return out.join('\n');
    })
    .join('\n');
}
