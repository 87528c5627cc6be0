import { z } from 'zod';
import type { ReadingChoice } from '../analysis/readings';
import { errorAnswer, guardedErrorAnswer, volumeGuardedErrorAnswer } from '../answers/error-schema';
import { guardAnswer } from '../answers/guard-schema';
import { healthAnswer } from '../answers/health-schema';
import { sliceAnswer } from '../answers/slice-schema';
import { volumeAnswer } from '../answers/volume-schema';
import { examplesFor } from '../examples/catalogue';
import { MAX_DICOM_FILES, MAX_SLICE_UPLOAD_BYTES, MAX_VOLUME_UPLOAD_BYTES } from '../limits';

// The API's contract as OpenAPI 3.1 (JSON Schema 2020-12), served at /api/openapi.json, generated from the schemas the
// answer builders are typed with (lib/answers/*-schema.ts). e2e/openapi.spec.ts validates every kind of real answer against it.

const components = z.registry<{ id: string }>();
const componentUri = (id: string) => `#/components/schemas/${id}`;

/** Names a schema in components/schemas and returns the reference to it. */
function component(schema: z.ZodType, id: string): { $ref: string } {
  components.add(schema, { id });
  return { $ref: componentUri(id) };
}

// The forms as a program sends them; lib/validation/upload.ts is what checks them.
const upload = z.file().mime('application/octet-stream');
const forceFlag = z.enum(['true', 'false']);
const readingChoices = ['auto', 'grayscale', 'layered'] as const satisfies readonly ReadingChoice[];

const sliceForm = z.strictObject({
  flair: upload.describe('the FLAIR slice: PNG, JPEG, TIFF, WebP, or one DICOM image'),
  t1: upload.optional().describe('a T1 image of the same slice at the same size'),
  t1c: upload.optional().describe('a T1c image of the same slice at the same size'),
  reading: z.enum(readingChoices).optional().describe('how to read a colour image; auto unless said'),
  force: forceFlag.optional().describe('true: analyse a picture the guard flags (as ?force=true)'),
}).describe(`at most ${MAX_SLICE_UPLOAD_BYTES} bytes in all`);

const volumeForm = z.strictObject({
  flair: z.union([upload, z.array(upload).min(1).max(MAX_DICOM_FILES)])
    .describe('one NIfTI-1 file (.nii or .nii.gz), the files of one DICOM series, or one .zip of them'),
  t1c: upload.optional().describe('a NIfTI on the same grid'),
  baseline: z.union([upload, z.array(upload).min(1).max(MAX_DICOM_FILES)]).optional()
    .describe('an earlier scan of the same patient, like flair: the answer adds followUp'),
  force: forceFlag.optional().describe('true: analyse a volume the guard flags as not MRI (as ?force=true)'),
  display: forceFlag.optional().describe('true: the answer carries displayNiftiBase64, a display copy of the scan for a viewer (as ?display=true)'),
}).describe(`at most ${MAX_VOLUME_UPLOAD_BYTES} bytes in all`);

const volumeExampleNames = examplesFor('/volume').map((example) => example.name) as [string, ...string[]];
const volumeExampleForm = z.strictObject({
  example: z.enum(volumeExampleNames).describe('instead of files: one of the volume page\'s examples by name, analysed from the server\'s own copy (GET /examples/<file>)'),
  display: forceFlag.optional().describe('as for an upload'),
});

// Every answer and form is a component; Guard and GuardedError are named once, so SliceResult and SliceRefusal refer to them.
const refs = {
  sliceResult: component(sliceAnswer, 'SliceResult'),
  volumeResult: component(volumeAnswer, 'VolumeResult'),
  guard: component(guardAnswer, 'Guard'),
  error: component(errorAnswer, 'Error'),
  guardedError: component(guardedErrorAnswer, 'GuardedError'),
  volumeRefusal: component(z.union([volumeGuardedErrorAnswer, errorAnswer]), 'VolumeRefusal'),
  health: component(healthAnswer, 'Health'),
  sliceRefusal: component(z.union([guardedErrorAnswer, errorAnswer]), 'SliceRefusal'),
  sliceUpload: component(sliceForm, 'SliceUpload'),
  volumeUpload: component(z.union([volumeForm, volumeExampleForm]).describe('the files of a volume, or the name of one of the volume page\'s examples'), 'VolumeUpload'),
};

