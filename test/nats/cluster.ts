/**
 * Three `nats-server -js` processes clustered on loopback, for the tests'
 * own use: distinct client and route ports, a `server_name` each, temporary
 * stores. Any one can be SIGKILLed and restarted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './server.js';

interface Member {
  readonly name: string;
  readonly port: number;
  readonly routePort: number;
  readonly config: string;
  child: ChildProcess | undefined;
  log: string;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export class NatsCluster {
  private constructor(
    readonly bin: string,
    readonly dir: string,
    private readonly members: Member[],
  ) {}

  static async start(bin: string, size = 3): Promise<NatsCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'rr-nats-cluster-'));
    const ports = await Promise.all(Array.from({ length: size * 2 }, () => freePort()));
    const members: Member[] = [];
    for (let i = 0; i < size; i++) {
      const name = `n${i + 1}`;
      const routes = Array.from({ length: size }, (_, j) => j)
        .filter((j) => j !== i)
        .map((j) => `nats-route://127.0.0.1:${ports[size + j]}`);
      const config = join(dir, `${name}.conf`);
      writeFileSync(
        config,
        [
          `server_name: ${name}`,
          `listen: 127.0.0.1:${ports[i]}`,
          `jetstream { store_dir: "${join(dir, name)}" }`,
          `cluster {`,
          `  name: rr_test`,
          `  listen: 127.0.0.1:${ports[size + i]}`,
          `  routes: [${routes.join(', ')}]`,
          `}`,
          '',
        ].join('\n'),
      );
      members.push({ name, port: ports[i]!, routePort: ports[size + i]!, config, child: undefined, log: '' });
    }
    const cluster = new NatsCluster(bin, dir, members);
    await Promise.all(members.map((m) => cluster.launch(m)));
    return cluster;
  }

  get urls(): string[] {
    return this.members.map((m) => `nats://127.0.0.1:${m.port}`);
  }

  get names(): string[] {
    return this.members.map((m) => m.name);
  }

  isRunning(name: string): boolean {
    return this.member(name).child !== undefined;
  }

  /** SIGKILLs one server (a crash). */
  async kill(name: string): Promise<void> {
    const child = this.member(name).child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  async restart(name: string): Promise<void> {
    await this.launch(this.member(name));
  }

  async dispose(): Promise<void> {
    await Promise.all(this.members.map((m) => this.kill(m.name)));
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The last lines each server wrote (for a failure message). */
  get output(): string {
    return this.members.map((m) => `--- ${m.name}\n${m.log.slice(-3_000)}`).join('\n');
  }

  private member(name: string): Member {
    const m = this.members.find((x) => x.name === name);
    if (!m) throw new Error(`no server ${name} in the cluster (${this.names.join(', ')})`);
    return m;
  }

  private async launch(m: Member): Promise<void> {
    if (m.child) throw new Error(`${m.name} is already running`);
    const child = spawn(this.bin, ['-c', m.config], { stdio: ['ignore', 'ignore', 'pipe'] });
    m.child = child;
    running.add(child);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      m.log = (m.log + chunk).slice(-20_000);
    });
    child.once('exit', () => {
      running.delete(child);
      if (m.child === child) m.child = undefined;
    });
    const deadline = Date.now() + 15_000;
    while (!(await accepts(m.port))) {
      if (m.child !== child) throw new Error(`nats-server ${m.name} exited at start:\n${m.log}`);
      if (Date.now() > deadline) throw new Error(`nats-server ${m.name} did not accept connections within 15 s:\n${m.log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
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
