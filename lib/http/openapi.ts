import { MAX_SLICE_UPLOAD_BYTES, MAX_VOLUME_UPLOAD_BYTES } from '../limits';

// The API's contract as OpenAPI 3.1 (JSON Schema 2020-12), served at /api/openapi.json. Strict: every property is
// listed and required, nothing else is allowed; e2e/openapi.spec.ts validates every kind of real answer against it.

type Schema = Record<string, unknown>;

const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });
const object = (properties: Record<string, Schema>, description?: string): Schema => ({
  type: 'object', ...(description ? { description } : {}), properties, required: Object.keys(properties), additionalProperties: false,
});
const number = { type: 'number' };
const probability = { type: 'number', minimum: 0, maximum: 1 };
const count = { type: 'integer', minimum: 0 };
const text = { type: 'string' };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const triple = (items: Schema) => ({ type: 'array', items, minItems: 3, maxItems: 3 });

const maskPng = object({ width: count, height: count, png: { type: 'string', contentEncoding: 'base64', description: 'PNG, 0/255, at the uploaded image size' } });
const model = object({ name: text, version: text });
const label = { type: 'string', enum: ['Tumor', 'No Tumor'] };
const reading = { type: 'string', enum: ['grayscale', 'layered'] };

const guard = object({
  verdict: { type: 'string', enum: ['axial-flair', 'other-mri', 'blank', 'not-mri', 'refused'] },
  score: nullable({ ...probability, description: 'probability that the picture is not a brain MRI' }),
  scores: nullable(object({ axialFlair: probability, otherMri: probability, notMri: probability })),
  reason: text,
  overrulable: { type: 'boolean', description: 'force=true will have it analysed' },
  forced: { type: 'boolean' },
  thresholds: object({ notMri: probability, otherMri: probability }),
  model,
}, 'What the guard made of the picture: on every slice answer, 200 or 422.');

const sliceResult = object({
  label,
  probability: { ...probability, description: 'calibrated probability that the slice shows tumour; Tumor when >= threshold' },
  threshold: probability,
  mask: nullable(maskPng),
  tumourAreaPx: count,
  tumourAreaMm2: nullable(number),
  brainAreaPx: count,
  tumourShareOfBrain: { type: 'number', minimum: 0 },
  reading,
  alternativeReading: nullable(object({ reading, label, probability, tumourAreaPx: count, mask: nullable(maskPng) })),
  image: object({ width: count, height: count, pixelSpacingMm: nullable({ type: 'array', items: number, minItems: 2, maxItems: 2 }) }),
  model,
  warning: nullable(text),
  note: nullable(text),
  guard: ref('Guard'),
  timingsMs: object({ decode: number, preprocess: number, guard: number, inference: number, postprocess: number, total: number }),
});

const volumeResult = object({
  tumourVolumeMl: { type: 'number', minimum: 0 },
  tumourSlices: count,
  slices: { type: 'array', items: object({ index: count, probability, tumourAreaPx: count }), description: 'the slices with head in them' },
  sliceCount: count,
  shape: triple(count),
  spacingMm: triple(number),
  axis: object({ index: { type: 'integer', minimum: 0, maximum: 2 }, name: { type: 'string', enum: ['i', 'j', 'k'] }, description: text, superiorIncreases: { type: 'boolean' }, affine: { type: 'string', enum: ['sform', 'qform', 'pixdim', 'dicom'] } }),
  modalities: { type: 'string', enum: ['FLAIR', 'FLAIR + T1c'] },
  datatype: text,
  source: { type: 'string', enum: ['nifti', 'dicom'] },
  series: nullable(object({ seriesNumber: nullable({ type: 'integer' }), modality: text, slices: count })),
  thresholds: object({ slice: probability, mask: probability }),
  maskNiftiBase64: { type: 'string', contentEncoding: 'base64', description: 'the mask as .nii.gz, uint8 0/1 on the input grid and affine' },
  model,
  timingsMs: object({ read: number, preprocess: number, inference: number, postprocess: number, total: number }),
});

const error = object({ error: { type: 'string', description: 'a message for a person' } });
const guardedError = object({ error: text, guard: ref('Guard') });
const health = object({
  status: { const: 'ok' },
  model,
  queued: count,
  eventLoopDelay: object({ p50Ms: number, p99Ms: number, maxMs: number }),
});

const json = (schema: Schema, description: string) => ({ description, content: { 'application/json': { schema } } });
const errors = (codes: number[]) => Object.fromEntries(codes.map((code) => [String(code), json(ref('Error'), {
  400: 'unreadable upload or malformed request', 403: 'a cross-site post (set ALLOW_CROSS_SITE_API=1 to allow)', 408: 'the upload stopped sending',
  413: 'too large', 415: 'wrong type', 422: 'not something this tool can analyse', 503: 'busy: try again after Retry-After seconds',
}[code as 400] ?? 'error')]));
const file = { type: 'string', contentMediaType: 'application/octet-stream' };

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Brain Tumor Detector API',
    version: '2.0.0',
    description: 'Brain MRI in, Tumor / No Tumor, its probability and the tumour drawn, or the tumour volume. A research tool, not a diagnosis. Uploads are analysed in memory and never kept.',
  },
  jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
  paths: {
    '/api/predict': {
      post: {
        summary: 'Analyse one slice (PNG, JPEG, TIFF, WebP, or one DICOM image)',
        parameters: [{ name: 'force', in: 'query', required: false, schema: { type: 'string', enum: ['true', 'false'] }, description: 'analyse a picture the guard flags' }],
        requestBody: {
          required: true,
          content: { 'multipart/form-data': { schema: object({ flair: file }, `at most ${MAX_SLICE_UPLOAD_BYTES} bytes in all; also t1, t1c (files), reading (auto | grayscale | layered), force (true)`) } },
        },
        responses: {
          200: json(ref('SliceResult'), 'the answer'),
          422: json({ anyOf: [ref('GuardedError'), ref('Error')] }, 'not a brain MRI slice, or flagged as not one (guard.overrulable: send again with force=true)'),
          ...errors([400, 403, 408, 413, 415, 503]),
        },
      },
    },
    '/api/volume': {
      post: {
        summary: 'Analyse a FLAIR volume: one NIfTI file, the files of one DICOM series, or one .zip of them',
        requestBody: {
          required: true,
          content: { 'multipart/form-data': { schema: object({ flair: { anyOf: [file, { type: 'array', items: file }] } }, `at most ${MAX_VOLUME_UPLOAD_BYTES} bytes in all; also t1c (a NIfTI on the same grid)`) } },
        },
        responses: { 200: json(ref('VolumeResult'), 'the answer'), ...errors([400, 403, 408, 413, 415, 422, 503]) },
      },
    },
    '/api/health': { get: { summary: 'Ready once the models are loaded', responses: { 200: json(ref('Health'), 'ready'), 503: json(ref('Error'), 'the models cannot be loaded') } } },
    '/api/openapi.json': { get: { summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': {} } } } } },
  },
  components: { schemas: { SliceResult: sliceResult, VolumeResult: volumeResult, Guard: guard, Error: error, GuardedError: guardedError, Health: health } },
};
