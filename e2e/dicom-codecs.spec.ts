import { expect, test } from '@playwright/test';
import { ENCODERS, missingCodecTools, oneFrameOfEachSyntax, reencode } from '../testkit/dicom-codecs';
import { bratsSeries, writeFiles, zipOf } from '../testkit/dicom-fixtures';

// Compressed DICOM as hospitals send it, through the running server: the codec thread behind the routes, a zip of a
// compressed series, and the note a person sees when the pixels were lossy compressed.

const skip = missingCodecTools();
if (skip && process.env.CI === 'true') throw new Error(`CI: ${skip}`);

test('a zip of a JPEG-LS series and its files in JPEG Lossless give the uncompressed series\' tumour volume', async ({ request }) => {
  test.skip(Boolean(skip), String(skip));
  const subset = (await bratsSeries()).slice(50, 90);
  const volume = async (multipart: Parameters<typeof request.post>[1]) => {
    const response = await request.post('/api/volume', { ...multipart, timeout: 120_000 });
    const body = await response.json();
    expect(response.status(), JSON.stringify(body).slice(0, 300)).toBe(200);
    return body;
  };
  const plain = await volume({ multipart: { flair: { name: 'series.zip', mimeType: 'application/zip', buffer: zipOf(subset) } } });
  const jpegLs = await volume({ multipart: { flair: { name: 'series.zip', mimeType: 'application/zip', buffer: zipOf(reencode(subset, 'JPEG-LS Lossless')) } } });
  const form = new FormData();
  reencode(subset, 'JPEG Lossless (process 14, first-order prediction)').forEach((file, k) => form.append('flair', new Blob([new Uint8Array(file)]), `IM${k}.dcm`));
  const lossless = await volume({ multipart: form });
  expect(plain.tumourVolumeMl).toBeGreaterThan(10);
  for (const body of [jpegLs, lossless]) {
    expect(Math.abs(body.tumourVolumeMl - plain.tumourVolumeMl)).toBeLessThan(0.001);
    expect(body.series).toEqual(plain.series);
    expect(body.lossyCompression).toBe(false);
  }
});

test('one frame of each compressed syntax through /api/predict; JPEG Baseline is marked lossy, in the answer and on the page', async ({ request, page }) => {
  test.skip(Boolean(skip), String(skip));
  const frames = await oneFrameOfEachSyntax();
  expect(frames.map((f) => f.encoder).sort()).toEqual(Object.keys(ENCODERS).sort());
  for (const { encoder, file } of frames) {
    const response = await request.post('/api/predict', { multipart: { flair: { name: 'slice.dcm', mimeType: 'application/dicom', buffer: Buffer.from(file) }, force: 'true' } });
    const body = await response.json();
    expect(response.status(), `${encoder}: ${JSON.stringify(body).slice(0, 300)}`).toBe(200);
    expect(body.lossyCompression, encoder).toBe(encoder.includes('lossy'));
  }
  const baseline = frames.find((f) => f.encoder.includes('Baseline'))!.file;
  await page.goto('/predict');
  await page.setInputFiles('input[name=flair]', writeFiles([baseline]));
  await page.getByRole('button', { name: 'Analyse slice' }).click();
  await expect(page.getByTestId('result').getByTestId('lossy-compression-note')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('result').getByTestId('lossy-compression-note')).toContainText('lossy compression');
});

test('a lossy JPEG 2000 series on the volume page shows the lossy-compression note beside its result', async ({ page }) => {
  test.skip(Boolean(skip), String(skip));
  const lossy = reencode((await bratsSeries()).slice(50, 90), 'JPEG 2000 (lossy)');
  await page.goto('/volume');
  await page.setInputFiles('input[name=flair]', writeFiles(lossy));
  await page.getByRole('button', { name: 'Analyse volume' }).click();
  const result = page.getByTestId('volume-result');
  await expect(result).toBeVisible({ timeout: 120_000 });
  await expect(result.getByTestId('lossy-compression-note')).toBeVisible();
  await expect(result.getByTestId('lossy-compression-note')).toContainText('lossy compression');
});
