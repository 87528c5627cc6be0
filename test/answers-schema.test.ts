import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Ajv2020Module from 'ajv/dist/2020.js';
import { analyseSlice } from '../lib/analysis/analyse-slice';
import { analyseVolume } from '../lib/analysis/analyse-volume';
import { healthBody } from '../lib/answers/health-answer';
import { sliceApiBody } from '../lib/answers/slice-answer';
import { volumeApiBody } from '../lib/answers/volume-answer';
import { UploadError } from '../lib/errors';
import { openApiDocument } from '../lib/http/openapi';
import { errorResponse } from '../lib/http/responses';
import { makeNifti } from '../testkit/nifti-synthetic';

// The API document generated from the answers' schemas: the routes and statuses it promises, answers closed and
// complete, and real answers built by the code that validate against it as the server serves it.

type Json = Record<string, unknown>;
// as the server sends it: JSON, not the object in memory
const document = JSON.parse(JSON.stringify(openApiDocument)) as { paths: Record<string, Record<string, { responses: Json }>>; components: { schemas: Record<string, Json> } };
// ajv is CommonJS: its class is the default export's default
const Ajv2020 = (Ajv2020Module as unknown as { default: typeof Ajv2020Module }).default ?? Ajv2020Module;
const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema({ ...document, $id: 'openapi' });

const fixture = (name: string) => readFileSync(new URL(`../e2e/fixtures/${name}`, import.meta.url));
const clone = <T>(value: T): T => structuredClone(value);

/** Where the body differs from what the document says the route answers with this status; '' when it matches. */
function problems(path: string, method: 'post' | 'get', status: number, body: unknown): string {
  const validate = ajv.compile({ $ref: `openapi#/paths/${path.replace(/\//g, '~1')}/${method}/responses/${status}/content/application~1json/schema` });
  return validate(body) ? '' : ajv.errorsText(validate.errors);
}

test('the document lists every route with the statuses it answers', () => {
  const statuses = (path: string, method: string) => Object.keys(document.paths[path][method].responses);
  assert.deepEqual(Object.keys(document.paths), ['/api/predict', '/api/volume', '/api/health', '/api/openapi.json']);
  assert.deepEqual(statuses('/api/predict', 'post'), ['200', '400', '403', '408', '413', '415', '422', '503']);
  assert.deepEqual(statuses('/api/volume', 'post'), ['200', '400', '403', '408', '413', '415', '422', '503']);
  assert.deepEqual(statuses('/api/health', 'get'), ['200', '503']);
  assert.deepEqual(statuses('/api/openapi.json', 'get'), ['200']);
  assert.deepEqual(Object.keys(document.components.schemas).sort(),
    ['Error', 'Guard', 'GuardedError', 'Health', 'SliceRefusal', 'SliceResult', 'SliceUpload', 'VolumeRefusal', 'VolumeResult', 'VolumeUpload']);
});

test('every answer object is closed and requires each of its properties; the forms carry the upload limits', () => {
  let objects = 0;
  const walk = (node: unknown, where: string): void => {
    if (Array.isArray(node)) return node.forEach((item, i) => walk(item, `${where}/${i}`));
    if (!node || typeof node !== 'object') return;
    const schema = node as Json;
    if (schema.type === 'object') {
      objects++;
      assert.equal(schema.additionalProperties, false, `${where} is closed`);
      assert.deepEqual(schema.required, Object.keys(schema.properties as Json), `${where} requires every property`);
    }
    for (const [key, value] of Object.entries(schema)) walk(value, `${where}/${key}`);
  };
  for (const [name, schema] of Object.entries(document.components.schemas)) if (!name.endsWith('Upload')) walk(schema, name);
  assert.ok(objects >= 20, `${objects} objects`);
  const { SliceUpload: slice, VolumeUpload: volume } = document.components.schemas;
  // a volume is sent as files, or named as one of the volume page's examples
  const [files, example] = volume.anyOf as Json[];
  assert.deepEqual([slice.required, slice.additionalProperties, files.required, files.additionalProperties, example.required, example.additionalProperties],
    [['flair'], false, ['flair'], false, ['example'], false]);
  assert.deepEqual(((example.properties as Json).example as Json).enum, ['volume-flair', 'volume-dicom']);
  assert.match(String(slice.description), /at most 10485760 bytes/);
  assert.match(String(files.description), /at most 167772160 bytes/);
  assert.match(JSON.stringify(files), /"maxItems":2000/);
});

