import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
import { readNiftiVolume } from '../lib/formats/nifti-read';
import { allValues } from '../lib/volume/scalar-volume';
import { enhancedFromVolume, hasPydicom, makeDicom, makeEnhancedDicom, SYNTAX } from '../testkit/dicom-synthetic';
import { makeZip } from '../testkit/zip-synthetic';
import { fixture } from '../testkit/client';
import { bratsSeries, seriesForm, smallSeries, writeFiles, zipOf } from '../testkit/dicom-fixtures';

// DICOM in: a BRATS series (155 files) through the volume form with and without JavaScript and as a zip through the
// API, one DICOM image on the slice page, and every refusal with its 4xx and message.

test.setTimeout(180_000);

// BRATS 2013 patient 0001: the expert's whole tumour is 111.7 mL; the NIfTI upload gives 103.7 mL (model v1.2.0)
const plausible = (ml: number) => ml > 111.7 / 2 && ml < 111.7 * 2;

async function uploadSeries(page: Page, paths: string[]) {
  await page.goto('/volume');
  await page.setInputFiles('input[name=flair]', paths);
  await page.getByRole('button', { name: 'Analyse volume' }).click();
}

async function checkResult(page: Page) {
  const result = page.getByTestId('volume-result');
  await expect(result).toBeVisible({ timeout: 150_000 });
  const shown = Number((await result.getByTestId('tumour-volume').innerText()).replace(/[^0-9.]/g, ''));
  expect(plausible(shown), `${shown} mL`).toBe(true);
  await expect(result.getByTestId('dicom-series')).toHaveText('series 301, MR, 155 slices');
  await expect(result.getByTestId('slice-axis')).toContainText('from the DICOM position, orientation and pixel spacing tags');
  const download = result.getByTestId('mask-download');
  await expect(download).toHaveAttribute('download', 'dicom-series-301-tumour-mask.nii.gz');
  const mask = await readNiftiVolume(Buffer.from((await download.getAttribute('href'))!.split(',')[1], 'base64'));
  expect(mask.dims).toEqual([240, 240, 155]);
  expect(mask.affineSource).toBe('sform');
  // the mask lies where the series lies: the BRATS NIfTI's own affine, recovered from the DICOM tags
  const source = await readNiftiVolume(readFileSync(fixture('brats-pat0001-flair.nii.gz')));
  expect(mask.affine.flat().map((v) => v + 0)).toEqual(source.affine.flat().map((v) => v + 0)); // -0 and 0 alike
  expect((allValues(mask).reduce((n, v) => n + v, 0) / 1000).toFixed(1)).toBe(shown.toFixed(1));
}

test('a DICOM series (155 files chosen at once) is analysed in Chromium', async ({ page }) => {
  await page.goto('/volume');
  await expect(page.getByTestId('dicom-privacy')).toContainText('never read, logged or sent back');
  await uploadSeries(page, writeFiles(await bratsSeries()));
  await checkResult(page);
});

test('without JavaScript the multiple-file input sends the whole series', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await uploadSeries(page, writeFiles(await bratsSeries()));
  await checkResult(page);
  await context.close();
});

test('a zip of the series through the API gives the NIfTI upload\'s answer, within 1%', async ({ request }) => {
  const zip = zipOf(await bratsSeries());
  const response = await request.post('/api/volume', { multipart: { flair: { name: 'series.zip', mimeType: 'application/zip', buffer: zip } }, timeout: 150_000 });
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body.source).toBe('dicom');
  expect(body.series).toEqual({ seriesNumber: 301, modality: 'MR', slices: 155 });
  expect(body.shape).toEqual([240, 240, 155]);
  expect(body.axis.affine).toBe('dicom');
  const nifti = await (await request.post('/api/volume', {
    multipart: { flair: { name: 'flair.nii.gz', mimeType: 'application/gzip', buffer: readFileSync(fixture('brats-pat0001-flair.nii.gz')) } }, timeout: 150_000,
  })).json();
  expect(Math.abs(body.tumourVolumeMl - nifti.tumourVolumeMl) / nifti.tumourVolumeMl, `${body.tumourVolumeMl} mL against ${nifti.tumourVolumeMl} mL`).toBeLessThan(0.01);
  const header = gunzipSync(Buffer.from(body.maskNiftiBase64, 'base64')).subarray(0, 348);
  expect(header.readInt16LE(254)).toBe(1); // sform_code: scanner anatomical
});

