import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';

// Next refuses a server-action post whose Origin names another host than the one it was sent to (its CSRF check), but
// with a hard-coded 500. proxy.ts cannot compare two headers in its matcher, and running it on every form post would make
// Next buffer every body. So the server marks such a post as what it is, cross-site, as soon as Node has parsed its
// headers and before Next sees it; proxy.ts then refuses it with 403 as it does any cross-site form post.
// The API is left alone: it has its own cross-site rule (ALLOW_CROSS_SITE_API) and Next does not check its Origin.

/** Next's own comparison: the Origin's host against X-Forwarded-Host (first value) or else Host. */
export function namesAnotherHost(headers: IncomingMessage['headers']): boolean {
  const origin = headers.origin;
  if (typeof origin !== 'string' || origin === 'null') return false;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false; // a malformed Origin is refused by proxy.ts's own matcher
  }
  const forwarded = headers['x-forwarded-host'];
  const host = (Array.isArray(forwarded) ? forwarded[0] : forwarded?.split(',')[0]?.trim()) || headers.host;
  return originHost !== host;
}

export function isForeignFormPost(request: IncomingMessage): boolean {
  return request.method !== 'GET' && request.method !== 'HEAD' && !(request.url ?? '/').startsWith('/api/') && namesAnotherHost(request.headers);
}

/** Once per process (Next's instrumentation hook): mark every foreign form post cross-site before Next routes it. */
export function markForeignFormPosts(): void {
  const global = globalThis as unknown as { __foreignFormPosts?: boolean };
  if (global.__foreignFormPosts) return;
  global.__foreignFormPosts = true;
  subscribe('http.server.request.start', (message) => {
    const { request } = message as { request: IncomingMessage };
    if (isForeignFormPost(request)) request.headers['sec-fetch-site'] = 'cross-site';
  });
}
