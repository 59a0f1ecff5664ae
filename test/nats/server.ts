/**
 * A nats-server of the tests' own: `nats-server -js` on a free port with a
 * temporary store, started, killed and restarted by the test (never the
 * system's server on 4222).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const INSTALL_HINT =
  'nats-server is not installed: the NATS transport tests are skipped. Install it to run them ' +
  '(Debian/Ubuntu: `apt-get install nats-server`; elsewhere: https://github.com/nats-io/nats-server/releases)';

/** `nats-server` when it is on PATH (as .ci/run requires), else undefined. */
export function findNatsServer(): string | undefined {
  const r = spawnSync('nats-server', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? 'nats-server' : undefined;
}

/** A port nobody listens on now (bound to port 0, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * One nats-server process with fixed arguments: launched, stopped and
 * launched again on the same port; the tail of its stderr is kept for
 * failure messages. Every one still running is killed when the tests exit.
 */
export class NatsProcess {
  private child: ChildProcess | undefined;
  private log = '';

  constructor(
    readonly bin: string,
    readonly args: readonly string[],
    readonly port: number,
    /** How errors name it: "nats-server", "nats-server n2". */
    readonly label: string,
  ) {}

  get running(): boolean {
    return this.child !== undefined;
  }

  get output(): string {
    return this.log;
  }

  /** Starts the process and waits until it accepts connections on its port. */
  async launch(): Promise<void> {
    if (this.child) throw new Error(`${this.label} is already running`);
    const child = spawn(this.bin, [...this.args], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    running.add(child);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      this.log = (this.log + chunk).slice(-20_000);
    });
    child.once('exit', () => {
      running.delete(child);
      if (this.child === child) this.child = undefined;
    });
    const deadline = Date.now() + 15_000;
    while (!(await accepts(this.port))) {
      if (this.child !== child) throw new Error(`${this.label} exited at start:\n${this.log}`);
      if (Date.now() > deadline) throw new Error(`${this.label} did not accept connections on ${this.port} within 15 s:\n${this.log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** SIGKILL (a crash) by default, SIGTERM for a clean shutdown; resolves once it exited. */
  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  }
}

export class NatsServer {
  private readonly process: NatsProcess;

  private constructor(
    readonly bin: string,
    readonly port: number,
    readonly storeDir: string,
  ) {
    this.process = new NatsProcess(bin, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir], port, 'nats-server');
  }

  static async start(bin = findNatsServer(), port?: number): Promise<NatsServer> {
    if (!bin) throw new Error(INSTALL_HINT);
    const server = new NatsServer(bin, port ?? (await freePort()), mkdtempSync(join(tmpdir(), 'rr-nats-')));
    await server.restart();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.process.running;
  }

  /** Starts the server (same port, same store) and waits until it accepts connections. */
  restart(): Promise<void> {
    return this.process.launch();
  }

  /** Stops the server: SIGKILL (a crash) by default, SIGTERM for a clean shutdown. */
  stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    return this.process.stop(signal);
  }

  /** Stops the server and removes its store. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.storeDir, { recursive: true, force: true });
  }

  get output(): string {
    return this.process.output;
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
