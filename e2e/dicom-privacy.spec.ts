import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { makeDicom, SYNTAX } from '../testkit/dicom-synthetic';
import { bratsSeries, FAKE_PATIENT, seriesForm, smallSeries, writeFiles, zipOf } from '../testkit/dicom-fixtures';
import { startServer, type ServerProcess } from '../testkit/server-process';

// Every patient tag filled with a distinctive fake value: none may come back in any answer, error message, page, PDF,
// mask header or the server's log, and nothing may be written to the server's temporary folder.

test.setTimeout(240_000);

let server: ServerProcess;
test.beforeAll(async () => {
  server = await startServer({ port: Number(process.env.E2E_PRIVACY_PORT ?? 3520) });
});
test.afterAll(async () => {
  await server?.stop();
});

const seen: string[] = [];
const tagged = (base = {}, perSlice?: Parameters<typeof smallSeries>[1]) => smallSeries({ patient: FAKE_PATIENT, ...base }, perSlice);

/** An answer's text, with any base64 NIfTI mask in it unpacked (header bytes as latin1) so its header is searched too. */
function keep(text: string): string {
  seen.push(text);
  for (const [, base64] of text.matchAll(/"maskNiftiBase64":"([A-Za-z0-9+/=]+)"/g)) seen.push(gunzipSync(Buffer.from(base64, 'base64')).toString('latin1'));
  for (const [, base64] of text.matchAll(/data:application\/gzip;base64,([A-Za-z0-9+/=]+)/g)) seen.push(gunzipSync(Buffer.from(base64, 'base64')).toString('latin1'));
  return text;
}

async function post(path: string, form: FormData): Promise<{ status: number; text: string }> {
  const response = await fetch(`${server.url}${path}`, { method: 'POST', body: form });
  return { status: response.status, text: keep(await response.text()) };
}

/** The PDF report's text, as pdftotext reads it (pdfkit compresses its streams: the bytes alone would hide a name). */
async function pdfText(form: FormData): Promise<string> {
  const response = await fetch(`${server.url}/api/volume?format=pdf&force=true`, { method: 'POST', body: form });
  expect(response.headers.get('content-type')).toBe('application/pdf');
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'privacy-pdf-')), 'report.pdf');
  writeFileSync(file, new Uint8Array(await response.arrayBuffer()));
  return execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
}

test('patient tags never appear in answers, messages, pages, the PDF, mask headers or the server log', async ({ browser }) => {
  // the synthetic head is no real MRI: the volume guard's 422 is an answer too, and force=true has it analysed
  expect((await post('/api/volume', seriesForm(tagged()))).status).toBe(422);
  // analysed: the files, a zip of them, one image on the slice page's API, the PDF report
  expect((await post('/api/volume?force=true', seriesForm(tagged()))).status).toBe(200);
  const zip = new FormData();
  zip.append('flair', new Blob([new Uint8Array(zipOf(tagged()))]), 'ZZPRIVZIPNAME.zip');
  const zipped = await post('/api/volume?force=true', zip);
  expect(zipped.status).toBe(200);
  expect(zipped.text).toContain('"seriesNumber":5');
  const report = seen[seen.push(await pdfText(seriesForm(tagged()))) - 1];
  expect(report).toContain('series 5');
  const single = new FormData();
  single.append('flair', new Blob([new Uint8Array(tagged()[3])]), 'slice.dcm');
  const guarded = await post('/api/predict', single); // the synthetic head is no real MRI: the guard's 422 is an answer too
  expect(guarded.status).toBe(422);
  single.append('force', 'true');
  expect((await post('/api/predict', single)).status).toBe(200);

  // refused: every kind of refusal that names something about the series
  const refusals = [
    seriesForm([...tagged({ seriesUid: '2.25.31' }), ...tagged({ seriesUid: '2.25.32', seriesNumber: 8 })]),
    seriesForm(tagged({ seriesUid: '2.25.33' }).filter((_, k) => k !== 2)),
    seriesForm(tagged({ imageType: 'ORIGINAL\\PRIMARY\\LOCALIZER' })),
    seriesForm(tagged({ transferSyntax: SYNTAX.jpeg2000 })),
    seriesForm(tagged({ frames: 3 })),
    seriesForm(tagged({ modality: 'CT' })),
    seriesForm([makeDicom({ rows: 64, columns: 64, pixels: [1], patient: FAKE_PATIENT }).subarray(0, 700), ...tagged()]),
  ];
  for (const form of refusals) {
    const answer = await post('/api/volume', form);
    expect(answer.status, answer.text).toBeGreaterThanOrEqual(400);
    expect(answer.status, answer.text).toBeLessThan(500);
  }

  // the pages, with and without JavaScript, including the mask download link: a real scan's series, which the guard passes
  const real = writeFiles(await bratsSeries({ patient: FAKE_PATIENT }));
  for (const javaScriptEnabled of [true, false]) {
    const context = await browser.newContext({ javaScriptEnabled, baseURL: server.url });
    const page = await context.newPage();
    await page.goto('/volume');
    await page.setInputFiles('input[name=flair]', real);
    await page.getByRole('button', { name: 'Analyse volume' }).click();
    await expect(page.getByTestId('volume-result')).toBeVisible({ timeout: 120_000 });
    await expect(page.getByTestId('mask-download')).toHaveAttribute('download', 'dicom-series-301-tumour-mask.nii.gz');
    keep(await page.content());
    await page.goto('/volume');
    await page.setInputFiles('input[name=flair]', writeFiles(tagged({ imageType: 'ORIGINAL\\PRIMARY\\LOCALIZER' })));
    await page.getByRole('button', { name: 'Analyse volume' }).click();
    await expect(page.getByTestId('upload-error')).toContainText('localiser');
    keep(await page.content());
    await page.goto('/predict');
    await page.setInputFiles('input[name=flair]', writeFiles([tagged()[3]]));
    await page.getByRole('button', { name: 'Analyse slice' }).click();
    await expect(page.getByTestId('result').or(page.getByTestId('upload-error'))).toBeVisible({ timeout: 60_000 });
    keep(await page.content());
    await context.close();
  }

  const log = server.output();
  const everything = [...seen, log].join('\n');
  expect(seen.length).toBeGreaterThan(15);
  for (const [name, value] of Object.entries(FAKE_PATIENT)) expect(everything.includes(value), `${name} (${value}) came back`).toBe(false);
  expect(everything.includes('ZZPRIVZIPNAME'), 'the zip\'s file name came back').toBe(false);
  expect(readdirSync(server.tmpdir), 'files the server wrote to its temporary folder').toEqual([]);
});
