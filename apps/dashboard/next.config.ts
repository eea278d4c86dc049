import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // The workspace packages are TypeScript source, compiled by the app that uses them.
  transpilePackages: ['@onair/client', '@onair/api'],
  // Compression buffers responses, which would hold back Server-Sent Events passing through /api/trpc.
  compress: false,
  poweredByHeader: false,
  // One line per proxied call would bury the API's own logs under `pnpm dev`.
  logging: { incomingRequests: false },
};

export default nextConfig;
