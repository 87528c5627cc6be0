import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import fc from 'fast-check';
import { BOUNDARY, fixture, multipartBody } from '../testkit/client';
import { largestVolumeBody, mixedFlood } from '../testkit/mixed-flood';
import { processMemory, startServer, type ServerProcess } from '../testkit/server-process';

// No single request can stop the server: bodies without a length, senders that stall, the most common clients,
// generated requests, and a flood of the largest volumes beside slices, on a server of its own whose memory is read.

test.describe.configure({ mode: 'serial', timeout: 240_000 });

const IDLE_SECONDS = 2;
let server: ServerProcess;
test.beforeAll(async () => {
  server = await startServer({ env: { BODY_IDLE_TIMEOUT_S: String(IDLE_SECONDS) } });
});
test.afterAll(async () => {
  await server?.stop();
});

const slice = readFileSync(fixture('tumour-flair.png'));
const sliceBody = multipartBody([{ name: 'flair', filename: 'slice.png', contentType: 'image/png', data: slice }], BOUNDARY);
const port = () => Number(new URL(server.url).port);

/** Sends `chunks` with Transfer-Encoding: chunked, waiting `pauseMs` between them; resolves with the status. */
function sendChunked(path: string, contentType: string, chunks: () => Iterable<Buffer>, pauseMs = 0): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port: port(), path, method: 'POST', headers: { 'content-type': contentType, 'transfer-encoding': 'chunked' } });
    request.on('response', (response) => {
      let body = '';
      response.on('data', (c) => (body += c));
      response.on('end', () => resolve({ status: response.statusCode!, body }));
    });
    request.on('error', reject);
    (async () => {
      for (const chunk of chunks()) {
        if (request.destroyed) return;
        const flushed = request.write(chunk);
        if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
        else if (!flushed) await new Promise((r) => request.once('drain', r));
      }
      request.end();
    })().catch(() => {});
  });
}

test('a streamed body with no length is counted and refused at the limit, whatever its content type says', async () => {
  const before = processMemory(server.pid).rssMb;
  const megabyte = Buffer.alloc(1024 * 1024, 120);
  const huge = () => (function* () {
    for (let i = 0; i < 300; i++) yield megabyte;
  })();
  // formidable's octet-stream plugin matched this by substring and buffered all of it (1 GB took the server to 2.2 GB)
  const octet = await sendChunked('/api/predict', 'multipart/form-data; boundary=octet-stream', huge);
  expect(octet.status).toBe(413);
  const json = await sendChunked('/api/predict', 'application/json', huge);
  expect(json.status).toBe(415);
  const volume = await sendChunked('/api/volume', `multipart/form-data; boundary=${BOUNDARY}`, huge);
  expect(volume.status).toBe(413);
  expect(processMemory(server.pid).rssMb - before, 'memory taken by 900 MB of refused bodies').toBeLessThan(100);
  expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
});

test('a body that stops sending is cut off after the idle deadline; a slow but moving one is answered', async () => {
  const half = sliceBody.subarray(0, sliceBody.length >> 1);
  const stalled = new Promise<{ status: number; ms: number }>((resolve, reject) => {
    const started = Date.now();
    const request = http.request({ host: '127.0.0.1', port: port(), path: '/api/predict', method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'content-length': String(sliceBody.length) } });
    request.on('response', (response) => {
      response.resume();
      resolve({ status: response.statusCode!, ms: Date.now() - started });
      request.destroy();
    });
    request.on('error', reject);
    request.write(half); // and then nothing
  });
  const { status, ms } = await stalled;
  expect(status).toBe(408);
  expect(ms).toBeGreaterThanOrEqual(IDLE_SECONDS * 1000 - 100);
  expect(ms).toBeLessThan(IDLE_SECONDS * 1000 + 5000);

  // twelve pieces, 700 ms apart: about 8 s in all, four times the idle deadline, but never idle for long
  const pieces = Array.from({ length: 12 }, (_, i) => sliceBody.subarray(Math.floor((i * sliceBody.length) / 12), Math.floor(((i + 1) * sliceBody.length) / 12)));
  const slow = await sendChunked('/api/predict', `multipart/form-data; boundary=${BOUNDARY}`, () => pieces, 700);
  expect(slow.status, slow.body.slice(0, 200)).toBe(200);
  expect(JSON.parse(slow.body).label).toBe('Tumor');
});

