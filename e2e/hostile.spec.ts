import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { createGzip, gunzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import sharp from 'sharp';
import { apiFormData, fixture, postApi, postSliceForm, sliceActionId, sliceFormRequest, type UploadFile } from '../testkit/client';
import { fileCases, OVERSIZED_BYTES, requestCases } from '../testkit/hostile-corpus';

// Every broken or hostile upload gets a clear answer from both doors, and the server stays healthy after each.

interface ApiAnswer {
  status: number;
  contentType: string | null;
  body: {
    error?: string;
    label?: string;
    probability?: number;
    image?: { width: number; height: number };
    mask?: { width: number; height: number; png: string } | null;
  };
}

async function askApi(baseURL: string, file: UploadFile): Promise<ApiAnswer> {
  const response = await postApi(baseURL, apiFormData(file));
  return { status: response.status, contentType: response.headers.get('content-type'), body: await response.json() };
}

async function expectHealthy(baseURL: string) {
  const health = await fetch(`${baseURL}/api/health`);
  expect(health.status, 'GET /api/health after the upload').toBe(200);
}

async function maskPixels(mask: ApiAnswer['body']['mask']): Promise<Uint8Array | null> {
  if (!mask) return null;
  return new Uint8Array(await sharp(Buffer.from(mask.png, 'base64')).extractChannel(0).raw().toBuffer());
}

/** Intersection over union of two 0/255 masks of the same size. */
function overlap(a: Uint8Array, b: Uint8Array): number {
  let both = 0, either = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] && b[i]) both++;
    if (a[i] || b[i]) either++;
  }
  return either ? both / either : 1;
}

const percent = (probability: number) => `${(probability * 100).toFixed(1)}%`;

let actionId: string;
test.beforeAll(async ({ baseURL }) => {
  actionId = await sliceActionId(baseURL!);
});

test.describe('each hostile file, through the API and the form', () => {
  for (const hostile of fileCases) {
    test(`${hostile.title} → ${hostile.status}`, async ({ baseURL }) => {
      const file = await hostile.file();
      const api = await askApi(baseURL!, file);
      expect(api.status, JSON.stringify(api.body).slice(0, 300)).toBe(hostile.status);
      expect(api.contentType).toContain('application/json');
      const form = await postSliceForm(baseURL!, actionId, sliceFormRequest(file));
      expect(form.status).toBe(200);

      if (hostile.status === 200) {
        if (hostile.label) expect(api.body.label).toBe(hostile.label);
        expect(form.outcome).toMatchObject({ status: 'done' });
        if (form.outcome.status === 'done') {
          expect(form.outcome.labels[0]).toBe(api.body.label);
          expect(form.outcome.probabilities[0]).toBe(percent(api.body.probability!));
        }
        if (hostile.sameAs) {
          const reference = await askApi(baseURL!, await hostile.sameAs.reference());
          expect(api.body.label).toBe(reference.body.label);
          expect(api.body.image).toEqual(reference.body.image);
          expect(Math.abs(api.body.probability! - reference.body.probability!)).toBeLessThanOrEqual(hostile.sameAs.probabilityWithin);
          const [mask, referenceMask] = [await maskPixels(api.body.mask), await maskPixels(reference.body.mask)];
          expect(Boolean(mask)).toBe(Boolean(referenceMask));
          if (mask && referenceMask) expect(overlap(mask, referenceMask)).toBeGreaterThan(hostile.sameAs.maskOverlapAbove ?? 0.9);
        }
      } else {
        expect(typeof api.body.error).toBe('string');
        expect(api.body.error!.length).toBeGreaterThan(15);
        expect(api.body.label).toBeUndefined();
        // both doors share one validation: the page shows the very message the API sends
        expect(form.outcome).toEqual({ status: 'error', message: api.body.error });
      }
      await expectHealthy(baseURL!);
    });
  }
});

