// One client of the mixed flood (e2e/mixed-flood.ts), in a process of its own as real clients are, and plain
// JavaScript so that it starts at once: `poster` keeps posting a multipart body and honours Retry-After; `prober` times
// GET /api/health every 100 ms. All clients start together at `from` and stop at `until`; each prints one JSON line.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const [role, url, from, until, bodyFile] = process.argv.slice(2);
const statuses = {};
const latenciesMs = [];
const loopDelaysMs = []; // the server's own event-loop delay (max since the previous probe), from /api/health
const count = (key) => (statuses[key] = (statuses[key] ?? 0) + 1);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const body = bodyFile ? readFileSync(bodyFile) : null;
const boundary = body ? /^--(.+)\r\n/.exec(body.subarray(0, 200).toString('latin1'))[1] : null;
// The prober's first fetch in a fresh process loads undici and opens its connection (40-50 ms on an idle machine, far
// more among 17 processes starting at once): the prober's own start, not the server's answer, so it is made unmeasured.
if (role === 'prober') await fetch(url).then((response) => response.arrayBuffer(), () => {});
await sleep(Number(from) - Date.now());
while (Date.now() < Number(until)) {
  const sent = performance.now();
  if (role === 'prober') {
    try {
      const response = await fetch(url);
      count(response.status);
      const delay = (await response.json()).eventLoopDelay;
      if (delay) loopDelaysMs.push(delay.maxMs);
    } catch {
      count('network');
    }
    latenciesMs.push(performance.now() - sent);
    await sleep(100);
    continue;
  }
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body });
    await response.arrayBuffer();
    count(response.status);
    if (response.status === 200) latenciesMs.push(performance.now() - sent);
    if (response.status === 503) await sleep(Number(response.headers.get('retry-after') ?? 1) * 1000);
  } catch {
    // a refused upload is cut off while still being sent: the client sees the connection close, and retries
    count('closed');
    await sleep(1000);
  }
}
console.log(JSON.stringify({ statuses, latenciesMs, loopDelaysMs }));