test('the files of a series sent one by one in the flair field through the API', async ({ baseURL }) => {
  // a made-up head: the volume guard flags it, and force=true has it analysed
  const response = await fetch(`${baseURL}/api/volume?force=true`, { method: 'POST', body: seriesForm(smallSeries()) });
  const body = await response.json();
  expect(response.status, JSON.stringify(body).slice(0, 300)).toBe(200);
  expect(body.series).toEqual({ seriesNumber: 5, modality: 'MR', slices: 6 });
  expect(body.spacingMm).toEqual([3, 3, 4]);
});

const slice = (spec: Partial<Parameters<typeof makeDicom>[0]> = {}) => smallSeries({ ...spec })[2];

const refusals: Array<{ title: string; upload: () => FormData; status: number; message: RegExp }> = [
  {
    title: 'two series',
    upload: () => seriesForm([...smallSeries({ seriesUid: '2.25.10' }), ...smallSeries({ seriesUid: '2.25.11', seriesNumber: 6 }).slice(0, 2)]),
    status: 422, message: /holds 2 series: series 5 \(MR, 6 images\), series 6 \(MR, 2 images\)/,
  },
  { title: 'a missing slice', upload: () => seriesForm(smallSeries({ seriesUid: '2.25.12' }).filter((_, k) => k !== 3)), status: 422, message: /missing a slice between the slices at .* mm and .* mm: a gap of 8 mm where the others are 4 mm apart/ },
  {
    title: 'uneven spacing',
    upload: () => seriesForm(smallSeries({ seriesUid: '2.25.13' }, (k, spec) => (k === 5 ? { ...spec, position: [spec.position![0], spec.position![1], spec.position![2] + 1.5] } : spec))),
    status: 422, message: /uneven slice spacing: 5\.5 mm between the slices/,
  },
  { title: 'a localiser', upload: () => seriesForm(smallSeries({ imageType: 'ORIGINAL\\PRIMARY\\LOCALIZER' })), status: 422, message: /localiser \(scout\)/ },
  { title: 'a classic multi-frame file', upload: () => seriesForm(smallSeries({ frames: 6 }).slice(0, 1)), status: 415, message: /multi-frame DICOM file with 6 frames but not an Enhanced MR image/ },
  {
    title: 'an Enhanced MR file of two stacks',
    upload: () => seriesForm([makeEnhancedDicom(Array.from({ length: 6 }, (_, k) => ({ position: [0, 0, 4 * k], stackId: k < 3 ? '1' : '2' })), { rows: 64, columns: 64, pixels: [300, 320, 340] })]),
    status: 422, message: /Enhanced MR file that holds 2 stacks \(StackID\)/,
  },
  // the synthetic writer puts raw pixels where a codestream belongs: refused by the codestream's own header, naming file and syntax
  { title: 'a broken JPEG Lossless frame', upload: () => seriesForm(smallSeries({ transferSyntax: SYNTAX.jpegLossless })), status: 400, message: /File \d of 6 \(JPEG Lossless \(process 14, first-order prediction\)\) is damaged: its frame does not start with a lossless JPEG frame header/ },
  { title: 'a broken JPEG 2000 frame', upload: () => seriesForm(smallSeries({ transferSyntax: SYNTAX.jpeg2000 })), status: 400, message: /File \d of 6 \(JPEG 2000 \(lossless only\)\) is damaged/ },
  { title: 'a broken RLE frame', upload: () => seriesForm(smallSeries({ transferSyntax: SYNTAX.rle })), status: 400, message: /File \d of 6 is a damaged DICOM file: its RLE Lossless pixel data/ },
  { title: '12-bit JPEG Extended', upload: () => seriesForm(smallSeries({ transferSyntax: '1.2.840.10008.1.2.4.51' })), status: 415, message: /compressed as JPEG Extended \(lossy, 12-bit\) \(1\.2\.840\.10008\.1\.2\.4\.51\), which this server cannot decode/ },
  { title: 'one image alone', upload: () => seriesForm([slice()]), status: 422, message: /one image, not a series/ },
  { title: 'a CT series', upload: () => seriesForm(smallSeries({ modality: 'CT' })), status: 422, message: /this is CT; this tool reads MRI/ },
  {
    title: 'a zip bomb',
    upload: () => {
      const form = new FormData();
      form.append('flair', new Blob([new Uint8Array(makeZip([{ name: 'a.dcm', data: new Uint8Array(100 * 1024 * 1024) }]))]), 'bomb.zip');
      return form;
    },
    status: 413, message: /unpacks to 100 MB; one DICOM file may be at most 16 MB/,
  },
  {
    title: 'a zip whose entries add up past the limit',
    upload: () => {
      const form = new FormData();
      form.append('flair', new Blob([new Uint8Array(makeZip(Array.from({ length: 13 }, (_, i) => ({ name: `${i}.dcm`, data: new Uint8Array(16 * 1024 * 1024) }))))]), 'bomb.zip');
      return form;
    },
    status: 413, message: /unpacks to more than 192 MB/,
  },
];

