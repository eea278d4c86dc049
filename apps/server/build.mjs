import { cpSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

// One self-contained bundle per entrypoint, so `start` and `worker` run with plain `node`.
// PGlite loads its WebAssembly, and Bull Board its UI (@bull-board/ui), from their own package
// directories, so they stay external dependencies of @onair/server.
rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: ['src/main.ts', 'src/worker.ts'],
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  external: ['@electric-sql/pglite', '@bull-board/*'],
  // Bundled CommonJS dependencies still call require().
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  logLevel: 'warning',
});
// Files read at start, next to the bundle: migrations (see openDatabase), Lua scripts (see readLua).
cpSync('../../packages/api/src/infra/db/migrations', 'dist/migrations', { recursive: true });
// Every domain's scripts share one folder in dist/ (their names differ).
for (const domain of ['viewers', 'live'])
  cpSync(`../../packages/api/src/${domain}/lua`, 'dist/lua', { recursive: true });