test("Python's requests (no Content-Type on the file part) and curl both get an answer", async () => {
  const script = `import requests, sys
r = requests.post(sys.argv[1] + "/api/predict", files={"flair": open(sys.argv[2], "rb")})
print(r.status_code, r.json()["label"])`;
  const python = execFileSync('/usr/bin/python3', ['-c', script, server.url, fixture('tumour-flair.png')], { encoding: 'utf8' });
  expect(python.trim()).toBe('200 Tumor');
  const curl = execFileSync('curl', ['-s', '-F', `flair=@${fixture('tumour-flair.png')}`, `${server.url}/api/predict`], { encoding: 'utf8' });
  expect(JSON.parse(curl).label).toBe('Tumor');
  const curlVolume = execFileSync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-F', `flair=@${fixture('brats-pat0001-flair.nii.gz')}`, `${server.url}/api/volume`], { encoding: 'utf8' });
  expect(curlVolume).toBe('200');
});

/** One raw request over a socket; the status line, or 'closed' when the server hangs up without one. */
function rawRequest(bytes: Buffer, deadlineMs: number): Promise<number | 'closed' | 'hang'> {
  return new Promise((resolve) => {
    const socket = net.connect(port(), '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('hang');
    }, deadlineMs);
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(answer);
      if (status) {
        clearTimeout(timer);
        socket.destroy();
        resolve(Number(status[1]));
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve('closed');
    });
    socket.end(bytes); // half-close: the server sees where the request ends
  });
}

test('300 generated requests over HTTP: methods, paths, headers, framing and bodies; never a 5xx or a hang', async () => {
  const niftiHeader = gzipSync(readFileSync(fixture('brats-pat0001-flair.nii.gz')).subarray(0, 2000));
  const request = fc.record({
    method: fc.constantFrom('POST', 'POST', 'POST', 'PUT', 'GET', 'OPTIONS', 'PATCH'),
    path: fc.constantFrom('/api/predict', '/api/volume', '/predict', '/volume', '/', '/api/health', '/api/predict?force=true'),
    contentType: fc.constantFrom(`multipart/form-data; boundary=${BOUNDARY}`, 'multipart/form-data; boundary=octet-stream', 'application/json',
      'application/octet-stream', 'text/plain', 'multipart/form-data', `multipart/mixed; boundary=${BOUNDARY}`, ''),
    length: fc.constantFrom('exact', 'none', 'short', 'long', 'chunked', 'garbage'),
    // well formed but another origin: evil.example, and this host on another port
    origin: fc.constantFrom(null, 'null', '%%%', 'http://[::1', 'http://evil.example', 'http://127.0.0.1'),
    fetchSite: fc.constantFrom(null, 'cross-site', 'same-origin', 'none'),
    action: fc.constantFrom(null, 'abc', '0'.repeat(42)),
    body: fc.oneof(
      fc.constant(sliceBody),
      fc.constant(multipartBody([{ name: 'flair', filename: 'v.nii.gz', data: niftiHeader }], BOUNDARY)),
      fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b)),
      fc.tuple(fc.nat(sliceBody.length), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([at, noise]) => Buffer.concat([sliceBody.subarray(0, at), noise, sliceBody.subarray(at)])),
    ),
  });
  const samples = fc.sample(request, { numRuns: 300, seed: 42 });
  const outcomes = new Map<string, number>();
  for (const r of samples) {
    const headers = [`${r.method} ${r.path} HTTP/1.1`, `Host: 127.0.0.1:${port()}`, 'Connection: close'];
    if (r.contentType) headers.push(`Content-Type: ${r.contentType}`);
    if (r.origin) headers.push(`Origin: ${r.origin}`);
    if (r.fetchSite) headers.push(`Sec-Fetch-Site: ${r.fetchSite}`);
    if (r.action) headers.push(`Next-Action: ${r.action}`);
    let body = r.body;
    if (r.length === 'exact') headers.push(`Content-Length: ${body.length}`);
    if (r.length === 'short') headers.push(`Content-Length: ${Math.max(0, body.length - 100)}`);
    if (r.length === 'long') headers.push(`Content-Length: ${body.length + 100}`);
    if (r.length === 'garbage') headers.push('Content-Length: 12abc');
    if (r.length === 'chunked') {
      headers.push('Transfer-Encoding: chunked');
      body = Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]);
    }
    const outcome = await rawRequest(Buffer.concat([Buffer.from(headers.join('\r\n') + '\r\n\r\n'), body]), 20_000);
    outcomes.set(String(outcome), (outcomes.get(String(outcome)) ?? 0) + 1);
    expect(typeof outcome === 'number' ? outcome < 500 : outcome === 'closed', `${JSON.stringify({ ...r, body: r.body.length })} -> ${outcome}`).toBe(true);
  }
  test.info().annotations.push({ type: 'http fuzz', description: JSON.stringify(Object.fromEntries(outcomes)) });
  expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
});

