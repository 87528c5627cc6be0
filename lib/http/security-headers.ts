// The Content-Security-Policy and the other security headers, shared by next.config.ts and proxy.ts.

const directives = (scriptSource: string) => [
  "default-src 'self'",
  `script-src ${scriptSource}`,
  // React writes style attributes (bar widths); a nonce cannot cover attributes
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
];

/** Pages rendered for a GET: Next puts this request's nonce on its own scripts; nothing inline runs without it. */
export function pagePolicy(nonce: string, development = process.env.NODE_ENV === 'development'): string {
  return directives(`'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ''}`).join('; ');
}

/** Everything else (API answers, a form's answer to a POST): no inline script at all. */
export const staticPolicy = directives("'self'").join('; ');

export const otherSecurityHeaders = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'X-Frame-Options', value: 'DENY' },
  // not no-referrer: with it Chromium sends "Origin: null" on a form POST, and Next refuses the server action (the no-JS form)
  { key: 'Referrer-Policy', value: 'same-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
];
