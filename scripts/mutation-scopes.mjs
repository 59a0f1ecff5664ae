// The scopes of `npm run mutation [scope...]`: the files Stryker mutates and the tests that must
// kill the mutants. Kept small on purpose: one scope is one Stryker run, one file's mutants
// against the few test files that state its behaviour (the whole suite spawns compilers and
// servers and would take hours per mutant set).
export const SCOPES = {
  bus: { mutate: ['runtime/bus.ts'], tests: ['test/runtime/bus.test.ts', 'test/runtime/bus-subscriptions.test.ts', 'test/runtime/patterns.test.ts', 'test/runtime/router.test.ts'] },
  'canonical-json': { mutate: ['runtime/canonical-json.ts'], tests: ['test/runtime/canonical-json.test.ts', 'test/runtime/dedup.test.ts'] },
  delivery: { mutate: ['runtime/delivery.ts'], tests: ['test/runtime/delivery-callbacks.test.ts', 'test/runtime/bus.test.ts', 'test/runtime/router.test.ts', 'test/runtime/retry-dlq.test.ts', 'test/runtime/reentrancy.test.ts', 'test/runtime/thrown-values.test.ts', 'test/runtime/drain.test.ts', 'test/runtime/weak-handlers.test.ts', 'test/runtime/transport.test.ts'] },
  dedup: { mutate: ['runtime/dedup.ts'], tests: ['test/runtime/dedup.test.ts', 'test/runtime/dedup-catalog.test.ts', 'test/runtime/router.test.ts'] },
  retry: { mutate: ['runtime/retry.ts', 'runtime/isolated-call.ts'], tests: ['test/runtime/isolated-call.test.ts', 'test/runtime/retry-dlq.test.ts', 'test/runtime/handler-base.test.ts', 'test/runtime/router.test.ts'] },
  // The catalog checks (the schema pass and checks/) and the model building, in two runs of a few hundred mutants each.
  'catalog-checks': { mutate: ['generator/catalog/ajv-errors.ts', 'generator/catalog/checks/*.ts'], tests: ['test/generator/catalog/*.test.ts'] },
  'catalog-build': { mutate: ['generator/catalog/build.ts', 'generator/catalog/emitters.ts', 'generator/catalog/config-keys.ts'], tests: ['test/generator/catalog/*.test.ts'] },
};

/** The scope named by MUTATION_SCOPE (set by scripts/mutation.mjs). */
export function currentScope() {
  const name = process.env.MUTATION_SCOPE;
  const scope = name && SCOPES[name];
  if (!scope) throw new Error(`MUTATION_SCOPE must be one of ${Object.keys(SCOPES).join(', ')} (got ${JSON.stringify(name)}); run \`npm run mutation -- <scope>\``);
  return { name, ...scope };
}