test("a form post whose Origin names another host gets 403 and a page, not Next's 500, as a fetch action and as a plain form", async () => {
  const forged = [
    { origin: 'http://evil.example', action: '0'.repeat(42) },
    { origin: 'http://evil.example', action: null },
    { origin: 'http://127.0.0.1', action: '0'.repeat(42) }, // this host on another port
    { origin: `http://localhost:${port()}`, action: null, forwardedHost: 'proxy.example' }, // a proxy's X-Forwarded-Host wins
  ];
  for (const { origin, action, forwardedHost } of forged) {
    const headers: Record<string, string> = { origin, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` };
    if (action) headers['next-action'] = action;
    if (forwardedHost) headers['x-forwarded-host'] = forwardedHost;
    const response = await fetch(`${server.url}/predict`, { method: 'POST', headers, body: new Uint8Array(sliceBody) });
    expect(response.status, JSON.stringify({ origin, action, forwardedHost })).toBe(403);
    expect(await response.text()).toContain('only accepts uploads from its own page');
  }
  // the same post from this host's own origin reaches Next's action handler, which answers the unknown action id with a 4xx
  const own = await fetch(`${server.url}/predict`, { method: 'POST', headers: { origin: server.url, 'next-action': '0'.repeat(42), 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, body: new Uint8Array(sliceBody) });
  expect(own.status).not.toBe(403);
  expect(own.status).toBeLessThan(500);
  // and the API keeps its own rule: a foreign Origin without cross-site fetch metadata is a program, and is answered
  const api = await fetch(`${server.url}/api/predict`, { method: 'POST', headers: { origin: 'http://evil.example', 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, body: new Uint8Array(sliceBody) });
  expect(api.status).toBe(200);
});

test('8 clients send the largest volumes and 8 send slices: memory stays bounded, both keep being answered, health stays quick', async () => {
  const volumeBody = await largestVolumeBody();
  const report = await mixedFlood(server, { seconds: 60, volumeClients: 8, sliceClients: 8, volumeBody, sliceBody });
  test.info().annotations.push({ type: 'mixed flood', description: JSON.stringify(report) });
  console.log(JSON.stringify(report));
  expect(report.peakRssMb).toBeLessThanOrEqual(600);
  expect(report.volumes.ok).toBeGreaterThanOrEqual(1);
  expect(report.slices.ok).toBeGreaterThanOrEqual(30);
  expect(report.volumes.other, 'volumes: only 200 and 503').toEqual({});
  expect(report.slices.other, 'slices: only 200 and 503').toEqual({});
  expect(report.healthFailures).toBe(0);
  // The p99 target (500 ms) is measured by `npm run bench`, not asserted by a timed test; here health must never hang
  expect(report.healthMaxMs).toBeLessThanOrEqual(10_000);
});
