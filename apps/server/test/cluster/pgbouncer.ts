import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { vi } from 'vitest';

/**
 * Debian's PgBouncer in transaction mode in front of the tests' PostgreSQL, as a Kubernetes
 * PostgreSQL operator puts one in front of its database: every database of the upstream server,
 * by name, through `port`. Trust authentication (the upstream trusts loopback too).
 */
export class PgBouncer {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly port: number,
    private readonly output: () => string,
  ) {}

  static async start({ port, upstreamUrl, poolSize }: { port: number; upstreamUrl: string; poolSize: number }) {
    const upstream = new URL(upstreamUrl);
    const dir = mkdtempSync(join(tmpdir(), 'onair-pgbouncer-'));
    // PgBouncer refuses to run as root: it drops to `nobody`, which must read its files.
    chmodSync(dir, 0o755);
    const user = decodeURIComponent(upstream.username || 'postgres');
    writeFileSync(join(dir, 'userlist.txt'), `"${user}" ""\n`);
    const ini = [
      '[databases]',
      `* = host=${upstream.hostname} port=${upstream.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      "unix_socket_dir = ''",
      'auth_type = trust',
      `auth_file = ${join(dir, 'userlist.txt')}`,
      'pool_mode = transaction',
      `default_pool_size = ${poolSize}`,
      'max_client_conn = 1000',
      // Startup parameters PgBouncer does not track, sent by some clients: accepted and dropped.
      'ignore_startup_parameters = extra_float_digits,options',
      ...(process.getuid?.() === 0 ? ['user = nobody'] : []),
    ].join('\n');
    writeFileSync(join(dir, 'pgbouncer.ini'), `${ini}\n`);
    let output = '';
    // Debian installs it in /usr/sbin, which is not on every user's PATH.
    const binary = existsSync('/usr/sbin/pgbouncer') ? '/usr/sbin/pgbouncer' : 'pgbouncer';
    const child = spawn(binary, [join(dir, 'pgbouncer.ini')], { stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const bouncer = new PgBouncer(child, dir, port, () => output);
    try {
      await vi.waitFor(
        async () => {
          if (child.exitCode !== null) throw new Error(`pgbouncer exited with ${child.exitCode}:\n${output}`);
          const probe = postgres(bouncer.urlOf(`${upstreamUrl}`), { max: 1, prepare: false, connect_timeout: 2 });
          try {
            await probe`select 1`;
          } finally {
            await probe.end({ timeout: 1 });
          }
        },
        { timeout: 20_000, interval: 200 },
      );
    } catch (error) {
      await bouncer.stop();
      throw error;
    }
    return bouncer;
  }

  /** `databaseUrl` with PgBouncer's address instead of the server's. */
  urlOf(databaseUrl: string): string {
    const url = new URL(databaseUrl);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  log(): string {
    return this.output();
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
