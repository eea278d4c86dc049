import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { expect, vi } from 'vitest';

const run = promisify(execFile);

export interface ClusterNode {
  port: number;
  /** The node's id in the cluster (CLUSTER MYID). */
  id: string;
  role: 'master' | 'replica';
  /** Slot ranges served, masters only: [first, last] inclusive. */
  slots: [number, number][];
}

/**
 * A Redis Cluster of the tests' own from Debian's redis-server on loopback: one process per port
 * (no persistence), half of them masters and half replicas (`--cluster-replicas 1`). A short node
 * timeout makes a killed master's replica take over within a few seconds.
 */
export class RedisCluster {
  private readonly children = new Map<number, ChildProcess>();
  private readonly dir = mkdtempSync(join(tmpdir(), 'onair-cluster-redis-'));

  private constructor(readonly ports: number[]) {}

  static async start(ports: number[], { nodeTimeoutMs = 2_000 } = {}): Promise<RedisCluster> {
    const cluster = new RedisCluster(ports);
    try {
      await Promise.all(ports.map((port) => cluster.launch(port, nodeTimeoutMs)));
      await run('redis-cli', [
        '--cluster',
        'create',
        ...ports.map((port) => `127.0.0.1:${port}`),
        '--cluster-replicas',
        '1',
        '--cluster-yes',
      ]);
      await cluster.waitUntilHealthy();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** `host:port` seeds for REDIS_CLUSTER_NODES. */
  get seeds(): string {
    return this.ports.map((port) => `127.0.0.1:${port}`).join(',');
  }

  private async launch(port: number, nodeTimeoutMs: number): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(this.dir, `nodes-${port}.conf`),
        '--cluster-node-timeout',
        String(nodeTimeoutMs),
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        this.dir,
      ],
      { stdio: 'ignore' },
    );
    this.children.set(port, child);
    await vi.waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`redis-server on ${port} exited with ${child.exitCode}`);
        expect(await this.ask(port, 'ping')).toBe('PONG');
      },
      { timeout: 20_000, interval: 100 },
    );
  }

  /** One command on one node, on a connection of its own (not a cluster client: no redirection). */
  async ask(port: number, ...command: string[]): Promise<unknown> {
    const probe = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    // A refused connection (a node starting or killed) is the rejected connect(), not an error event.
    probe.on('error', () => {});
    try {
      await probe.connect();
      return await probe.call(command[0] as string, ...command.slice(1));
    } finally {
      probe.disconnect();
    }
  }

  /** Every node up says cluster_state:ok, and `masters` masters serve the slots. */
  async waitUntilHealthy({ masters: expected = this.ports.length / 2, timeout = 60_000 } = {}): Promise<void> {
    const ports = this.alivePorts();
    await vi.waitFor(
      async () => {
        for (const port of ports) {
          const info = String(await this.ask(port, 'cluster', 'info'));
          expect(info, `node ${port}`).toContain('cluster_state:ok');
        }
        const nodes = await this.nodes(ports[0] as number);
        const masters = nodes.filter((node) => node.role === 'master' && node.slots.length > 0);
        expect(masters.length).toBe(expected);
      },
      { timeout, interval: 200 },
    );
  }

  /** The cluster as one node sees it (CLUSTER NODES), the nodes that are up only. */
  async nodes(askPort = this.alivePorts()[0] as number): Promise<ClusterNode[]> {
    const text = String(await this.ask(askPort, 'cluster', 'nodes'));
    const nodes: ClusterNode[] = [];
    for (const line of text.trim().split('\n')) {
      const [id, address, flags, , , , , link, ...slots] = line.split(' ');
      if (!id || !address || !flags || flags.includes('fail') || link !== 'connected') continue;
      const port = Number(address.split('@')[0]?.split(':')[1]);
      nodes.push({
        port,
        id,
        role: flags.includes('master') ? 'master' : 'replica',
        slots: slots
          .filter((range) => !range.startsWith('['))
          .map((range) => {
            const [first, last = first] = range.split('-').map(Number);
            return [first as number, last as number];
          }),
      });
    }
    return nodes;
  }

  /** The port of the master serving `slot` now. */
  async masterOf(slot: number): Promise<number> {
    const master = (await this.nodes()).find(
      (node) => node.role === 'master' && node.slots.some(([first, last]) => slot >= first && slot <= last),
    );
    if (!master) throw new Error(`no master serves slot ${slot}`);
    return master.port;
  }

  /** Keys matching `pattern` on the node at `port` (SCAN of that node only). */
  async keysOn(port: number, pattern: string): Promise<string[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = (await this.ask(port, 'scan', cursor, 'match', pattern, 'count', '1000')) as [
        string,
        string[],
      ];
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    return keys;
  }

  alivePorts(): number[] {
    return this.ports.filter((port) => {
      const child = this.children.get(port);
      return child && child.exitCode === null && child.signalCode === null;
    });
  }

  /** SIGKILL of one node: a master's replica is promoted once the others see it fail. */
  async kill(port: number): Promise<void> {
    const child = this.children.get(port);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.children.keys()].map((port) => this.kill(port)));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
