import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { isForeignFormPost, markForeignFormPosts, namesAnotherHost } from '../lib/http/foreign-origin';

test('an Origin names another host exactly when Next would refuse the action (Origin host against X-Forwarded-Host, else Host)', () => {
  const cases: Array<[Record<string, string>, boolean]> = [
    [{ host: 'scan.example:3000', origin: 'http://scan.example:3000' }, false],
    [{ host: 'scan.example:3000', origin: 'https://scan.example:3000' }, false], // Next compares hosts, not schemes
    [{ host: 'scan.example:3000', origin: 'http://scan.example' }, true], // another port
    [{ host: 'scan.example', origin: 'http://evil.example' }, true],
    [{ host: 'internal:3000', 'x-forwarded-host': 'scan.example', origin: 'https://scan.example' }, false],
    [{ host: 'internal:3000', 'x-forwarded-host': 'scan.example, other', origin: 'https://scan.example' }, false],
    [{ host: 'scan.example', 'x-forwarded-host': 'proxy.example', origin: 'https://scan.example' }, true],
    [{ host: 'scan.example' }, false], // no Origin: Next lets it through with a warning
    [{ host: 'scan.example', origin: 'null' }, false], // refused by proxy.ts's matcher
    [{ host: 'scan.example', origin: '%%%' }, false], // malformed: refused by proxy.ts's matcher
    [{ origin: 'http://evil.example' }, true], // no host at all
  ];
  for (const [headers, foreign] of cases) assert.equal(namesAnotherHost(headers), foreign, JSON.stringify(headers));
});

test('only form posts are marked: not GETs, not the API', () => {
  const request = (method: string, url: string) => ({ method, url, headers: { host: 'a.example', origin: 'http://b.example' } }) as unknown as http.IncomingMessage;
  assert.equal(isForeignFormPost(request('POST', '/predict')), true);
  assert.equal(isForeignFormPost(request('PUT', '/volume')), true);
  assert.equal(isForeignFormPost(request('GET', '/predict')), false);
  assert.equal(isForeignFormPost(request('POST', '/api/predict')), false);
});

test("a real server's listener sees a foreign form post as cross-site, and a same-origin one untouched", async () => {
  markForeignFormPosts();
  markForeignFormPosts(); // once per process, however often the hook runs
  const seen: Array<string | undefined> = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers['sec-fetch-site'] as string | undefined);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  try {
    await fetch(`${url}/predict`, { method: 'POST', headers: { origin: 'http://evil.example' }, body: 'x' });
    await fetch(`${url}/predict`, { method: 'POST', headers: { origin: url }, body: 'x' });
    await fetch(`${url}/api/predict`, { method: 'POST', headers: { origin: 'http://evil.example' }, body: 'x' });
  } finally {
    server.close();
  }
  assert.deepEqual(seen, ['cross-site', undefined, undefined]);
});
