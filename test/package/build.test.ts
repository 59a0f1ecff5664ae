/**
 * `npm run build` output is a package plain Node can use: the compiled ESM,
 * the CommonJS validators loaded through the real ESM loader, and the bin.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { run } from '../helpers/process.js';

let out: string;
beforeAll(async () => {
  // Inside the checkout, so the compiled code resolves its dependencies from node_modules as an installed package would.
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  out = mkdtempSync(join(ROOT, '.tmp', 'build-'));
  const build = await run(process.execPath, [join(ROOT, 'scripts/build.mjs'), out], { cwd: ROOT, timeoutMs: 120_000 });
  // As execFileSync did: a failed build fails the suite, with its output.
  if (build.code !== 0) throw new Error(`scripts/build.mjs exited ${build.code ?? build.signal}:\n${build.stderr}${build.stdout}`);
}, 120_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the built package', () => {
  it('has JavaScript and declarations for generated/ and runtime/', () => {
    for (const f of ['generated/index.js', 'generated/index.d.ts', 'generated/validators.js', 'runtime/index.js', 'runtime/index.d.ts']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
  });

  it('runs in plain Node: emit, validate, deliver', async () => {
    const script = `
      const g = await import(${JSON.stringify(join(out, 'generated/index.js'))});
      const router = g.getRouter();
      const seen = [];
      router.subscribe('training_complete', (e) => { seen.push(e.type); });
      await g.emitTrainingComplete({ config_key: 'hex8_2p', board_type: 'hex8', num_players: 2, model_path: '/m', epochs: 1, final_loss: 0.1, samples_trained: 1 });
      let rejected = '';
      try { await g.emitTrainingComplete({ config_key: 'hex8_2p' }); } catch (e) { rejected = e.message; }
      console.log(JSON.stringify({ seen, rejected, key: g.parseConfigKey('square19_4p') }));
    `;
    const r = await run(process.execPath, ['--input-type=module', '-e', script]);
    expect(r.stderr).toBe('');
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(result.seen).toEqual(['TRAINING_COMPLETED']);
    expect(result.rejected).toMatch(/TRAINING_COMPLETED.*board_type/);
    expect(result.key).toEqual({ board_type: 'square19', num_players: 4 });
  });

  it('its CLI runs compiled', async () => {
    const r = await run(process.execPath, [join(out, 'cli/main.js'), 'validate', '--catalog', join(ROOT, 'catalog')], { cwd: ROOT });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/events in \d+ categories, 36 named emitters: valid/);
  });
});
