import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // The workspace packages are TypeScript source, compiled by the app that uses them.
  transpilePackages: ['@onair/client', '@onair/api'],
  // Compression buffers responses, which would hold back Server-Sent Events passing through /api/trpc.
  compress: false,
  poweredByHeader: false,
};

export default nextConfig;
