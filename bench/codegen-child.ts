/**
 * One cold measurement, in a fresh process: how long loading the generator's
 * dependencies takes, then how long generating one catalog takes (in memory;
 * writing files is not the generator's cost). Prints one JSON line.
 */
import { performance } from 'node:perf_hooks';

const catalogDir = process.argv[2]!;
const t0 = performance.now();
await Promise.all([import('ts-morph'), import('ajv'), import('yaml'), import('handlebars'), import('commander')]);
const load = performance.now() - t0;

const { generate } = await import('../generator/index.js');
const { readCatalogDir } = await import('../generator/io.js');
const sources = readCatalogDir(catalogDir);
const t1 = performance.now();
const result = generate(sources);
const generateMs = performance.now() - t1;
if (!result.ok) throw new Error('benchmark catalogs must be valid');
console.log(JSON.stringify({ load, generateMs, events: result.model.events.length }));
