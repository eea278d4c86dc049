import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestEnvironment, type TestEnvironment, type TestServer } from './support/server';

/**
 * @onair/client as a stranger gets it: packed, installed with npm into a plain Node project outside
 * the workspace, type-checked there, bundled for a browser, and run against a real server.
 */
const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../..', import.meta.url));
const clientDir = join(repo, 'packages/client');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/** Newest modification time under a folder (the client's and the API's sources). */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

function builtIsCurrent(): boolean {
  try {
    const built = statSync(join(clientDir, 'dist/index.d.ts')).mtimeMs;
    return built >= Math.max(newest(join(clientDir, 'src')), newest(join(repo, 'packages/api/src')));
  } catch {
    return false;
  }
}

let world: TestEnvironment;
let server: TestServer;
let project: string;

beforeAll(async () => {
  // `pnpm test` builds it first (turbo); run alone, this test builds what it packs.
  if (!builtIsCurrent()) await run('pnpm', ['run', 'build'], { cwd: clientDir });
  project = mkdtempSync(join(tmpdir(), 'onair-client-consumer-'));
  const packed = await run('pnpm', ['pack', '--pack-destination', project], { cwd: clientDir });
  const tarball = packed.stdout.trim().split('\n').at(-1) ?? '';
  expect(tarball).toMatch(/onair-client-0\.1\.0\.tgz$/);
  // The example, as a newcomer would copy it, with the packed client instead of the registry's.
  copyFileSync(join(repo, 'examples/watch-live/watch-live.mjs'), join(project, 'watch-live.mjs'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: project });

  world = await createTestEnvironment('pglite');
  server = await world.start();
}, 300_000);

afterAll(async () => {
  await world?.cleanup();
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('@onair/client, packed and installed outside the workspace', () => {
  it('ships ESM and one declaration file that names only its declared dependencies', () => {
    const installed = join(project, 'node_modules/@onair/client');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    expect(manifest.private).toBeUndefined();
    expect(manifest.exports['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' });
    const declared = Object.keys(manifest.dependencies);
    expect(declared).toEqual(expect.arrayContaining(['@trpc/client', 'eventsource']));
    for (const file of ['dist/index.d.ts', 'dist/index.js']) {
      const text = readFileSync(join(installed, file), 'utf8');
      for (const [, specifier = ''] of text.matchAll(/\bfrom ['"]([^'"]+)['"]/g)) {
        expect(declared.some((name) => specifier === name || specifier.startsWith(`${name}/`))).toBe(true);
      }
      expect(text).not.toMatch(/@onair\/api|ioredis|bullmq|drizzle/);
    }
  });

  it('type-checks a strict TypeScript program against it, and refuses a wrong call', async () => {
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          lib: ['es2023', 'esnext.disposable', 'dom'],
          types: [],
          noEmit: true,
          skipLibCheck: false,
        },
        include: ['check.mts'],
      }),
    );
    writeFileSync(
      join(project, 'check.mts'),
      [
        "import { createOnAirClient, type RouterOutputs } from '@onair/client';",
        "const onair = createOnAirClient({ url: 'http://localhost:4000/trpc' });",
        "export async function status(id: string): Promise<'SCHEDULED' | 'LIVE' | 'ENDED'> {",
        "  const live: RouterOutputs['live']['get'] = await onair.live.get.query({ id });",
        '  return live.status;',
        '}',
        "export const joined = (liveId: string) => onair.viewer.join.mutate({ liveId, viewerId: 'v' }).then((r) => r.joined);",
        '// @ts-expect-error liveId is a string',
        'export const wrong = () => onair.viewer.join.mutate({ liveId: 1, viewerId: 2 });',
      ].join('\n'),
    );
    // Without skipLibCheck: the shipped declarations must compile on their own.
    const checked = await run(process.execPath, [tsc, '-p', project]).catch((error: { stdout: string }) => error);
    expect(checked.stdout).toBe('');
  }, 180_000);

  it('bundles for the browser', async () => {
    writeFileSync(
      join(project, 'browser.mjs'),
      "import { createOnAirClient } from '@onair/client';\nwindow.onair = createOnAirClient({ url: '/trpc' });\n",
    );
    const result = await build({
      entryPoints: [join(project, 'browser.mjs')],
      absWorkingDir: project,
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    expect(result.outputFiles[0]?.text).toContain('createTRPCClient');
  });

  it('runs the watch-live example against a real server: joins, prints the counts, stops at the end', async () => {
    const live = await server.operator.live.create.mutate({ title: 'Packed client' });
    await server.operator.live.start.mutate({ id: live.id });
    let output = '';
    const example: ChildProcess = spawn(process.execPath, ['watch-live.mjs'], {
      cwd: project,
      env: { ...process.env, API_URL: server.url, LIVE_ID: live.id, VIEWER_ID: 'packed-viewer' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => example.once('exit', (code) => resolve(code)));
    example.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    example.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    try {
      await vi.waitFor(() => expect(output).toContain('LIVE: 1 watching'), { timeout: 20_000, interval: 50 });
      await server.client.viewer.join.mutate({ liveId: live.id, viewerId: 'another-viewer' });
      await vi.waitFor(() => expect(output).toContain('LIVE: 2 watching, peak 2'), { timeout: 20_000, interval: 50 });
      await server.operator.live.end.mutate({ id: live.id });
      expect(await exited).toBe(0);
    } finally {
      example.kill('SIGKILL');
    }
    expect(output).toContain('"Packed client" is LIVE');
    expect(output).toContain('joined as packed-viewer: 1 watching');
    expect(output).toMatch(/ENDED: \d+ watching/);
  });
});
