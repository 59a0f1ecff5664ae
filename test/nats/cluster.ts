/**
 * Three `nats-server -js` processes clustered on loopback, for the tests'
 * own use: distinct client and route ports, a `server_name` each, temporary
 * stores. Any one can be SIGKILLed and restarted.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, NatsProcess } from './server.js';

interface Member {
  readonly name: string;
  readonly port: number;
  readonly routePort: number;
  readonly process: NatsProcess;
}

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
      members.push({ name, port: ports[i]!, routePort: ports[size + i]!, process: new NatsProcess(bin, ['-c', config], ports[i]!, `nats-server ${name}`) });
    }
    const cluster = new NatsCluster(bin, dir, members);
    await Promise.all(members.map((m) => m.process.launch()));
    return cluster;
  }

  get urls(): string[] {
    return this.members.map((m) => `nats://127.0.0.1:${m.port}`);
  }

  get names(): string[] {
    return this.members.map((m) => m.name);
  }

  isRunning(name: string): boolean {
    return this.member(name).process.running;
  }

  /** SIGKILLs one server (a crash). */
  kill(name: string): Promise<void> {
    return this.member(name).process.stop('SIGKILL');
  }

  restart(name: string): Promise<void> {
    return this.member(name).process.launch();
  }

  async dispose(): Promise<void> {
    await Promise.all(this.members.map((m) => this.kill(m.name)));
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The last lines each server wrote (for a failure message). */
  get output(): string {
    return this.members.map((m) => `--- ${m.name}\n${m.process.output.slice(-3_000)}`).join('\n');
  }

  private member(name: string): Member {
    const m = this.members.find((x) => x.name === name);
    if (!m) throw new Error(`no server ${name} in the cluster (${this.names.join(', ')})`);
    return m;
  }
}
