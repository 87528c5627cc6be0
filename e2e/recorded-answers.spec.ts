import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import sharp from 'sharp';
import { apiFormData, postApi } from '../testkit/client';
import { bratsSeries, smallSeries, writeFiles, zipOf } from '../testkit/dicom-fixtures';
import { fileCases, requestCases } from '../testkit/hostile-corpus';
import { normaliseAnswer, normalisePageText, RECORDING, Recording, sha256 } from './recording';

// Every answer of the app for the committed fixtures, recorded from one tree (RECORD_ANSWERS=1, npm run record-answers)
// and compared with the running app: the JSON of the API and the text of the result pages with JavaScript on and off.
// A change to lib/ that no user should notice must leave every one of them as it was.

test.setTimeout(120_000);

// ---- uploads -------------------------------------------------------------------------------------------------------

interface Upload {
  name: string;
  type: string;
  bytes: Uint8Array;
}

const MIME_TYPES: Record<string, string> = {
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.tif': 'image/tiff', '.tiff': 'image/tiff',
  '.nii': 'application/octet-stream', '.gz': 'application/gzip', '.zip': 'application/zip',
};

/** A committed file, by its path from the repository root. */
const committed = (relative: string): Upload => ({
  name: path.basename(relative), type: MIME_TYPES[path.extname(relative)] ?? 'application/octet-stream', bytes: readFileSync(relative),
});

const e2eFixture = (name: string) => committed(`e2e/fixtures/${name}`);

/** The slice pictures committed under e2e/fixtures and test/fixtures. */
const SLICE_FIXTURES = ['e2e/fixtures', 'test/fixtures'].flatMap((folder) =>
  readdirSync(folder).filter((name) => /\.(png|jpe?g|tiff?)$/i.test(name)).sort().map((name) => `${folder}/${name}`));

const LAYERED = ['e2e/fixtures/tumour-layered.png', 'e2e/fixtures/no-tumour-layered.png', 'test/fixtures/layered-cmyk.jpg'];
const NOT_MRI = ['e2e/fixtures/not-mri-camera.png', 'e2e/fixtures/not-mri-planet.jpg', 'e2e/fixtures/not-mri-text.png'];
const NIFTI_FIXTURES = ['e2e/fixtures/brats-pat0001-flair.nii.gz', 'e2e/fixtures/brats-pat0001-labels.nii.gz',
  'test/fixtures/nifti-bigendian-float64.nii', 'test/fixtures/nifti-coronal-int16-scaled.nii.gz'];

type Fields = Record<string, Upload | Upload[] | string>;

function formOf(fields: Fields): FormData {
  const form = new FormData();
  for (const [field, value] of Object.entries(fields)) {
    for (const item of [value].flat()) {
      if (typeof item === 'string') form.append(field, item);
      else form.append(field, new Blob([new Uint8Array(item.bytes)], { type: item.type }), item.name);
    }
  }
  return form;
}

/** One channel of a colour slice as a grey PNG: the layered picture's T1 (0), FLAIR (1) or T1c (2) as its own file. */
async function channel(upload: Upload, index: 0 | 1 | 2, name: string): Promise<Upload> {
  return { name, type: 'image/png', bytes: await sharp(upload.bytes).extractChannel(index).png().toBuffer() };
}

const dicomFiles = (files: Uint8Array[]): Upload[] => files.map((bytes, k) => ({ name: `IM${k + 1}.dcm`, type: 'application/dicom', bytes }));
const dicomZip = (files: Uint8Array[]): Upload => ({ name: 'series.zip', type: 'application/zip', bytes: zipOf(files) });

// Made before any request: building 155 files blocks this process for seconds, long enough for a keep-alive socket to
// expire on the server under undici (EPIPE, see dicom.spec.ts).
let bratsDicom: Uint8Array[];
test.beforeAll(async () => {
  bratsDicom = await bratsSeries();
});

// ---- the JSON answers ----------------------------------------------------------------------------------------------

interface JsonCase {
  name: string;
  ask: (baseURL: string) => Promise<Response>;
}

const post = (route: string, name: string, fields: () => Fields | Promise<Fields>, query = ''): JsonCase => ({
  name: `POST ${route}${query} ${name}`,
  ask: async (baseURL) => fetch(`${baseURL}${route}${query}`, { method: 'POST', body: formOf(await fields()) }),
});

const predict = (name: string, fields: () => Fields | Promise<Fields>, query = '') => post('/api/predict', name, fields, query);
const volume = (name: string, fields: () => Fields | Promise<Fields>) => post('/api/volume', name, fields);

