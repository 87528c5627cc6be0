import { NextResponse, type NextRequest } from 'next/server';
import { examplesFor, findExample, type ExamplePage } from './lib/examples/catalogue';
import { megabytes } from './lib/format';
import { pagePolicy } from './lib/http/security-headers';
import { MAX_SLICE_UPLOAD_BYTES, MAX_VOLUME_UPLOAD_BYTES } from './lib/limits';

// Runs before Next for three things only: a fresh CSP nonce on every page rendered for a GET, a 400 for an example name
// that is not on the list, and refusing a form body that is too large or unmeasured before Next's server-action parser
// reads any of it. Matched bodies are never read
// (Next would buffer them), so the matchers let through no POST that is allowed.

const volumePage = '/volume';

/** Is the Origin well formed, by the matcher's own pattern (read back, so the two can never differ)? */
function wellFormedOrigin(origin: string): boolean {
  const rules = config.matcher.flatMap((m) => ('missing' in m ? (m.missing as Array<{ key: string; value?: string }>) : []));
  const pattern = rules.find((h) => h.key === 'origin' && h.value)!.value;
  return new RegExp(`^${pattern}$`).test(origin);
}

function refusal(status: 403 | 411 | 413 | 415, message: string): Response {
  const page = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Upload refused</title>
<body style="font-family: sans-serif; max-width: 40rem; margin: 3rem auto"><h1>Upload refused</h1><p role="alert" data-testid="upload-error">${message}</p>
<p><a href="javascript:history.back()">Go back</a> and choose a smaller file.</p></body></html>`;
  return new Response(page, { status, headers: { 'Content-Type': 'text/html; charset=utf-8', Connection: 'close', 'Cache-Control': 'no-store' } });
}

/** A 400 for ?example= naming no example of that page (a page itself cannot answer 400). */
function unknownExample(url: URL): Response | null {
  const name = url.searchParams.get('example');
  const page = url.pathname as ExamplePage;
  if (name === null || !['/predict', '/volume'].includes(page) || findExample(page, name)) return null;
  const names = examplesFor(page).map((example) => `<li><a href="${page}?example=${example.name}">${example.title}</a></li>`).join('');
  const body = `<!doctype html><html lang="en"><meta charset="utf-8"><title>No such example</title>
<body style="font-family: sans-serif; max-width: 40rem; margin: 3rem auto"><h1>No such example</h1><p role="alert" data-testid="upload-error">There is no example of that name. The examples are:</p><ul>${names}</ul></body></html>`;
  return new Response(body, { status: 400, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' } });
}

export function proxy(request: NextRequest): Response {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    if (request.headers.has('origin') && !wellFormedOrigin(request.headers.get('origin')!)) {
      return refusal(403, 'The form was sent with a damaged or hidden Origin header. Reload the page and send it again.');
    }
    if ((request.headers.get('sec-fetch-site') ?? 'same-origin') !== 'same-origin') {
      return refusal(403, 'This form only accepts uploads from its own page on this site.');
    }
    const length = request.headers.get('content-length');
    if (length === null) return refusal(411, 'The upload was sent without a length. Send it from the form on this page.');
    const limit = request.nextUrl.pathname === volumePage ? MAX_VOLUME_UPLOAD_BYTES : MAX_SLICE_UPLOAD_BYTES;
    if (Number(length) > limit) return refusal(413, `The upload is ${megabytes(Number(length))}; the limit is ${megabytes(limit)}.`);
    return refusal(415, 'Send the form as multipart/form-data, as the page does.');
  }
  const refused = unknownExample(request.nextUrl);
  if (refused) return refused;
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const policy = pagePolicy(nonce);
  const headers = new Headers(request.headers);
  headers.set('x-nonce', nonce);
  headers.set('Content-Security-Policy', policy); // Next reads the nonce from here and puts it on its scripts
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('Content-Security-Policy', policy);
  return response;
}

// Literal patterns, as Next requires; test/proxy.test.ts checks them against lib/limits.ts.
export const config = {
  matcher: [
    {
      source: '/((?!api/|_next/static|_next/image|favicon.ico|model-card/).*)',
      missing: [{ type: 'header', key: 'content-type' }, { type: 'header', key: 'next-router-prefetch' }, { type: 'header', key: 'transfer-encoding' }],
    },
    // over the slice form's limit (10 MB and the multipart framing) anywhere but the volume form
    { source: '/((?!api/|volume$).*)', has: [{ type: 'header', key: 'content-length', value: '(0*[1-9]\\d{8,}|0*[2-9]\\d{7}|0*1[1-9]\\d{6}|0*10[6-9]\\d{5}|0*105[6-9]\\d{4}|0*1055[2-9]\\d{3}|0*10551[3-9]\\d{2}|0*1055129[7-9])' }] },
    // over the volume form's limit (160 MB and the framing)
    { source: '/volume', has: [{ type: 'header', key: 'content-length', value: '(0*[1-9]\\d{9,}|0*[2-9]\\d{8}|0*1[7-9]\\d{7}|0*16[8-9]\\d{6}|0*167[9-9]\\d{5}|0*1678[4-9]\\d{4}|0*16783[8-9]\\d{3}|0*167837[7-9]\\d{2}|0*16783769[7-9])' }] },
    // a body of unknown length
    { source: '/((?!api/).*)', has: [{ type: 'header', key: 'transfer-encoding' }] },
    // a browser says the post did not come from this site's own page, or the server found its Origin names another host
    // (lib/http/foreign-origin.ts); Next's own check would answer 500
    { source: '/((?!api/).*)', has: [{ type: 'header', key: 'sec-fetch-site' }], missing: [{ type: 'header', key: 'sec-fetch-site', value: 'same-origin' }] },
    // an Origin that is not scheme://host[:port] (Next's own check would throw on it and answer 500), or the hidden "null"
    {
      source: '/((?!api/).*)',
      has: [{ type: 'header', key: 'origin' }],
      missing: [{ type: 'header', key: 'origin', value: '[a-zA-Z][a-zA-Z0-9+.-]*://([A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.?|\\[[0-9A-Fa-f:.]+\\])(:([0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?' }],
    },
  ],
};