test.describe('each DICOM refusal, through the API', () => {
  for (const refusal of refusals) {
    test(`${refusal.title} → ${refusal.status}`, async ({ baseURL }) => {
      const response = await fetch(`${baseURL}/api/volume`, { method: 'POST', body: refusal.upload() });
      const body = await response.json();
      expect(response.status, body.error).toBe(refusal.status);
      expect(body.error).toMatch(refusal.message);
      expect((await fetch(`${baseURL}/api/health`)).status).toBe(200);
    });
  }
});

test('a refusal reaches the page too: a missing slice, named, in Chromium', async ({ page }) => {
  await uploadSeries(page, writeFiles(smallSeries({ seriesUid: '2.25.14' }).filter((_, k) => k !== 2)));
  await expect(page.getByTestId('upload-error')).toContainText('is missing a slice between the slices at');
});

test('an Enhanced MR file (the series in one 17.8 MB file, frames shuffled) is read as the series on /volume; /predict points there', async ({ request }) => {
  const skip = hasPydicom() ? '' : 'needs python3 with pydicom and numpy (scripts/make-enhanced-dicom.py)';
  if (skip && process.env.CI === 'true') throw new Error(skip);
  test.skip(Boolean(skip), skip);
  const source = await readNiftiVolume(readFileSync(fixture('brats-pat0001-flair.nii.gz')));
  const { bytes } = enhancedFromVolume({ dims: source.dims, affine: source.affine, values: allValues(source) }, { shuffle: true });
  const file = { name: 'flair-enhanced.dcm', mimeType: 'application/dicom', buffer: Buffer.from(bytes) };
  const response = await request.post('/api/volume', { multipart: { flair: file }, timeout: 150_000 });
  const body = await response.json();
  expect(response.status(), JSON.stringify(body).slice(0, 300)).toBe(200);
  expect(body.source).toBe('dicom');
  expect(body.series).toEqual({ seriesNumber: 301, modality: 'MR', slices: 155 });
  expect(body.shape).toEqual([240, 240, 155]);
  expect(body.axis.affine).toBe('dicom');
  expect(plausible(body.tumourVolumeMl), `${body.tumourVolumeMl} mL`).toBe(true);
  // the slice page takes 10 MB at most: a small enhanced file (6 frames) reaches the DICOM reader, which points to /volume
  const small = makeEnhancedDicom(Array.from({ length: 6 }, (_, k) => ({ position: [0, 0, 4 * k] })), { rows: 64, columns: 64, pixels: [300, 320, 340] });
  const slicePage = await request.post('/api/predict', { multipart: { flair: { ...file, buffer: Buffer.from(small) } } });
  expect(slicePage.status()).toBe(422);
  expect((await slicePage.json()).error).toMatch(/has 6 frames: a whole series in one file; send it on the volume page \(\/volume\)/);
});

// Made before the tests run: building the series blocks this process for seconds, long enough for the keep-alive socket of
// an earlier request to expire on the server before undici's own timer (on this blocked loop) could retire it (EPIPE).
let bratsSlice: Uint8Array;
test.beforeAll(async () => {
  bratsSlice = (await bratsSeries())[90];
});

test('one DICOM image on the slice page and the API: the answer of its PNG, with the area in mm²', async ({ page, baseURL }) => {
  const form = new FormData();
  form.append('flair', new Blob([new Uint8Array(bratsSlice)]), 'slice.dcm');
  const response = await fetch(`${baseURL}/api/predict`, { method: 'POST', body: form });
  const body = await response.json();
  expect(response.status, JSON.stringify(body).slice(0, 300)).toBe(200);
  expect(body.label).toBe('Tumor');
  expect(body.image.pixelSpacingMm).toEqual([1, 1]);
  expect(body.tumourAreaMm2).toBe(body.tumourAreaPx);

  await page.goto('/predict');
  await page.setInputFiles('input[name=flair]', writeFiles([bratsSlice]));
  await page.getByRole('button', { name: 'Analyse slice' }).click();
  const result = page.getByTestId('result');
  await expect(result.getByTestId('label').first()).toHaveText('Tumor', { timeout: 60_000 });
  await expect(result.getByTestId('area-mm2').first()).toHaveText(` (${body.tumourAreaMm2.toLocaleString('en', { maximumFractionDigits: 1 })} mm²)`);
});