const jsonCases: JsonCase[] = [
  { name: 'GET /api/health', ask: (baseURL) => fetch(`${baseURL}/api/health`) },
  { name: 'GET /api/openapi.json', ask: (baseURL) => fetch(`${baseURL}/api/openapi.json`) },

  // every committed slice as it is; the layered ones read each way and as separate files; the not-MRI ones forced too
  ...SLICE_FIXTURES.map((file) => predict(file, () => ({ flair: committed(file) }))),
  ...LAYERED.flatMap((file) => ['auto', 'grayscale', 'layered'].map((reading) =>
    predict(`${file} reading=${reading}`, () => ({ flair: committed(file), reading })))),
  ...LAYERED.map((file) => predict(`${file} split into T1, FLAIR and T1c files`, async () => {
    const layered = committed(file);
    return { flair: await channel(layered, 1, 'flair.png'), t1: await channel(layered, 0, 't1.png'), t1c: await channel(layered, 2, 't1c.png') };
  })),
  predict('e2e/fixtures/tumour-flair.png with e2e/fixtures/t1c-slice.png as T1c', () => ({ flair: e2eFixture('tumour-flair.png'), t1c: e2eFixture('t1c-slice.png') })),
  ...NOT_MRI.flatMap((file) => [
    predict(`${file} force=true`, () => ({ flair: committed(file), force: 'true' })),
    predict(file, () => ({ flair: committed(file) }), '?force=true'),
  ]),
  predict('slice 90 of the BRATS DICOM series (one .dcm)', () => ({ flair: dicomFiles(bratsDicom)[90] })),
  predict('a NIfTI volume', () => ({ flair: e2eFixture('brats-pat0001-flair.nii.gz') })),

  // the hostile corpus: broken files and malformed requests, each with its refusal (or its answer)
  ...fileCases.map((hostile): JsonCase => ({
    name: `POST /api/predict hostile file: ${hostile.title}`,
    ask: async (baseURL) => postApi(baseURL, apiFormData(await hostile.file())),
  })),
  ...requestCases.map((hostile): JsonCase => ({
    name: `POST /api/predict hostile request: ${hostile.title}`,
    ask: async (baseURL) => postApi(baseURL, await hostile.request()),
  })),

  // every committed volume, alone and with a T1c on its grid; DICOM as a zip, as files, and every kind of refusal
  ...NIFTI_FIXTURES.map((file) => volume(file, () => ({ flair: committed(file) }))),
  volume('e2e/fixtures/brats-pat0001-flair.nii.gz with itself as T1c', () => ({ flair: e2eFixture('brats-pat0001-flair.nii.gz'), t1c: e2eFixture('brats-pat0001-flair.nii.gz') })),
  volume('e2e/fixtures/brats-pat0001-flair.nii.gz with a T1c on another grid', () => ({ flair: e2eFixture('brats-pat0001-flair.nii.gz'), t1c: committed('test/fixtures/nifti-coronal-int16-scaled.nii.gz') })),
  volume('e2e/fixtures/dicom-brats-small.zip', () => ({ flair: e2eFixture('dicom-brats-small.zip') })),
  volume('BRATS patient 0001 as a DICOM series of 155 files', () => ({ flair: dicomFiles(bratsDicom) })),
  volume('a small DICOM series as files', () => ({ flair: dicomFiles(smallSeries()) })),
  volume('a small DICOM series as a zip', () => ({ flair: dicomZip(smallSeries()) })),
  volume('a small DICOM series missing a slice', () => ({ flair: dicomFiles(smallSeries().filter((_, k) => k !== 3)) })),
  volume('two DICOM series', () => ({ flair: dicomFiles([...smallSeries(), ...smallSeries({ seriesNumber: 6 }).slice(0, 2)]) })),
  volume('a CT series', () => ({ flair: dicomFiles(smallSeries({ modality: 'CT' })) })),
  volume('one DICOM image alone', () => ({ flair: dicomFiles(smallSeries().slice(2, 3)) })),
  volume('a PNG', () => ({ flair: e2eFixture('tumour-flair.png') })),
  volume('an empty file', () => ({ flair: { name: 'empty.nii.gz', type: 'application/gzip', bytes: new Uint8Array(0) } })),
  volume('a text file', () => ({ flair: { name: 'notes.nii', type: 'application/octet-stream', bytes: Buffer.from('Patient notes, not a volume.\n') } })),
  volume('without the flair field', () => ({ note: 'no file' })),
];

const answers = new Recording('answers.json');

test.describe('the JSON answers', () => {
  for (const { name, ask } of jsonCases) {
    test(name, async ({ baseURL }) => {
      const response = await ask(baseURL!);
      const answer = { status: response.status, contentType: response.headers.get('content-type'), body: normaliseAnswer(await response.json()) };
      expect(answers.answer(name, answer), name).toBeNull();
    });
  }
});

