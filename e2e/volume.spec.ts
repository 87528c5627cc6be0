import { readFileSync } from 'node:fs';
import { fixture } from '../testkit/client';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { readNiftiVolume } from '../lib/formats/nifti-read';
import { allValues } from '../lib/volume/scalar-volume';
import { scriptRunning } from './page-script';

// The expert's whole tumour (label > 0) of BRATS 2013 patient 0001: 111,724 voxels of 1 mm³ = 111.7 mL (nibabel agrees).
async function trueTumourMl(): Promise<number> {
  const labels = await readNiftiVolume(readFileSync(fixture('brats-pat0001-labels.nii.gz')));
  const voxels = allValues(labels).reduce((n, v) => n + (v > 0 ? 1 : 0), 0);
  return (voxels * labels.spacingMm[0] * labels.spacingMm[1] * labels.spacingMm[2]) / 1000;
}

// A working pipeline lands near the truth (model v1.2.0: 103.7 mL); a broken one gives 0 or the whole brain (~1,400 mL).
const plausible = (ml: number, truth: number) => ml > truth / 2 && ml < truth * 2;

/** `scripted`: wait until the page's script runs, so that the script sends the form. */
async function uploadVolume(page: Page, scripted = false) {
  await page.goto('/volume');
  if (scripted) await scriptRunning(page);
  await page.setInputFiles('input[name=flair]', fixture('brats-pat0001-flair.nii.gz'));
  await page.getByRole('button', { name: 'Analyse volume' }).click();
}

/** What a person reads off a result, and the pictures and mask it offers, to hold the two ways of answering to one result. */
async function resultShown(result: Locator) {
  const text = async (testId: string) => (await result.getByTestId(testId).innerText()).trim();
  const sources = (selector: string) => result.locator(selector).evaluateAll((images: HTMLImageElement[]) => images.map((image) => image.src).join('\n'));
  return {
    volume: await text('tumour-volume'), slices: await text('tumour-slices'), axis: await text('slice-axis'), guard: await text('guard-reason'),
    model: await text('model-version'), report: await text('report'),
    mask: [await result.getByTestId('mask-download').getAttribute('download'), await result.getByTestId('mask-download').getAttribute('href')],
    frames: await sources('[data-testid=slice-frame] img'), keyPictures: await sources('[data-testid=key-picture] img'),
  };
}

test.setTimeout(150_000);

test('without JavaScript the form\'s server action answers; with it, the upload shows its progress, then the seconds of analysis, then the same result', async ({ browser }) => {
  const plain = await browser.newContext({ javaScriptEnabled: false });
  const withoutScript = await plain.newPage();
  await uploadVolume(withoutScript);
  const served = withoutScript.getByTestId('volume-result');
  await expect(served).toBeVisible({ timeout: 90_000 });
  // the slices can be stepped through without JavaScript
  const frames = served.locator('[data-testid=slice-frame]:visible');
  await expect(frames).toHaveCount(1);
  const labels = served.getByTestId('slice-browser').locator('label');
  await labels.first().click();
  await expect(frames).toHaveCount(1);
  await expect(frames).toHaveAttribute('data-slice', (await labels.first().innerText()).trim());
  const byAction = await resultShown(served);
  await plain.close();

  const page = await browser.newPage();
  // the upload slowed to 1 MB/s, so that its progress can be watched (3 MB: about 3 s)
  const network = await page.context().newCDPSession(page);
  await network.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 1024 * 1024 });
  await uploadVolume(page, true);
  const progress = page.getByTestId('upload-progress');
  await expect(progress).toHaveAccessibleName('Upload of the volume');
  // part of the way, the bar and its words agreeing
  await expect.poll(() => page.getByTestId('volume-progress').evaluate((panel) => {
    const bar = panel.querySelector('progress');
    return bar ? `${bar.value} ${panel.querySelector('[data-testid=upload-percent]')?.textContent}` : 'no bar';
  })).toMatch(/^([1-9]\d?) \1%$/);
  await expect(page.getByTestId('elapsed')).toHaveText(/^\d+ s$/, { timeout: 30_000 }); // uploaded: the server's seconds count
  await expect(progress).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: 'The server is analysing the volume' })).toBeVisible();
  const result = page.getByTestId('volume-result');
  await expect(result).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('volume-progress')).toHaveAttribute('data-phase', 'idle');
  expect(await resultShown(result)).toEqual(byAction);

  const truth = await trueTumourMl();
  expect(truth).toBeCloseTo(111.7, 1);
  const shown = Number((await result.getByTestId('tumour-volume').innerText()).replace(/[^0-9.]/g, ''));
  expect(plausible(shown, truth), `${shown} mL against ${truth.toFixed(1)} mL`).toBe(true);
  await expect(result.getByTestId('slice-axis')).toContainText('k (axial');

  const download = result.getByTestId('mask-download');
  await expect(download).toHaveAttribute('download', 'brats-pat0001-flair-tumour-mask.nii.gz');
  const href = (await download.getAttribute('href'))!;
  expect(href.startsWith('data:application/gzip;base64,')).toBe(true);
  const mask = await readNiftiVolume(Buffer.from(href.split(',')[1], 'base64'));
  expect(mask.dims).toEqual([240, 240, 155]);
  expect(mask.datatype).toBe('uint8');
  const maskMl = allValues(mask).reduce((n, v) => n + v, 0) / 1000;
  expect(maskMl.toFixed(1)).toBe(shown.toFixed(1));

  // the slice with the most tumour is shown first, with its overlay; the slider steps to another slice
  const visible = result.locator('[data-testid=slice-frame]:visible');
  await expect(visible).toHaveCount(1);
  await expect(visible.getByTestId('volume-overlay')).toBeVisible();
  const first = await visible.getAttribute('data-slice');
  await result.getByTestId('slice-range').fill('0');
  await expect(result.locator('[data-testid=slice-frame]:visible')).not.toHaveAttribute('data-slice', first!);
  await page.close();
});

test('the API answers with the same volume, and refuses a PNG', async ({ request }) => {
  const response = await request.post('/api/volume', {
    multipart: { flair: { name: 'flair.nii.gz', mimeType: 'application/gzip', buffer: readFileSync(fixture('brats-pat0001-flair.nii.gz')) } },
    timeout: 90_000,
  });
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(plausible(body.tumourVolumeMl, await trueTumourMl())).toBe(true);
  expect(body.shape).toEqual([240, 240, 155]);
  expect(body.spacingMm).toEqual([1, 1, 1]);
  expect(body.axis.name).toBe('k');
  expect(body.slices.length).toBeGreaterThan(100);
  expect(body.slices.filter((s: { tumourAreaPx: number }) => s.tumourAreaPx > 0).length).toBe(body.tumourSlices);
  expect((await readNiftiVolume(Buffer.from(body.maskNiftiBase64, 'base64'))).dims).toEqual([240, 240, 155]);
  expect(body.timingsMs.total).toBeGreaterThan(0);

  const png = await request.post('/api/volume', {
    multipart: { flair: { name: 'slice.png', mimeType: 'image/png', buffer: readFileSync(fixture('tumour-flair.png')) } },
  });
  expect(png.status()).toBe(415);
  expect((await png.json()).error).toContain('not a NIfTI-1 volume');
});
