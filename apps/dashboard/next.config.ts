import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // The workspace packages are TypeScript source, compiled by the app that uses them.
  transpilePackages: ['@onair/client', '@onair/api'],
  // Compression buffers responses, which would hold back Server-Sent Events passing through /api/trpc.
  compress: false,
  poweredByHeader: false,
  // One line per proxied call would bury the API's own logs under `pnpm dev`.
  logging: { incomingRequests: false },
  // `pnpm typecheck` type-checks the dashboard (`next typegen && tsc --noEmit`, its own turbo task,
  // run by CI before the tests), as create-t3-turbo does: a second check inside `next build` was
  // half of the build's time (27 s of 56 s on the 2-core machine) for the same program.
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;
