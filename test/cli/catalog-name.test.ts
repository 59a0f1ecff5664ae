/**
 * The catalog's `name` becomes the NATS stream, subject prefix, environment
 * variables and envelope source, so `validate` refuses a name that cannot give
 * them safely, at its file:line:col, saying what it is used for.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const SHOP = new URL('../fixtures/catalogs/shop/', import.meta.url);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The shop catalog with another `name:`. */
function shopNamed(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rr-name-'));
  dirs.push(dir);
  cpSync(SHOP, dir, { recursive: true, filter: (src) => !src.includes('generated') });
  const file = join(dir, 'catalog.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^ {2}name: shop$/m, `  name: ${name}`));
  return dir;
}

describe('validate: the catalog name', () => {
  it.each([
    ['my-shop', 'a hyphen (not allowed in an environment variable)'],
    ['"Shop"', 'capitals (stream names collide on case-insensitive file systems)'],
    ['"shop.eu"', 'a dot (a NATS subject separator)'],
    ['an_exceedingly_long_shop_name', 'more than 24 characters (the stream would pass the 32 NATS recommends)'],
  ])('refuses %s: %s, at file:line:col', async (name) => {
    const dir = shopNamed(name);
    const r = await runCli(['validate', '--catalog', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/catalog\.yaml:6:\d+: catalog\.name: must be lower_snake_case of at most 24 characters, such as `my_shop`: it names the NATS stream/);
    expect(r.stderr).toContain('1 problem');
  });

  it('accepts a lower_snake_case name such as my_shop', async () => {
    const r = await runCli(['validate', '--catalog', shopNamed('my_shop')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