test.describe('each malformed request, through the API', () => {
  for (const hostile of requestCases) {
    test(`${hostile.title} → ${hostile.status}`, async ({ baseURL }) => {
      const response = await postApi(baseURL!, await hostile.request());
      const body = await response.json();
      expect(response.status, JSON.stringify(body).slice(0, 300)).toBe(hostile.status);
      if (hostile.status === 200) {
        if (hostile.label) expect(body.label).toBe(hostile.label);
      } else {
        expect(typeof body.error).toBe('string');
        expect(body.error.length).toBeGreaterThan(15);
      }
      await expectHealthy(baseURL!);
    });
  }

  test('a 25 MB upload to the form gets the size message', async ({ baseURL }) => {
    const big: UploadFile = { name: 'big.png', mimeType: 'image/png', buffer: Buffer.alloc(OVERSIZED_BYTES, 7) };
    const form = await postSliceForm(baseURL!, actionId, sliceFormRequest(big));
    expect(form.status).toBe(413);
    expect(form.outcome).toEqual({ status: 'error', message: 'The upload is 25 MB; the limit is 10 MB.' });
    await expectHealthy(baseURL!);
  });
});

test.describe('a representative few, uploaded in Chromium', () => {
  for (const hostile of fileCases.filter((c) => c.inBrowser)) {
    test(`${hostile.title} (page)`, async ({ page, baseURL }) => {
      const file = await hostile.file();
      const api = await askApi(baseURL!, file);
      await page.goto('/predict');
      await page.setInputFiles('input[name=flair]', file);
      await page.getByRole('button', { name: 'Analyse slice' }).click();
      if (hostile.status === 200) {
        const result = page.getByTestId('result');
        await expect(result.getByTestId('label').first()).toHaveText(api.body.label!);
        await expect(result.getByTestId('probability').first()).toHaveText(percent(api.body.probability!));
      } else {
        await expect(page.getByTestId('upload-error')).toHaveText(api.body.error!);
        await expect(page.getByTestId('result')).toHaveCount(0);
      }
      await expectHealthy(baseURL!);
    });
  }

  test('an upload over 10 MB is stopped in the page with the limit shown', async ({ page, baseURL }) => {
    await page.goto('/predict');
    await page.setInputFiles('input[name=flair]', { name: 'big.png', mimeType: 'image/png', buffer: Buffer.alloc(OVERSIZED_BYTES, 7) });
    await page.getByRole('button', { name: 'Analyse slice' }).click();
    await expect(page.getByTestId('upload-error')).toHaveText('The upload is 25.0 MB; the limit is 10 MB.');
    await expectHealthy(baseURL!);
  });

  test('with JavaScript off, an upload over 10 MB gets the limit from the server', async ({ browser, baseURL }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto('/predict');
    await page.setInputFiles('input[name=flair]', { name: 'big.png', mimeType: 'image/png', buffer: Buffer.alloc(OVERSIZED_BYTES, 7) });
    await page.getByRole('button', { name: 'Analyse slice' }).click();
    await expect(page.getByTestId('upload-error')).toHaveText('The upload is 25 MB; the limit is 10 MB.');
    await context.close();
    await expectHealthy(baseURL!);
  });
});

// Volumes: POST /api/volume with a .nii or .nii.gz in the field "flair".

const realVolumeGz = () => readFileSync(fixture('brats-pat0001-flair.nii.gz'));
const realVolume = () => gunzipSync(realVolumeGz());

/** The fixture's header with some fields rewritten (NIfTI-1 offsets: dim at 40, datatype 70, bitpix 72, pixdim 76, vox_offset 108). */
function patchedVolume(patch: (header: Buffer) => void, keepBytes?: number): Buffer {
  const volume = Buffer.from(realVolume());
  patch(volume);
  return keepBytes === undefined ? volume : volume.subarray(0, keepBytes);
}

// Header checks come before the voxels are read, so these cases send the header and a little more.
const HEADER_ONLY = 4096;

