import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// docker-compose.yml, Dockerfile and .dockerignore, checked by the real docker-compose (no Docker
// engine is needed to validate and render a compose file; none runs in CI to build the image).

const root = resolve(import.meta.dirname, '../../..');
const operatorToken = 'compose-test-operator-token';
let envDir: string;

/** Runs docker-compose on the repository's file, with only the variables given (no .env, no shell leftovers). */
function compose(args: string[], variables: Record<string, string> = { OPERATOR_TOKEN: operatorToken }) {
  const result = spawnSync('docker-compose', ['--env-file', join(envDir, 'empty.env'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? tmpdir(), ...variables },
  });
  if (result.error && 'code' in result.error && result.error.code === 'ENOENT') {
    throw new Error(
      'docker-compose is not installed, so docker-compose.yml cannot be validated: apt-get install -y docker-compose',
    );
  }
  return result;
}

/** The rendered file, one block of text per service (docker-compose prints services sorted, indented by two). */
function serviceBlocks(rendered: string): Map<string, string> {
  const blocks = new Map<string, string>();
  let section = '';
  let current: string | undefined;
  for (const line of rendered.split('\n')) {
    const topLevel = /^(\S[^:]*):/.exec(line);
    if (topLevel) {
      section = topLevel[1] ?? '';
      current = undefined;
      continue;
    }
    const service = /^ {2}([A-Za-z0-9_-]+):\s*$/.exec(line);
    if (section === 'services' && service?.[1]) {
      current = service[1];
      blocks.set(current, '');
    } else if (current) {
      blocks.set(current, `${blocks.get(current)}${line}\n`);
    }
  }
  return blocks;
}

beforeAll(() => {
  envDir = mkdtempSync(join(tmpdir(), 'onair-compose-'));
  writeFileSync(join(envDir, 'empty.env'), '');
});
afterAll(() => rmSync(envDir, { recursive: true, force: true }));

