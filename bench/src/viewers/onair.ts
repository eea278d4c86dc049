import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Child, freePort, waitForHttp } from './proc';

export type OnAirKind = 'data-plane' | 'generic';

/**
 * The bench's VIEWER_TOKEN_SECRET. Its servers run VIEWER_AUTH=open (the bare-id rows) with the secret
 * set, so a join that carries a viewerToken is verified exactly as in token mode (the token-mode row).
 */
export const benchViewerSecret = 'bench-viewer-token-secret-0123456789abcdef';

/** Reads `result.data` of a tRPC JSON answer, or throws with the answer. */
function dataOf(status: number, body: unknown): unknown {
  if (status === 200 && typeof body === 'object' && body !== null && 'result' in body) {
    const result = (body as { result: unknown }).result;
    if (typeof result === 'object' && result !== null && 'data' in result) return (result as { data: unknown }).data;
  }
  throw new Error(`unexpected answer ${status}: ${JSON.stringify(body)}`);
}

/** The OnAir API over HTTP, as a client sees it. */
export class OnAirApi {
  constructor(
    readonly port: number,
    private readonly token: string,
  ) {}

  async call(procedure: string, input: unknown, operator = false): Promise<unknown> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (operator) headers.authorization = `Bearer ${this.token}`;
    const response = await fetch(`http://127.0.0.1:${this.port}/trpc/${procedure}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(input),
    });
    return dataOf(response.status, await response.json());
  }

  /** Creates and starts a live; returns its id. */
  async createLive(title: string): Promise<string> {
    const created = await this.call('live.create', { title }, true);
    const id = typeof created === 'object' && created !== null && 'id' in created ? created.id : undefined;
    if (typeof id !== 'string') throw new Error(`live.create answered ${JSON.stringify(created)}`);
    await this.call('live.start', { id }, true);
    return id;
  }

  join(liveId: string, viewerId: string): Promise<unknown> {
    return this.call('viewer.join', { liveId, viewerId });
  }
}

export interface OnAirServer {
  kind: OnAirKind;
  child: Child;
  api: OnAirApi;
  stop(): Promise<void>;
}

export interface OnAirStartOptions {
  kind: OnAirKind;
  repoRoot: string;
  benchDir: string;
  redisUrl: string;
  redisPrefix: string;
  nodeArgs?: string[];
  verbose?: boolean;
  /** Settings on top of the bench's own (a Redis Cluster's REDIS_CLUSTER_NODES, PRESENCE_SHARDS, ...). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts OnAir as a child process: the built bundle (apps/server/dist/main.js), or with the data plane
 * off (tRPC's generic path, from the sources via tsx). Its own Redis prefix, a temporary PGlite
 * directory, warn-level logs, no inline short-video worker, viewers that never expire during the run.
 */
export async function startOnAir(options: OnAirStartOptions): Promise<OnAirServer> {
  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  const dataDir = mkdtempSync(join(tmpdir(), 'onair-bench-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    REDIS_URL: options.redisUrl,
    REDIS_PREFIX: options.redisPrefix,
    DATABASE_URL: '',
    DATA_DIR: dataDir,
    OPERATOR_TOKEN: token,
    VIEWER_AUTH: 'open',
    VIEWER_TOKEN_SECRET: benchViewerSecret,
    VIEWER_TTL_MS: String(3_600_000),
    WORKER: 'off',
    // Every subscriber of the fan-out runs comes from one address: the per-address cap is for the field.
    SSE_MAX_STREAMS_PER_ADDRESS: '20000',
    SSE_MAX_STREAMS: '20000',
    ...options.env,
  };
  const script =
    options.kind === 'data-plane'
      ? join(options.repoRoot, 'apps/server/dist/main.js')
      : join(options.benchDir, 'src/viewers/generic-server.mjs');
  const nodeArgs = [...(options.kind === 'generic' ? ['--import', 'tsx'] : []), ...(options.nodeArgs ?? [])];
  const child = new Child(`onair-${options.kind}`, script, [], {
    env,
    nodeArgs,
    cwd: options.benchDir,
    verbose: options.verbose ?? false,
  });
  const stop = async () => {
    await child.stop(15_000);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForHttp(`http://127.0.0.1:${port}/readyz`, child);
  } catch (error) {
    await stop();
    throw error;
  }
  return { kind: options.kind, child, api: new OnAirApi(port, token), stop };
}

/**
 * Drives a live's viewer count: one join of a fresh viewer every `intervalMs` through the API
 * (timer corrected for drift), so exactly 1000/intervalMs count changes a second.
 */
export class JoinDriver {
  joins = 0;
  errors = 0;
  private timer: NodeJS.Timeout | undefined;
  private counter = 0;

  constructor(
    private readonly api: OnAirApi,
    private readonly liveId: string,
    private readonly tag: string,
    private readonly intervalMs = 100,
  ) {}

  start(): void {
    let next = performance.now() + this.intervalMs;
    const tick = () => {
      this.api.join(this.liveId, `${this.tag}-${this.counter++}`).then(
        () => this.joins++,
        () => this.errors++,
      );
      next += this.intervalMs;
      this.timer = setTimeout(tick, Math.max(0, next - performance.now()));
    };
    this.timer = setTimeout(tick, this.intervalMs);
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