// ---- the result pages, with JavaScript on and off ------------------------------------------------------------------

interface PageCase {
  name: string;
  route: '/predict' | '/volume';
  file: string | { name: string; mimeType: string; buffer: Buffer };
}

const pageCases: PageCase[] = [
  { name: 'tumour-flair.png', route: '/predict', file: 'e2e/fixtures/tumour-flair.png' },
  { name: 'no-tumour-flair.png', route: '/predict', file: 'e2e/fixtures/no-tumour-flair.png' },
  { name: 'tumour-layered.png', route: '/predict', file: 'e2e/fixtures/tumour-layered.png' },
  { name: 'not-mri-planet.jpg (flagged, may be analysed anyway)', route: '/predict', file: 'e2e/fixtures/not-mri-planet.jpg' },
  { name: 'not-mri-camera.png (refused)', route: '/predict', file: 'e2e/fixtures/not-mri-camera.png' },
  { name: 'a text file', route: '/predict', file: { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('these are my notes, not an image') } },
  { name: 'brats-pat0001-flair.nii.gz', route: '/volume', file: 'e2e/fixtures/brats-pat0001-flair.nii.gz' },
  { name: 'dicom-brats-small.zip', route: '/volume', file: 'e2e/fixtures/dicom-brats-small.zip' },
];

const OUTCOME = '[data-testid=result], [data-testid=volume-result], [data-testid=upload-error]';

/** main's text once it stops changing: effects after the result (the slider, "Analyse anyway") come a moment later. */
async function settledText(page: Page): Promise<string> {
  let text = await page.locator('main').innerText();
  for (;;) {
    await page.waitForTimeout(250);
    const now = await page.locator('main').innerText();
    if (now === text) return text;
    text = now;
  }
}

async function resultPage(browser: Browser, javaScriptEnabled: boolean, { route, file }: PageCase) {
  const context = await browser.newContext({ javaScriptEnabled });
  try {
    const page = await context.newPage();
    await page.goto(route);
    await page.setInputFiles('input[name=flair]', typeof file === 'string' ? path.join(process.cwd(), file) : file);
    await page.getByRole('button', { name: route === '/predict' ? 'Analyse slice' : 'Analyse volume' }).click();
    await page.locator(OUTCOME).first().waitFor({ timeout: 90_000 });
    // the volume viewer loads its code and volumes after the result: its text is recorded once it has (or has failed)
    if (javaScriptEnabled && route === '/volume') await page.locator('[data-testid=viewer]:not([data-status=loading]), [data-testid=upload-error]').first().waitFor({ timeout: 60_000 });
    const text = normalisePageText(await settledText(page));
    // the pictures the page shows (the upload, the overlays, the volume's slices) and the mask it offers, by their bytes
    const pictures = await page.locator('main').evaluate((main) =>
      [...main.querySelectorAll('img')].map((img) => img.src).concat([...main.querySelectorAll('style')].map((style) => style.textContent ?? '')).join('\n'));
    const download = page.getByTestId('mask-download');
    const mask = (await download.count()) ? { fileName: await download.getAttribute('download'), href: sha256((await download.getAttribute('href'))!) } : null;
    return { text, pictures: pictures ? sha256(pictures) : null, mask };
  } finally {
    await context.close();
  }
}

const pages = new Recording('pages.json');
const pageCaseName = (javaScript: boolean, { route, name }: PageCase) => `JavaScript ${javaScript ? 'on' : 'off'}: ${route} ${name}`;

test.describe('the result pages', () => {
  for (const javaScript of [true, false]) {
    for (const pageCase of pageCases) {
      const name = pageCaseName(javaScript, pageCase);
      test(name, async ({ browser }) => {
        expect(pages.answer(name, await resultPage(browser, javaScript, pageCase)), name).toBeNull();
      });
    }
  }
});

// ---- the recording as a whole --------------------------------------------------------------------------------------

const jsonCaseNames = jsonCases.map((c) => c.name);
const pageCaseNames = [true, false].flatMap((javaScript) => pageCases.map((c) => pageCaseName(javaScript, c)));

test('every recorded case is still asked, and no case is asked twice', () => {
  test.skip(RECORDING, 'recording');
  expect(new Set(jsonCaseNames).size).toBe(jsonCaseNames.length);
  expect(answers.recordedCases()).toEqual(jsonCaseNames);
  expect(pages.recordedCases()).toEqual(pageCaseNames);
});

test.afterAll(() => {
  if (!RECORDING) return;
  answers.save(jsonCaseNames);
  pages.save(pageCaseNames);
});
