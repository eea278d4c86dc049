import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

/** A JSON line a child script printed on stdout. */
export type Message = Record<string, unknown> & { type?: string };

const CLK_TCK = 100;
const RAISE_FILES = 'ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A child process running `node [nodeArgs] script [args]`, started through bash so that its
 * open-files limit is raised first (`exec` keeps the pid: `pid` is node's own). Its stdout is read
 * as JSON lines; the tail of its stderr is kept for error messages.
 */
export class Child {
  readonly process: ChildProcess;
  readonly pid: number;
  private readonly messages: Message[] = [];
  private readonly waiters: { type: string; resolve: (message: Message) => void; reject: (error: Error) => void }[] =
    [];
  private stderrTail = '';
  private exitCode: number | null | undefined;
  private readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    script: string,
    args: string[],
    options: { env?: NodeJS.ProcessEnv; nodeArgs?: string[]; cwd?: string; verbose?: boolean } = {},
  ) {
    const argv = ['-c', RAISE_FILES, 'bash', process.execPath, ...(options.nodeArgs ?? []), script, ...args];
    this.process = spawn('bash', argv, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (this.process.pid === undefined) throw new Error(`${name}: could not start`);
    this.pid = this.process.pid;
    createInterface({ input: this.process.stdout as NodeJS.ReadableStream }).on('line', (line) => this.line(line));
    this.process.stderr?.on('data', (chunk: Buffer) => {
      if (options.verbose) process.stderr.write(`[${name}] ${chunk}`);
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-4_000);
    });
    this.exited = new Promise((resolve) => {
      this.process.once('exit', (code) => {
        this.exitCode = code;
        for (const waiter of this.waiters.splice(0))
          waiter.reject(this.failure(`exited (${code}) before "${waiter.type}"`));
        resolve();
      });
    });
  }

  private line(line: string): void {
    let message: Message;
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return;
      message = parsed as Message;
    } catch {
      return;
    }
    const index = this.waiters.findIndex((waiter) => waiter.type === message.type);
    const waiter = index >= 0 ? this.waiters.splice(index, 1)[0] : undefined;
    if (waiter) waiter.resolve(message);
    else this.messages.push(message);
  }

  private failure(what: string): Error {
    return new Error(`${this.name} ${what}${this.stderrTail ? `:\n${this.stderrTail.trim()}` : ''}`);
  }

  /** The next message of this type (or one that arrived already). */
  next(type: string, timeoutMs = 120_000): Promise<Message> {
    const index = this.messages.findIndex((message) => message.type === type);
    if (index >= 0) return Promise.resolve(this.messages.splice(index, 1)[0] as Message);
    if (this.exitCode !== undefined) return Promise.reject(this.failure(`exited (${this.exitCode}) before "${type}"`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(this.failure(`sent no "${type}" within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        type,
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(graceMs = 5_000): Promise<void> {
    if (!this.running) return;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** User + system CPU seconds of this process so far (from /proc). */
  cpuSeconds(): number {
    return cpuSeconds(this.pid);
  }

  /** Resident set size in KiB (VmRSS). */
  rssKiB(): number {
    return rssKiB(this.pid);
  }
}

export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** CPU seconds the whole machine spent busy so far (all cores, from /proc/stat). */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / CLK_TCK;
}

export function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]);
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers 2xx. */
export async function waitForHttp(url: string, child: Child, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!child.running) await child.next('never', 1); // throws with the child's stderr
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${child.name} did not answer ${url} within ${timeoutMs} ms`);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
