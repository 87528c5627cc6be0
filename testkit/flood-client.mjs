// One client of the mixed flood (testkit/mixed-flood.ts), in a process of its own as real clients are, and plain
// JavaScript so that it starts at once: `poster` keeps posting a multipart body and honours Retry-After; `prober` times
// GET /api/health every 100 ms. Each client prints "ready" once it has loaded its body, then waits for one line on stdin,
// "<from> <until>" (epoch ms): all start together at `from`, stop at `until`, and print one JSON line.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const [role, url, bodyFile] = process.argv.slice(2);
const statuses = {};
const latenciesMs = [];
const loopDelaysMs = []; // the server's own event-loop delay (max since the previous probe), from /api/health
const count = (key) => (statuses[key] = (statuses[key] ?? 0) + 1);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Posts with node:http rather than fetch: fetch copies a buffer body whole on every request (300 MB of fresh memory per
// volume post, in undici's extractBody), and eight such clients took most of the two cores the server was measured on.
// http writes the one buffer as it is, as curl streams a file.
function post(target, body, contentType) {
  return new Promise((resolve, reject) => {
    const request = http.request(target, { method: 'POST', headers: { 'content-type': contentType, 'content-length': body.length } }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode, retryAfter: response.headers['retry-after'] }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

const body = bodyFile ? readFileSync(bodyFile) : null;
const boundary = body ? /^--(.+)\r\n/.exec(body.subarray(0, 200).toString('latin1'))[1] : null;
// The prober's first fetch in a fresh process loads undici and opens its connection (40-50 ms on an idle machine, far
// more among 17 processes starting at once): the prober's own start, not the server's answer, so it is made unmeasured.
if (role === 'prober') await fetch(url).then((response) => response.arrayBuffer(), () => {});
console.log('ready');
const [from, until] = String((await once(process.stdin, 'data'))[0]).trim().split(' ').map(Number);
process.stdin.destroy();
await sleep(from - Date.now());
while (Date.now() < until) {
  const sent = performance.now();
  if (role === 'prober') {
    try {
      const response = await fetch(url);
      count(response.status);
      const delay = (await response.json()).eventLoopDelay;
      // the first probe's figure covers the time since the warm-up fetch, before the flood began
      if (delay && latenciesMs.length > 0) loopDelaysMs.push(delay.maxMs);
    } catch {
      count('network');
    }
    latenciesMs.push(performance.now() - sent);
    await sleep(100);
    continue;
  }
  try {
    const { status, retryAfter } = await post(url, body, `multipart/form-data; boundary=${boundary}`);
    count(status);
    if (status === 200) latenciesMs.push(performance.now() - sent);
    if (status === 503) await sleep(Number(retryAfter ?? 1) * 1000);
  } catch {
    // a refused upload is cut off while still being sent: the client sees the connection close, and retries
    count('closed');
    await sleep(1000);
  }
}
console.log(JSON.stringify({ statuses, latenciesMs, loopDelaysMs }));
