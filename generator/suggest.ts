/**
 * "Did you mean" hints for unknown keys and names, shared by the catalog
 * loader and the CLI's config file.
 */

/** The known key closest to `key` (ignoring case, `_` and `-`), if it is close enough to be a typo. */
export function didYouMean(key: string, known: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
  let best: { name: string; d: number } | undefined;
  for (const name of known) {
    const [a, b] = [norm(key), norm(name)];
    // The same key in another case or spelling, one that starts with the other (`outDir`, `output`), or a typo.
    const d = a === b ? 0 : a.length >= 3 && b.length >= 3 && (a.startsWith(b) || b.startsWith(a)) ? 1 : editDistance(a, b);
    if (!best || d < best.d) best = { name, d };
  }
  if (!best) return undefined;
  const limit = Math.max(2, Math.floor(best.name.length / 3));
  return best.d <= limit ? best.name : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
