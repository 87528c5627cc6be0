import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import sharp from 'sharp';
import { apiFormData, fixture, postApi, type UploadFile } from '../testkit/client';
import { processMemory, startServer, type ServerProcess } from '../testkit/server-process';

// Under load, on a server of its own (so its memory can be read from /proc): loopback only, bounded in time and count.

const SOAK_SECONDS = 20;
const CLIENTS = 16;
const FLOOD_REQUESTS = 120;

test.describe.configure({ mode: 'serial', timeout: 180_000 });

let server: ServerProcess;
test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  await server?.stop();
});

const slice: UploadFile = { name: 'tumour-flair.png', mimeType: 'image/png', buffer: readFileSync(fixture('tumour-flair.png')) };

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

test(`${CLIENTS} clients for ${SOAK_SECONDS} s: every answer right, memory flat`, async () => {
  // warm up: the model, the JIT and sharp's caches reach their working size
  await Promise.all(Array.from({ length: CLIENTS * 2 }, () => postApi(server.url, apiFormData(slice)).then((r) => r.arrayBuffer())));

  const rssMb: number[] = [];
  const sampler = setInterval(() => rssMb.push(processMemory(server.pid).rssMb), 250);
  const statuses = new Map<number, number>();
  const labels = new Map<string, number>();
  const stopAt = Date.now() + SOAK_SECONDS * 1000;
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (Date.now() < stopAt) {
      const response = await postApi(server.url, apiFormData(slice));
      const body = await response.json();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status === 200) labels.set(body.label, (labels.get(body.label) ?? 0) + 1);
    }
  }));
  clearInterval(sampler);

  const answered = statuses.get(200) ?? 0;
  expect(Object.fromEntries(statuses), 'every request answered 200').toEqual({ 200: answered });
  expect(answered).toBeGreaterThan(CLIENTS);
  expect(Object.fromEntries(labels), 'the same slice, the same answer').toEqual({ Tumor: answered });

  // flat: the last quarter of the run sits where the first quarter did (allowing for allocator noise)
  const quarter = Math.max(1, Math.floor(rssMb.length / 4));
  const early = median(rssMb.slice(0, quarter));
  const late = median(rssMb.slice(-quarter));
  test.info().annotations.push({ type: 'memory', description: `RSS ${early.toFixed(0)} MB -> ${late.toFixed(0)} MB, peak ${processMemory(server.pid).peakRssMb.toFixed(0)} MB over ${answered} requests` });
  expect(late, `RSS early ${early.toFixed(0)} MB, late ${late.toFixed(0)} MB`).toBeLessThan(early * 1.2 + 16);
  expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
});

test(`a flood of ${FLOOD_REQUESTS} at once: beyond capacity 503 with Retry-After, and the server stays healthy`, async () => {
  // a larger slice, so that decoding keeps requests in the queue long enough to fill it
  const large: UploadFile = { name: 'large.png', mimeType: 'image/png', buffer: await sharp(slice.buffer).resize(1536, 1536).png({ compressionLevel: 1 }).toBuffer() };
  const answers = await Promise.all(Array.from({ length: FLOOD_REQUESTS }, async () => {
    const response = await postApi(server.url, apiFormData(large));
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() };
  }));

  const busy = answers.filter((a) => a.status === 503);
  const done = answers.filter((a) => a.status === 200);
  test.info().annotations.push({ type: 'flood', description: `${done.length} answered, ${busy.length} told to retry` });
  expect(busy.length + done.length, 'only 200 and 503').toBe(FLOOD_REQUESTS);
  expect(busy.length).toBeGreaterThan(0);
  expect(done.length).toBeGreaterThan(0);
  for (const answer of busy) {
    expect(Number(answer.retryAfter)).toBeGreaterThan(0);
    expect(answer.body.error).toMatch(/busy/);
  }
  for (const answer of done) expect(answer.body.label).toBe('Tumor');

  expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  const after = await postApi(server.url, apiFormData(slice));
  expect(after.status).toBe(200);
  expect((await after.json()).label).toBe('Tumor');
});
