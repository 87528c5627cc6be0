// Limits mirror lib/limits.ts (a .mjs config cannot import TypeScript): keep them equal.
const MAX_VOLUME_UPLOAD_MB = 40;

process.env.NEXT_TELEMETRY_DISABLED ??= '1';
process.env.ORT_DISABLE_TELEMETRY ??= '1';

const securityHeaders = [
  {
    key: 'Content-Security-Policy',
    value: [
      "default-src 'self'",
      // Next.js inlines its bootstrap scripts; without a nonce setup they need 'unsafe-inline'
      "script-src 'self' 'unsafe-inline'" + (process.env.NODE_ENV === 'development' ? " 'unsafe-eval'" : ''),
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "font-src 'self'",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; '),
  },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'X-Frame-Options', value: 'DENY' },
  // not no-referrer: with it Chromium sends "Origin: null" on a form POST, and Next refuses the server action (the no-JS form)
  { key: 'Referrer-Policy', value: 'same-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // native addons are loaded by Node at run time, not bundled
  serverExternalPackages: ['onnxruntime-node', 'sharp', 'formidable'],
  experimental: {
    serverActions: {
      // the largest upload a form accepts (a volume); lib/validation gives the clear message for each form's own limit
      bodySizeLimit: `${MAX_VOLUME_UPLOAD_MB + 1}mb`,
    },
  },
  async headers() {
    return [
      { source: '/:path*', headers: securityHeaders },
      { source: '/predict', headers: [{ key: 'Cache-Control', value: 'no-store' }] },
      { source: '/volume', headers: [{ key: 'Cache-Control', value: 'no-store' }] },
      { source: '/api/:path*', headers: [{ key: 'Cache-Control', value: 'no-store' }] },
    ];
  },
};

export default nextConfig;
