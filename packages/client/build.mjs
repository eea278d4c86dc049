// Builds the published shape of @onair/client into dist/: one ESM file (its dependencies stay
// imports) and one self-contained index.d.ts with the API's router type bundled in. Inside the
// monorepo the package is used as source (package.json `exports`); `publishConfig.exports` points a
// packed or published copy at dist/.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { rollup } from 'rollup';
import { dts } from 'rollup-plugin-dts';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
/** What a consumer installs with the client (package.json `dependencies`); everything else is bundled. */
const external = ['@trpc/client', '@trpc/server', 'eventsource', 'zod'];
const isExternal = (id) => external.some((name) => id === name || id.startsWith(`${name}/`));

rmSync(here('dist'), { recursive: true, force: true });

await build({
  entryPoints: [here('src/index.ts')],
  outfile: here('dist/index.js'),
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  external,
  logLevel: 'warning',
});

// Declarations of the client and of the API it imports types from (tsconfig.build.json), then one
// bundle of them that keeps only what the client's exports reach.
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', here('tsconfig.build.json')], { stdio: 'inherit' });

const types = here('dist/.types/');
// The router's type carries the server's context (`Context.onair`: the composed server, with its
// Redis, database and queue types). A client never sees the context, so the composed server is
// declared empty instead of pulling the server's dependencies into the client's types.
const composedServer = `${types}composed-server.d.ts`;
writeFileSync(composedServer, '/** The composed OnAir server: not part of the client. */\nexport interface OnAir {}\n');
const bundle = await rollup({
  input: `${types}client/src/index.d.ts`,
  external: isExternal,
  plugins: [
    {
      name: 'onair-api-types',
      resolveId(source, importer) {
        // The client takes the router's type from the API, and nothing else.
        if (source === '@onair/api') return `${types}api/src/root.d.ts`;
        if (importer?.startsWith(`${types}api/src/trpc`) && source === './app') return composedServer;
        return null;
      },
    },
    dts({ respectExternal: true }),
  ],
  // The server's modules import its dependencies' types; what the client's exports do not reach is
  // dropped, and the check below proves that none of it is left.
  onwarn: (warning, warn) => warning.code === 'UNRESOLVED_IMPORT' || warn(warning),
});
await bundle.write({ file: here('dist/index.d.ts'), format: 'es' });
await bundle.close();
rmSync(types, { recursive: true, force: true });

for (const file of ['dist/index.d.ts', 'dist/index.js']) {
  const imported = [...readFileSync(here(file), 'utf8').matchAll(/\bfrom '([^']+)'/g)].map((match) => match[1]);
  const undeclared = imported.filter((specifier) => !isExternal(specifier));
  if (undeclared.length > 0) {
    throw new Error(`${file} imports ${undeclared.join(', ')}, which a consumer of @onair/client does not install`);
  }
}
