/**
 * The registry the queue commands build from a catalog's YAML (`--catalog`)
 * must read events as that catalog's generated REGISTRY does: the same
 * spellings, validation verdicts, alias renames and names. Checked against
 * the committed generated code of the shop fixture and of our catalog.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CatalogLoadError, loadCatalogModel, registryOfModel } from '../../cli/catalog-registry.js';
import { REGISTRY as RINGRIFT } from '../../generated/index.js';
import type { EventRegistry } from '../../runtime/index.js';
import { REGISTRY as SHOP, SPELLING_TO_EVENT as SHOP_SPELLINGS } from '../fixtures/catalogs/shop/generated/index.js';
import { SPELLING_TO_EVENT as RINGRIFT_SPELLINGS } from '../../generated/index.js';
import { GOOD } from '../helpers/shop.js';

const dir = (rel: string) => fileURLToPath(new URL(rel, import.meta.url));

function sameAsGenerated(built: EventRegistry, generated: EventRegistry, spellings: Readonly<Record<string, string>>): void {
  expect(built.names).toEqual(generated.names);
  expect([...built.events.keys()]).toEqual([...generated.events.keys()]);
  expect(built.commonFields).toEqual(generated.commonFields);
  for (const spelling of Object.keys(spellings)) expect(built.resolve(spelling)?.name, spelling).toBe(generated.resolve(spelling)?.name);
  // What the runtime reads of a definition (the generated ones also carry producers and consumers).
  const KEYS = ['name', 'value', 'topic', 'stage', 'crossProcess', 'category', 'dataschema', 'version', 'dedup', 'requiredFields'] as const;
  const pick = (d: object) => Object.fromEntries(KEYS.filter((k) => k in d).map((k) => [k, (d as Record<string, unknown>)[k]]));
  for (const [name, def] of generated.events) expect(pick(built.events.get(name)!), name).toEqual(pick(def));
}

describe('the registry of a catalog directory', () => {
  it('is the shop fixture’s generated REGISTRY: spellings, metadata, validation and aliases', () => {
    const built = registryOfModel(loadCatalogModel(dir('../fixtures/catalogs/shop')));
    sameAsGenerated(built, SHOP, SHOP_SPELLINGS);
    for (const [name, payload] of Object.entries(GOOD)) expect(built.events.get(name)!.validate(payload), name).toEqual({ ok: true });
    const bad = { ...GOOD.ORDER_PLACED, order_id: 'order 42', currency: 'JPY' };
    expect(built.events.get('ORDER_PLACED')!.validate(bad)).toEqual(SHOP.events.get('ORDER_PLACED')!.validate(bad));
    expect(built.events.get('ORDER_PLACED')!.validate(bad).ok).toBe(false);
    const aliased = { order_number: 'ORD-000001', items: [] };
    expect(built.events.get('ORDER_PLACED')!.normalize(aliased)).toEqual(SHOP.events.get('ORDER_PLACED')!.normalize(aliased));
  });

  it('is our catalog’s generated REGISTRY', () => {
    sameAsGenerated(registryOfModel(loadCatalogModel(dir('../../catalog'))), RINGRIFT, RINGRIFT_SPELLINGS);
  });

  it('a directory that is not a valid catalog gives its problems at file:line:col', () => {
    const bad = mkdtempSync(join(tmpdir(), 'rr-bad-catalog-'));
    try {
      writeFileSync(join(bad, 'catalog.yaml'), 'catalog:\n  name: shop\n  description: A shop.\ncategory: { name: orders, title: Orders, description: Orders. }\nevents:\n  ORDER_PLACED: { value: order_placed, topic: order.placed, descriptoin: typo }\n');
      expect(() => loadCatalogModel(bad)).toThrow(CatalogLoadError);
      expect(() => loadCatalogModel(bad)).toThrow(/catalog\.yaml:6:\d+: .*descriptoin/);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
    expect(() => loadCatalogModel(dir('../fixtures/no-such-catalog'))).toThrow(/no-such-catalog/);
  });
});
