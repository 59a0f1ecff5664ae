/**
 * The runner the tests start child processes with (test/helpers/process.ts):
 * what a test asserts on is the child's own exit and output, and a child that
 * hangs is killed and says so instead of hanging the run.
 */
import { describe, expect, it } from 'vitest';
import { run } from './process.js';

const node = (script: string) => [process.execPath, ['-e', script]] as const;

describe('run', () => {
  it('captures the exit code, stdout and stderr, and a non-zero exit resolves', async () => {
    const r = await run(...node('process.stdout.write("out ✓"); process.stderr.write("err ✓"); process.exit(3)'));
    expect(r).toEqual({ code: 3, signal: null, stdout: 'out ✓', stderr: 'err ✓', timedOut: false });
  });

  it('passes input on stdin, and runs in cwd with env', async () => {
    const r = await run(...node('let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.stringify([s, process.cwd(), process.env.RUN_TEST])))'), {
      cwd: '/',
      env: { ...process.env, RUN_TEST: 'yes' },
      input: 'line one\nline two\n',
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(['line one\nline two\n', '/', 'yes']);
  });

  it('kills a child that runs past the timeout, and says so in the result and on stderr', async () => {
    // sh prints its pid at once (a Node child might not have started in the time on a loaded machine); exec keeps that pid for sleep.
    const r = await run('sh', ['-c', 'echo $$; exec sleep 600'], { timeoutMs: 2000 });
    expect(r).toMatchObject({ code: null, signal: 'SIGKILL', timedOut: true });
    expect(r.stderr).toMatch(/sh timed out after 2000 ms and was killed/);
    // The child is gone, not left running behind the test.
    const pid = Number(r.stdout.trim());
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });

  it('rejects when the command cannot be started, naming it', async () => {
    await expect(run('no-such-command-rr-test', [])).rejects.toThrow(/cannot run no-such-command-rr-test: .*ENOENT/);
  });
});