test('a real slice answer validates; one with a property more, a property fewer or a value out of range does not', async () => {
  const body = await sliceApiBody(await analyseSlice({ flair: fixture('tumour-flair.png'), reading: 'auto' }));
  assert.equal(body.label, 'Tumor');
  assert.equal(problems('/api/predict', 'post', 200, body), '');
  assert.notEqual(problems('/api/predict', 'post', 200, { ...clone(body), verdict: 'Tumor' }), '', 'an extra property');
  assert.notEqual(problems('/api/predict', 'post', 200, { ...clone(body), guard: { ...clone(body.guard), ms: 3 } }), '', 'an extra property in the guard');
  assert.notEqual(problems('/api/predict', 'post', 200, { ...clone(body), mask: { ...clone(body.mask), depth: 1 } }), '', 'an extra property in the mask');
  const { note: _note, ...withoutNote } = clone(body);
  assert.notEqual(problems('/api/predict', 'post', 200, withoutNote), '', 'a missing property that is null when empty');
  assert.notEqual(problems('/api/predict', 'post', 200, { ...clone(body), probability: 1.5 }), '', 'a probability above 1');
  assert.notEqual(problems('/api/predict', 'post', 200, { ...clone(body), label: 'Maybe' }), '', 'a label outside the enum');
  assert.notEqual(problems('/api/predict', 'post', 200, { ...clone(body), tumourAreaPx: 2.5 }), '', 'a fractional pixel count');
});

test('a slice read with a separate T1 image answers reading "separate", which the document allows', async () => {
  const body = await sliceApiBody(await analyseSlice({ flair: fixture('tumour-flair.png'), t1: fixture('tumour-flair.png'), reading: 'auto' }));
  assert.equal(body.reading, 'separate');
  assert.equal(problems('/api/predict', 'post', 200, body), '');
});

test('the guard\'s 422 and the other errors validate, and a guarded body is not a plain error', async () => {
  const refusal = await analyseSlice({ flair: fixture('not-mri-planet.jpg'), reading: 'auto' }).then(() => null, errorResponse);
  assert.equal(refusal?.status, 422);
  const guarded = await refusal!.json();
  assert.equal(guarded.guard.overrulable, true);
  assert.equal(problems('/api/predict', 'post', 422, guarded), '');
  assert.notEqual(problems('/api/volume', 'post', 422, guarded), '', 'a slice guard\'s body is not the volume guard\'s');
  assert.equal(problems('/api/predict', 'post', 422, await errorResponse(new UploadError('A sagittal slice.', 422)).json()), '');
  assert.equal(problems('/api/volume', 'post', 415, await errorResponse(new UploadError('Wrong type.', 415)).json()), '');
  assert.notEqual(problems('/api/volume', 'post', 415, { error: 'Wrong type.', status: 415 }), '');
});

test('the volume guard\'s 422 for a label map validates against the volume route, not the slice route', async () => {
  const labels = new Uint8Array(readFileSync(path.join(process.cwd(), 'e2e', 'fixtures', 'brats-pat0001-labels.nii.gz')));
  const refusal = await analyseVolume({ flair: labels }).then(() => null, errorResponse);
  assert.equal(refusal?.status, 422);
  const body = await refusal!.json();
  assert.deepEqual([body.guard.refusedAs, body.guard.overrulable], ['label-map', false]);
  assert.equal(problems('/api/volume', 'post', 422, body), '');
  assert.notEqual(problems('/api/predict', 'post', 422, body), '');
});

test('a real volume answer and the health answer validate', async () => {
  // a disc of tissue with a bright blob in slices 1..4 of 6, as in volume-analysis.test.ts
  const [nx, ny, nz] = [64, 64, 6];
  const values = new Float32Array(nx * ny * nz);
  for (let k = 1; k < nz - 1; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        if (Math.hypot(i - nx / 2, j - ny / 2) < nx * 0.4) values[i + j * nx + k * nx * ny] = 100 + ((i * 7 + j * 3) % 20) + (Math.hypot(i - nx * 0.4, j - ny * 0.45) < 8 ? 200 : 0);
      }
    }
  }
  const flair = makeNifti({ dims: [nx, ny, nz], datatype: 'float32', values, pixdim: [2, 2, 5], gzip: true });
  const analysis = await analyseVolume({ flair }, { skipGuard: true });
  const body = await volumeApiBody(analysis);
  assert.equal(body.source, 'nifti');
  assert.equal(body.displayNiftiBase64, null, 'no display copy unless asked');
  assert.equal(problems('/api/volume', 'post', 200, body), '');
  const withDisplay = await volumeApiBody(analysis, null, { display: true });
  assert.ok(withDisplay.displayNiftiBase64!.length > 0);
  assert.equal(problems('/api/volume', 'post', 200, withDisplay), '');
  assert.notEqual(problems('/api/volume', 'post', 200, { ...clone(body), shape: [64, 64] }), '', 'a shape of two sides');
  assert.notEqual(problems('/api/volume', 'post', 200, { ...clone(body), axis: { ...clone(body.axis), index: 3 } }), '', 'a fourth axis');
  const health = healthBody({ name: 'unet', version: '1' }, 0, { p50Ms: 10, p99Ms: 12, maxMs: 20 });
  assert.equal(problems('/api/health', 'get', 200, health), '');
  assert.notEqual(problems('/api/health', 'get', 200, { ...health, status: 'starting' }), '');
});