/** A real header followed by 300 MB of zeros, gzipped to a few hundred kB: unpacked only as far as the header asks. */
async function gzipBomb(): Promise<Buffer> {
  const header = realVolume().subarray(0, 352);
  const zeros = Buffer.alloc(4 * 1024 * 1024);
  const source = Readable.from((function* () {
    yield header;
    for (let i = 0; i < 75; i++) yield zeros;
  })());
  const chunks: Buffer[] = [];
  for await (const chunk of source.pipe(createGzip({ level: 9 }))) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

interface VolumeCase {
  title: string;
  status: 200 | 400 | 413 | 415 | 422;
  volume: () => Buffer | Promise<Buffer>;
  name?: string;
}

const volumeCases: VolumeCase[] = [
  { title: 'a gzip bomb (300 MB of zeros behind a real header): read no further than its header asks, and blank', status: 422, volume: gzipBomb },
  { title: 'a .nii.gz cut off halfway', status: 400, volume: () => realVolumeGz().subarray(0, realVolumeGz().length >> 1) },
  { title: 'a .nii cut off after its header', status: 400, name: 'brain.nii', volume: () => realVolume().subarray(0, 2000) },
  { title: 'an empty file', status: 400, volume: () => Buffer.alloc(0) },
  { title: 'random bytes named .nii', status: 415, name: 'brain.nii', volume: () => Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) & 255)) },
  { title: 'a PNG named .nii.gz', status: 415, volume: () => readFileSync(fixture('tumour-flair.png')) },
  { title: 'a header with dim[0] = 0', status: 400, name: 'brain.nii', volume: () => patchedVolume((h) => h.writeInt16LE(0, 40), HEADER_ONLY) },
  { title: 'a header with a negative size', status: 400, name: 'brain.nii', volume: () => patchedVolume((h) => h.writeInt16LE(-5, 42), HEADER_ONLY) },
  { title: 'a header claiming 30000 x 30000 x 30000 voxels', status: 413, name: 'brain.nii', volume: () => patchedVolume((h) => [42, 44, 46].forEach((at) => h.writeInt16LE(30000, at)), HEADER_ONLY) },
  { title: 'a header whose datatype does not match its bits per voxel', status: 400, name: 'brain.nii', volume: () => patchedVolume((h) => h.writeInt16LE(64, 72), HEADER_ONLY) },
  { title: 'a header whose voxels would start past the end', status: 400, name: 'brain.nii', volume: () => patchedVolume((h) => h.writeFloatLE(1e9, 108), HEADER_ONLY) },
  { title: 'a header with zero voxel size', status: 422, name: 'brain.nii', volume: () => patchedVolume((h) => [80, 84, 88].forEach((at) => h.writeFloatLE(0, at))) },
  { title: 'a 4D series', status: 422, name: 'brain.nii', volume: () => patchedVolume((h) => { h.writeInt16LE(4, 40); h.writeInt16LE(2, 48); }, HEADER_ONLY) },
  { title: 'the real BRATS volume', status: 200, volume: realVolumeGz },
];

test.describe('volumes: gzip bombs and broken headers on /api/volume', () => {
  test.beforeAll(async ({ baseURL }) => {
    const probe = await fetch(`${baseURL}/api/volume`, { method: 'POST' });
    test.skip(probe.status === 404, '/api/volume does not exist in this build yet');
  });

  for (const hostile of volumeCases) {
    test(`${hostile.title} → ${hostile.status}`, async ({ baseURL }) => {
      const form = new FormData();
      form.append('flair', new Blob([new Uint8Array(await hostile.volume())], { type: 'application/octet-stream' }), hostile.name ?? 'brain.nii.gz');
      const response = await fetch(`${baseURL}/api/volume`, { method: 'POST', body: form });
      const body = await response.json();
      expect(response.status, JSON.stringify(body).slice(0, 300)).toBe(hostile.status);
      if (hostile.status !== 200) {
        expect(typeof body.error).toBe('string');
        expect(body.error.length).toBeGreaterThan(15);
      }
      await expectHealthy(baseURL!);
    });
  }

});
