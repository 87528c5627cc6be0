import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import Ajv2020Module from 'ajv/dist/2020.js';
import { fixture } from '../testkit/client';
import { bratsSeries } from '../testkit/dicom-fixtures';

// Every kind of real answer of the API, validated against the OpenAPI document the server serves.

let document: { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: object }> }> }>> };
// ajv is CommonJS: its class is the default export's default
const Ajv2020 = (Ajv2020Module as unknown as { default: typeof Ajv2020Module }).default ?? Ajv2020Module;
let ajv: InstanceType<typeof Ajv2020Module>;

let dicomSlice: Uint8Array;
test.beforeAll(async ({ baseURL }) => {
  dicomSlice = (await bratsSeries())[80]; // first: building it blocks this process long enough to stale a keep-alive socket
  const response = await fetch(`${baseURL}/api/openapi.json`);
  expect(response.status).toBe(200);
  document = await response.json();
  ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema({ ...document, $id: 'openapi' });
});

/** The status must be documented for the route, and the body must match its schema. */
async function expectDocumented(response: Response, path: string, method: 'post' | 'get') {
  const body = await response.json();
  const documented = document.paths[path][method].responses[String(response.status)];
  expect(documented, `${method.toUpperCase()} ${path} ${response.status} is documented`).toBeTruthy();
  const schema = documented.content?.['application/json']?.schema;
  expect(schema).toBeTruthy();
  const validate = ajv.compile({ $ref: `openapi#/paths/${path.replace(/\//g, '~1')}/${method}/responses/${response.status}/content/application~1json/schema` });
  expect(validate(body), `${path} ${response.status}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  return body;
}

const slice = (name: string, extra: Record<string, string> = {}, type = 'image/png') => {
  const form = new FormData();
  form.append('flair', new Blob([new Uint8Array(readFileSync(fixture(name)))], { type }), name);
  for (const [key, value] of Object.entries(extra)) form.append(key, value);
  return form;
};

test('every slice answer matches the contract: Tumor, No Tumor, two readings, a separate T1, a warning, the guard\'s 422, forced, DICOM, errors', async ({ baseURL }) => {
  const post = (form: FormData, query = '') => fetch(`${baseURL}/api/predict${query}`, { method: 'POST', body: form });
  expect((await expectDocumented(await post(slice('tumour-flair.png')), '/api/predict', 'post')).label).toBe('Tumor');
  expect((await expectDocumented(await post(slice('no-tumour-flair.png')), '/api/predict', 'post')).mask).toBeNull();
  expect((await expectDocumented(await post(slice('tumour-layered.png')), '/api/predict', 'post')).alternativeReading).not.toBeNull();
  expect((await expectDocumented(await post(slice('t1c-slice.png')), '/api/predict', 'post')).warning).not.toBeNull();
  const withT1 = slice('tumour-flair.png');
  withT1.append('t1', new Blob([new Uint8Array(readFileSync(fixture('tumour-flair.png')))], { type: 'image/png' }), 't1.png');
  expect((await expectDocumented(await post(withT1), '/api/predict', 'post')).reading).toBe('separate');
  const flagged = await post(slice('not-mri-planet.jpg', {}, 'image/jpeg'));
  expect(flagged.status).toBe(422);
  expect((await expectDocumented(flagged, '/api/predict', 'post')).guard.overrulable).toBe(true);
  expect((await expectDocumented(await post(slice('not-mri-planet.jpg', {}, 'image/jpeg'), '?force=true'), '/api/predict', 'post')).guard.forced).toBe(true);
  const dicomForm = new FormData();
  dicomForm.append('flair', new Blob([new Uint8Array(dicomSlice)]), 'slice.dcm');
  expect((await expectDocumented(await post(dicomForm), '/api/predict', 'post')).tumourAreaMm2).not.toBeUndefined();

  const text = new FormData();
  text.append('flair', new Blob(['not an image']), 'notes.png');
  expect((await post(text)).status).toBe(400);
  await expectDocumented(await post(text), '/api/predict', 'post');
  await expectDocumented(await fetch(`${baseURL}/api/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }), '/api/predict', 'post');
  const big = new FormData();
  big.append('flair', new Blob([new Uint8Array(11 * 1024 * 1024)]), 'big.png');
  const tooBig = await post(big);
  expect(tooBig.status).toBe(413);
  await expectDocumented(tooBig, '/api/predict', 'post');
});

test('volume answers (NIfTI, a DICOM zip, a follow-up), health, a label map and a refused volume match the contract', async ({ baseURL }) => {
  test.setTimeout(180_000);
  const post = (form: FormData) => fetch(`${baseURL}/api/volume`, { method: 'POST', body: form });
  const nifti = await expectDocumented(await post(slice('brats-pat0001-flair.nii.gz', {}, 'application/gzip')), '/api/volume', 'post');
  expect(nifti.source).toBe('nifti');
  const dicom = await expectDocumented(await post(slice('dicom-brats-small.zip', {}, 'application/zip')), '/api/volume', 'post');
  expect(dicom.source).toBe('dicom');
  expect(nifti.report.lesions.length).toBeGreaterThan(0);
  // a follow-up (the zip as the earlier scan), and the volume guard's 422 for a label map
  const followUp = slice('brats-pat0001-flair.nii.gz', {}, 'application/gzip');
  followUp.append('baseline', new Blob([new Uint8Array(readFileSync(fixture('dicom-brats-small.zip')))], { type: 'application/zip' }), 'series.zip');
  expect((await expectDocumented(await post(followUp), '/api/volume', 'post')).followUp).not.toBeNull();
  const labels = await post(slice('brats-pat0001-labels.nii.gz', {}, 'application/gzip'));
  expect(labels.status).toBe(422);
  expect((await expectDocumented(labels, '/api/volume', 'post')).guard.refusedAs).toBe('label-map');
  const png = await post(slice('tumour-flair.png'));
  expect(png.status).toBe(415);
  await expectDocumented(png, '/api/volume', 'post');
  expect((await expectDocumented(await fetch(`${baseURL}/api/health`), '/api/health', 'get')).status).toBe('ok');
});
