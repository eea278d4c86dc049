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

  it('has the five services', () => {
    const result = compose(['config', '--services']);
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n').sort()).toEqual(['dashboard', 'postgres', 'redis', 'server', 'worker']);
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

    it('publishes Redis on loopback only, on the port pnpm dev asks for', () => {
      expect(service('redis')).toContain('- 127.0.0.1:6379:6379/tcp');
      const moved = compose(['config'], { OPERATOR_TOKEN: operatorToken, REDIS_PORT: '6391' });
      expect(serviceBlocks(moved.stdout).get('redis')).toContain('- 127.0.0.1:6391:6379/tcp');
      expect(service('postgres')).not.toContain('published');
    });
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