// Each component lies inside this document: it takes the document's dialect and base, not a $schema or $id of its own.
const componentSchemas = Object.fromEntries(
  Object.entries(z.toJSONSchema(components, { target: 'draft-2020-12', uri: componentUri }).schemas)
    .map(([id, { $schema: _dialect, $id: _base, ...schema }]) => [id, schema]),
);

function inlineSchema(schema: z.ZodType) {
  const { $schema: _dialect, ...rendered } = z.toJSONSchema(schema, { target: 'draft-2020-12' });
  return rendered;
}

const json = (schema: { $ref: string }, description: string) => ({ description, content: { 'application/json': { schema } } });
const form = (schema: { $ref: string }) => ({ required: true, content: { 'multipart/form-data': { schema } } });
const errorDescriptions: Record<number, string> = {
  400: 'unreadable upload or malformed request', 403: 'a cross-site post (set ALLOW_CROSS_SITE_API=1 to allow)', 408: 'the upload stopped sending',
  413: 'too large', 415: 'wrong type', 422: 'not something this tool can analyse', 503: 'busy: try again after Retry-After seconds',
};
const errors = (codes: number[]) => Object.fromEntries(codes.map((code) => [String(code), json(refs.error, errorDescriptions[code])]));

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
        parameters: [{ name: 'force', in: 'query', required: false, schema: inlineSchema(forceFlag), description: 'analyse a picture the guard flags' }],
        requestBody: form(refs.sliceUpload),
        responses: {
          200: json(refs.sliceResult, 'the answer'),
          422: json(refs.sliceRefusal, 'not a brain MRI slice, or flagged as not one (guard.overrulable: send again with force=true)'),
          ...errors([400, 403, 408, 413, 415, 503]),
        },
      },
    },
    '/api/volume': {
      post: {
        summary: 'Analyse a FLAIR volume: one NIfTI file, the files of one DICOM series, or one .zip of them',
        parameters: [
          { name: 'force', in: 'query', required: false, schema: inlineSchema(forceFlag), description: 'analyse a volume the guard flags as not MRI' },
          { name: 'display', in: 'query', required: false, schema: inlineSchema(forceFlag), description: 'add displayNiftiBase64, the scan for a viewer (8-bit, at most 256×256 in-plane)' },
          { name: 'format', in: 'query', required: false, schema: inlineSchema(z.enum(['json', 'pdf'])), description: 'pdf: the report as a PDF of at most two A4 pages instead of JSON' },
        ],
        requestBody: form(refs.volumeUpload),
        responses: {
          200: {
            description: 'the answer: JSON, or with format=pdf the report as a PDF (an attachment)',
            content: { 'application/json': { schema: refs.volumeResult }, 'application/pdf': { schema: { type: 'string', contentMediaType: 'application/pdf' } } },
          },
          422: json(refs.volumeRefusal, 'not something this tool can analyse: the volume guard refuses a label map, a mask, a CT or no head (guard.overrulable false), and flags what does not look like an MRI (guard.overrulable: send again with force=true)'),
          ...errors([400, 403, 408, 413, 415, 503]),
        },
      },
    },
    '/api/health': { get: { summary: 'Ready once the models are loaded', responses: { 200: json(refs.health, 'ready'), 503: json(refs.error, 'the models cannot be loaded') } } },
    '/api/openapi.json': { get: { summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': {} } } } } },
  },
  components: { schemas: componentSchemas },
};
