// Types of the pure parts of scripts/dev.mjs, for the tests that import it (TypeScript strict).

export declare const DEFAULT_REDIS_URL: string;

export interface RedisTarget {
  url: string;
  host: string;
  port: number;
  tls: boolean;
  username: string;
  password: string;
  /** Only a Redis on this machine can be started by `pnpm dev`. */
  local: boolean;
}

export type RedisProbe =
  | { status: 'pong' }
  | { status: 'unreachable'; detail: string }
  | { status: 'not-redis'; detail: string };

export type RedisFailure = 'not-redis' | 'remote' | 'nothing';

export type RedisStrategy =
  | { kind: 'use-existing' }
  | { kind: 'compose'; command: string[] }
  | { kind: 'redis-server' }
  | { kind: 'fail'; reason: RedisFailure; detail: string };

export declare function parseRedisUrl(value: string | undefined): RedisTarget;
export declare function redactUrl(text: string): string;
export declare function respCommand(...args: string[]): string;
export declare function parseRespReply(text: string): { kind: 'status' | 'error' | 'other'; text: string } | undefined;
export declare function chooseRedisStrategy(facts: {
  redis: RedisTarget;
  probe: RedisProbe;
  dockerRunning: boolean;
  composeCommand: string[] | null;
  redisServerOnPath: boolean;
}): RedisStrategy;
export declare function redisServerArgs(options: {
  port: number;
  dir: string;
  host?: string;
  password?: string;
}): string[];
export declare function missingRedisMessage(problem: { url: string; reason: RedisFailure; detail: string }): string;
export declare function portTakenMessage(taken: {
  port: number;
  service: string;
  variable: string;
  suggestion: number;
}): string;

export interface ChildSpec {
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
}

export interface DevConfig {
  root: string;
  apiPort: number;
  dashboardPort: number;
  redisUrl: string;
  dataDir: string;
  apiUrl: string;
  dashboardUrl: string;
  trpcUrl: string;
  boardUrl: string;
  readyUrl: string;
  dashboardProbeUrl: string;
  api: ChildSpec;
  dashboard: ChildSpec;
}

export declare function devConfig(env: Record<string, string | undefined>, root: string): DevConfig;
export declare function operatorTokenLine(sources: {
  configured: string | undefined;
  saved: string | undefined;
  file: string;
}): string;
export declare function readyBanner(ready: {
  dashboardUrl: string;
  trpcUrl: string;
  boardUrl: string;
  token: string;
  redis: string;
}): string;
export declare function createLinePrefixer(
  prefix: string,
  drop?: (line: string) => boolean,
): { push(chunk: string): string; flush(): string };
export declare function pingRedis(redis: RedisTarget, timeoutMs?: number): Promise<RedisProbe>;
