import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

const here = dirname(fileURLToPath(import.meta.url));

const nextConfig: NextConfig = {
  // A self-contained server for the Docker image; tracing starts at the monorepo root so the
  // workspace packages it imports are included.
  output: 'standalone',
  outputFileTracingRoot: resolve(here, '../..'),
  turbopack: { root: resolve(here, '../..') },
  transpilePackages: ['@reachline/shared'],
  serverExternalPackages: ['mongoose', 'mongodb', 'ioredis'],
  poweredByHeader: false,
  reactStrictMode: true,
  // forbidden(): a 403 page for a signed-in user without the role (lib/auth/guard.ts).
  experimental: { authInterrupts: true },
};

export default nextConfig;
