import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { fixture } from '../testkit/client';
import { missingCodecTools, oneFrameOfEachSyntax } from '../testkit/dicom-codecs';

// What a deployed `node server.js` must do with only its own folder (npm run build:standalone; run with E2E_STANDALONE=1,
// which starts a copy of the folder outside the repository): load the model, analyse, and serve what the build copies in.

test.describe('the standalone server', () => {
  test('answers /api/health with the model, and analyses a slice', async ({ request }) => {
    const health = await request.get('/api/health');
    expect(health.status()).toBe(200);
    expect((await health.json()).model.name).toBe('tumour-unet-b8');

    const response = await request.post('/api/predict', {
      multipart: { flair: { name: 'slice.png', mimeType: 'image/png', buffer: readFileSync(fixture('tumour-flair.png')) } },
    });
    expect(response.status()).toBe(200);
    const body = await response.json();
    expect(body.label).toBe('Tumor');
    expect(body.tumourAreaPx).toBeGreaterThan(500);
    expect(Buffer.from(body.mask.png, 'base64').subarray(1, 4).toString()).toBe('PNG');
  });

  test('decodes one frame of each compressed DICOM syntax with the codecs it carries', async ({ request }) => {
    const missing = missingCodecTools();
    if (missing && process.env.CI === 'true') throw new Error(`CI: ${missing}`);
    test.skip(Boolean(missing), String(missing));
    for (const { encoder, file } of await oneFrameOfEachSyntax()) {
      const response = await request.post('/api/predict', { multipart: { flair: { name: 'slice.dcm', mimeType: 'application/dicom', buffer: Buffer.from(file) } } });
      expect(response.status(), `${encoder}: ${(await response.text()).slice(0, 300)}`).toBe(200);
    }
  });

  test('serves the pages with their scripts and styles, and the model card figures from public/', async ({ page, request }) => {
    const failed: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
    });
    await page.goto('/model');
    await expect(page.locator('img[src*="model-card"]').first()).toBeVisible();
    expect(await page.locator('img[src*="model-card"]').first().evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    // the page's own styles: Tailwind's stylesheet from .next/static
    const stylesheets = await page.locator('link[rel=stylesheet]').evaluateAll((links) => links.map((link) => (link as HTMLLinkElement).href));
    expect(stylesheets.length).toBeGreaterThan(0);
    for (const href of stylesheets) expect((await request.get(href)).status(), href).toBe(200);
    expect(failed).toEqual([]);
  });
});
