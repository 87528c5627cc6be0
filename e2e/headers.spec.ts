import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { apiFormData, fixture, postApi, postSliceForm, sliceActionId, sliceFormRequest, type UploadFile } from '../testkit/client';
import { OVERSIZED_BYTES } from '../testkit/hostile-corpus';
import { startServer, type ServerProcess } from '../testkit/server-process';

// What a careful person checks in the browser's network tab: the security headers, and that nothing is cached.

function expectSecurityHeaders(headers: Headers, what: string) {
  const policy = headers.get('content-security-policy') ?? '';
  expect(policy, `${what}: Content-Security-Policy`).toContain("frame-ancestors 'none'");
  expect(policy, `${what}: Content-Security-Policy`).toContain("default-src 'self'");
  expect(policy, `${what}: Content-Security-Policy`).toContain("object-src 'none'");
  expect(headers.get('x-content-type-options'), `${what}: X-Content-Type-Options`).toBe('nosniff');
  expect(headers.get('x-frame-options'), `${what}: X-Frame-Options`).toBe('DENY');
}

function expectNoStore(headers: Headers, what: string) {
  expect(headers.get('cache-control') ?? '', `${what}: Cache-Control`).toContain('no-store');
}

const slice: UploadFile = { name: 'tumour-flair.png', mimeType: 'image/png', buffer: readFileSync(fixture('tumour-flair.png')) };

test('pages and API answers carry the security headers; /predict and /api/* are never cached', async ({ baseURL }) => {
  const home = await fetch(`${baseURL}/`);
  expectSecurityHeaders(home.headers, 'GET /');

  const predictPage = await fetch(`${baseURL}/predict`);
  expect(predictPage.status).toBe(200);
  expectSecurityHeaders(predictPage.headers, 'GET /predict');
  expectNoStore(predictPage.headers, 'GET /predict');

  const health = await fetch(`${baseURL}/api/health`);
  expectSecurityHeaders(health.headers, 'GET /api/health');
  expectNoStore(health.headers, 'GET /api/health');

  const analysed = await postApi(baseURL!, apiFormData(slice));
  expect(analysed.status).toBe(200);
  expectSecurityHeaders(analysed.headers, 'POST /api/predict (200)');
  expectNoStore(analysed.headers, 'POST /api/predict (200)');

  const refused = await postApi(baseURL!, apiFormData({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not an image') }));
  expect(refused.status).toBe(400);
  expectSecurityHeaders(refused.headers, 'POST /api/predict (400)');
  expectNoStore(refused.headers, 'POST /api/predict (400)');
  expect(refused.headers.get('content-type')).toContain('application/json');

  const formRequest = sliceFormRequest(slice);
  const action = await fetch(`${baseURL}/predict`, {
    method: 'POST',
    headers: { ...formRequest.headers, 'Next-Action': await sliceActionId(baseURL!), Accept: 'text/x-component' },
    body: new Uint8Array(formRequest.body as Buffer),
  });
  expect(action.status).toBe(200);
  expectSecurityHeaders(action.headers, 'the form (server action)');
  expectNoStore(action.headers, 'the form (server action)');
});

test.describe('uploads leave no trace', () => {
  test.describe.configure({ timeout: 120_000 });
  let server: ServerProcess;
  test.beforeAll(async () => {
    server = await startServer();
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  test('nothing is written to the server\'s temp dir and nothing of the upload is logged', async () => {
    const marker = `marker-${randomUUID()}`;
    // a valid slice that carries the marker after its end, under a file name that carries it too
    const marked: UploadFile = { name: `${marker}-../../etc/passwd.png`, mimeType: 'image/png', buffer: Buffer.concat([slice.buffer, Buffer.from(marker)]) };
    const uploads: UploadFile[] = [
      marked,
      { name: `${marker}.png`, mimeType: 'image/png', buffer: Buffer.from(`${marker} not an image`) },
      { name: `${marker}-black.png`, mimeType: 'image/png', buffer: readFileSync(fixture('not-mri-camera.png')) },
      { name: `${marker}-big.png`, mimeType: 'image/png', buffer: Buffer.alloc(OVERSIZED_BYTES, 1) },
    ];
    expect(readdirSync(server.tmpdir)).toEqual([]);
    const actionId = await sliceActionId(server.url);
    const statuses: number[] = [];
    for (const upload of uploads) {
      statuses.push((await postApi(server.url, apiFormData(upload))).status);
      const form = await postSliceForm(server.url, actionId, sliceFormRequest(upload));
      expect(form.outcome.status).not.toBe('unknown');
    }
    expect(statuses).toEqual([200, 400, 422, 413]);

    expect(readdirSync(server.tmpdir), 'files in the server\'s temp dir').toEqual([]);
    expect(server.output()).not.toContain(marker);
    expect(server.output()).not.toContain('passwd');
  });
});
