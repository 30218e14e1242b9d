import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * A static policy, not a per-request nonce: Next.js's App Router writes its own inline scripts
 * (the RSC payload), so without nonces `script-src` needs 'unsafe-inline'; a nonce would need a
 * proxy on every request and dynamic rendering of every page for little gain here, because React
 * escapes every text the dashboard shows (no HTML from data is ever rendered). What the policy
 * does buy: no script, style or connection from another origin, no plugins, no <base> or form
 * target elsewhere, and no framing (clickjacking). nivo draws SVG with inline styles.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Sent with every page, route handler and static file. */
const SECURITY_HEADERS = [
  { key: 'Content-Security-Policy', value: CONTENT_SECURITY_POLICY },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'same-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
];

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
  headers: () => Promise.resolve([{ source: '/:path*', headers: SECURITY_HEADERS }]),
};

export default nextConfig;
