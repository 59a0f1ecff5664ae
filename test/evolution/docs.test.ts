/** docs/evolution.md documents every rule of `breaking` with the modes it breaks and how it is accepted, as the checker has them. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { RULES } from '../../generator/evolution/rules.js';
import { ROOT } from '../helpers/cli.js';

const ACCEPT = { version: 'a version bump', deprecation: 'deprecation in the baseline', never: 'never' } as const;

it('docs/evolution.md has one row per rule, with its modes and acceptance', () => {
  const rows = readFileSync(join(ROOT, 'docs/evolution.md'), 'utf8')
    .split('\n')
    .map((l) => /^\| `([A-Z_]+)` \| ([a-z, ]+) \| ([a-z, ]+) \|/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1], m[2], m[3]]);
  expect(rows).toEqual(Object.values(RULES).map((r) => [r.id, r.modes.join(', '), r.accept.map((a) => ACCEPT[a]).join(', or ')]));
});