describe('docker-compose.yml', () => {
  it('is valid for docker-compose', () => {
    const result = compose(['config', '-q']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('refuses to run without OPERATOR_TOKEN, saying so', () => {
    const result = compose(['config', '-q'], {});
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('set OPERATOR_TOKEN');
  });

  it('is valid with the scale profile', () => {
    // docker-compose 1.29 validates every service whatever the profile; the profile is still named,
    // as `docker compose` v2 takes it, so that the command documented in docs/operations.md is the one tested.
    const result = compose(['--profile', 'scale', 'config', '-q']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('has the five services, and the load balancer, API instances and workers of the scale profile', () => {
    const result = compose(['config', '--services']);
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n').sort()).toEqual([
      'api',
      'dashboard',
      'lb',
      'postgres',
      'redis',
      'server',
      'worker',
      'workers',
    ]);
  });

  describe('as rendered', () => {
    let services: Map<string, string>;
    beforeAll(() => {
      const result = compose(['config']);
      expect(result.status).toBe(0);
      services = serviceBlocks(result.stdout);
    });
    const service = (name: string) => {
      const block = services.get(name);
      if (block === undefined) throw new Error(`no service ${name} in the rendered compose file`);
      return block;
    };

    it('checks the health of Redis, PostgreSQL, the API, the worker and the dashboard', () => {
      expect(service('redis')).toMatch(/image: redis:7-alpine/);
      expect(service('redis')).toMatch(/healthcheck:[\s\S]*- redis-cli\n\s*- ping/);
      expect(service('postgres')).toMatch(/image: postgres:16-alpine/);
      expect(service('postgres')).toMatch(/healthcheck:[\s\S]*- pg_isready/);
      expect(service('server')).toMatch(/healthcheck:[\s\S]*http:\/\/127\.0\.0\.1:4000\/readyz/);
      expect(service('worker')).toMatch(/WORKER_METRICS_PORT: '9100'/);
      expect(service('worker')).toMatch(/healthcheck:[\s\S]*http:\/\/127\.0\.0\.1:9100\/healthz/);
      expect(service('dashboard')).toMatch(/healthcheck:[\s\S]*http:\/\/127\.0\.0\.1:3000\//);
    });

    it('starts the API only on a healthy Redis and PostgreSQL, and the worker and dashboard after the API', () => {
      expect(service('server')).toMatch(
        /depends_on:\n\s+postgres:\n\s+condition: service_healthy\n\s+redis:\n\s+condition: service_healthy/,
      );
      expect(service('worker')).toMatch(/depends_on:[\s\S]*server:\n\s+condition: service_healthy/);
      expect(service('dashboard')).toMatch(/depends_on:\n\s+server:\n\s+condition: service_healthy/);
    });

    it('runs the API, the worker and the dashboard from one image built from the Dockerfile', () => {
      for (const name of ['server', 'worker', 'dashboard']) {
        expect(service(name)).toMatch(/build:\n\s+context: .+\n\s+target: runtime/);
        expect(service(name)).toContain('image: onair:local');
      }
      expect(service('server')).toMatch(/- '@onair\/server'\n\s+- start/);
      expect(service('worker')).toMatch(/- '@onair\/server'\n\s+- worker/);
      expect(service('dashboard')).toMatch(/- '@onair\/dashboard'\n\s+- start/);
    });

    it('configures the API and the worker for production on PostgreSQL and Redis', () => {
      for (const name of ['server', 'worker']) {
        expect(service(name)).toContain('NODE_ENV: production');
        expect(service(name)).toContain('DATABASE_URL: postgres://onair:onair@postgres:5432/onair');
        expect(service(name)).toContain('REDIS_URL: redis://redis:6379');
        expect(service(name)).toContain(`OPERATOR_TOKEN: ${operatorToken}`);
      }
      expect(service('server')).toMatch(/WORKER: "?off"?/);
      expect(service('server')).toContain('published: 4000');
      expect(service('dashboard')).toContain('API_URL: http://server:4000');
      expect(service('dashboard')).toContain('published: 3000');
    });

    it('puts the load balancer, the API replicas and the worker replicas in the scale profile only', () => {
      for (const name of ['lb', 'api', 'workers']) expect(service(name)).toMatch(/profiles:\n\s+- scale/);
      for (const name of ['redis', 'postgres', 'server', 'worker', 'dashboard']) {
        expect(service(name)).not.toContain('profiles:');
      }
    });

    it('runs API_REPLICAS API instances without a host port, behind the load balancer only', () => {
      const api = service('api');
      expect(api).toMatch(/deploy:\n\s+replicas: 3/);
      expect(api).not.toContain('ports:');
      expect(api).toMatch(/WORKER: "?off"?/);
      expect(api).toContain("TRUST_PROXY: '1'");
      expect(api).toMatch(/- '@onair\/server'\n\s+- start/);
      expect(api).toMatch(/healthcheck:[\s\S]*http:\/\/127\.0\.0\.1:4000\/readyz/);
      expect(api).toMatch(/depends_on:\n\s+server:\n\s+condition: service_healthy/);
      const more = compose(['config'], { OPERATOR_TOKEN: operatorToken, API_REPLICAS: '6', WORKER_REPLICAS: '4' });
      expect(serviceBlocks(more.stdout).get('api')).toMatch(/replicas: 6/);
      expect(serviceBlocks(more.stdout).get('workers')).toMatch(/replicas: 4/);
    });

    it('runs WORKER_REPLICAS worker processes with their health endpoint', () => {
      const workers = service('workers');
      expect(workers).toMatch(/deploy:\n\s+replicas: 2/);
      expect(workers).toMatch(/- '@onair\/server'\n\s+- worker/);
      expect(workers).toMatch(/healthcheck:[\s\S]*http:\/\/127\.0\.0\.1:9100\/healthz/);
      expect(workers).not.toContain('ports:');
    });

    it('publishes the load balancer from the official nginx image with the committed configuration', () => {
      const lb = service('lb');
      expect(lb).toMatch(/image: nginx:1\.28-alpine/);
      expect(lb).toContain('published: 8080');
      expect(lb).toMatch(/deploy\/compose\/nginx\.conf:\/etc\/nginx\/conf\.d\/default\.conf:ro/);
      expect(lb).toMatch(/depends_on:\n\s+api:\n\s+condition: service_healthy/);
    });

    it('publishes Redis on loopback only, on the port pnpm dev asks for', () => {
      expect(service('redis')).toContain('- 127.0.0.1:6379:6379/tcp');
      const moved = compose(['config'], { OPERATOR_TOKEN: operatorToken, REDIS_PORT: '6391' });
      expect(serviceBlocks(moved.stdout).get('redis')).toContain('- 127.0.0.1:6391:6379/tcp');
      expect(service('postgres')).not.toContain('published');
    });
  });
});

describe("the scale profile's load balancer (deploy/compose/nginx.conf)", () => {
  const config = readFileSync(join(root, 'deploy/compose/nginx.conf'), 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter(Boolean)
    .join('\n');
  const directive = (name: string) => new RegExp(`^${name} [^;]+;$`, 'm').exec(config)?.[0];

  it('streams SSE through: no buffering, no gzip, long read timeouts', () => {
    expect(directive('proxy_buffering')).toBe('proxy_buffering off;');
    expect(directive('gzip')).toBe('gzip off;');
    expect(directive('proxy_read_timeout')).toBe('proxy_read_timeout 1h;');
    expect(directive('proxy_send_timeout')).toBe('proxy_send_timeout 1h;');
    // X-Accel-Buffering (which OnAir sends) is honoured unless nginx is told to ignore it.
    expect(config).not.toContain('proxy_ignore_headers');
  });

  it('keeps HTTP/1.1 connections alive to every API replica, without sticky sessions', () => {
    expect(directive('proxy_http_version')).toBe('proxy_http_version 1.1;');
    expect(directive('proxy_set_header Connection')).toBe('proxy_set_header Connection "";');
    expect(directive('keepalive')).toMatch(/^keepalive \d+;$/);
    expect(directive('server api:4000')).toBe('server api:4000 resolve;');
    expect(config).not.toMatch(/^(ip_hash|hash|sticky)\b/m);
    expect(directive('listen')).toBe('listen 8080;');
  });

  it('tells the instances who the client is, as the one proxy they trust', () => {
    expect(directive('proxy_set_header X-Forwarded-For')).toBe('proxy_set_header X-Forwarded-For $remote_addr;');
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const dockerignore = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');

  it('builds with the pinned pnpm from the lockfile, and has the stage that compose targets', () => {
    expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim AS base$/m);
    expect(dockerfile).toMatch(/^FROM base AS runtime$/m);
    expect(dockerfile).toContain('npm i -g pnpm@12.4.2');
    const packageManager = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager;
    expect(packageManager).toBe('pnpm@12.4.2');
    expect(dockerfile).toContain('pnpm install --frozen-lockfile');
    expect(dockerfile).toMatch(/^RUN pnpm build$/m);
  });

  it('has ffmpeg in the runtime image, for the worker', () => {
    const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
    expect(runtime).toMatch(/apt-get install -y --no-install-recommends ffmpeg/);
  });

  it('runs as the unprivileged node user', () => {
    const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
    expect(runtime).toMatch(/^USER node$/m);
  });

  it('keeps local state and installed modules out of the build context', () => {
    for (const pattern of ['**/node_modules', '**/dist', '**/.next', '.data', '.git', '.env']) {
      expect(dockerignore).toContain(pattern);
    }
  });
});
