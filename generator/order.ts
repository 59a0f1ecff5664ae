/** The one ordering the generator uses everywhere: by UTF-16 code units, independent of locale, so output never varies by machine. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Things with a name, by name. */
export function byName(a: { name: string }, b: { name: string }): number {
  return compareText(a.name, b.name);
}
