import { z } from 'zod';
import type { ReadingResult } from '../analysis/analyse-slice';
import type { Reading } from '../analysis/readings';
import { guardAnswer } from './guard-schema';
import { base64, count, lossyCompressionAnswer, modelAnswer, probability } from './schema-parts';

// The slice answer of POST /api/predict. Enums are checked against the domain's types both ways: `satisfies` here, the
// builder's return type in slice-answer.ts.

const labels = ['Tumor', 'No Tumor'] as const satisfies readonly ReadingResult['label'][];
const readings = ['grayscale', 'layered', 'separate'] as const satisfies readonly Reading[];

const tumourLabel = z.enum(labels);
const reading = z.enum(readings);
const maskPng = z.strictObject({ width: count, height: count, png: base64('PNG, 0/255, at the uploaded image size') });

export const sliceAnswer = z.strictObject({
  label: tumourLabel,
  probability: probability.describe('calibrated probability that the slice shows tumour; Tumor when >= threshold'),
  threshold: probability,
  mask: maskPng.nullable(),
  tumourAreaPx: count,
  tumourAreaMm2: z.number().nullable().describe('null unless the upload gives its pixel size (a DICOM image with PixelSpacing)'),
  brainAreaPx: count,
  tumourShareOfBrain: z.number().min(0),
  reading,
  alternativeReading: z.strictObject({ reading, label: tumourLabel, probability, tumourAreaPx: count, mask: maskPng.nullable() }).nullable(),
  image: z.strictObject({ width: count, height: count, pixelSpacingMm: z.tuple([z.number(), z.number()]).nullable() }),
  lossyCompression: lossyCompressionAnswer,
  model: modelAnswer,
  warning: z.string().nullable(),
  note: z.string().nullable(),
  guard: guardAnswer,
  orientation: z.strictObject({
    turnDegrees: z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)])
      .describe('how far the upload is turned from upright (the front of the head at the top), counter-clockwise; it was read turned back by as much, and the mask is at the upload as sent. A mirror cannot be seen in an axial slice: nothing here says left or right'),
    source: z.enum(['dicom', 'detected']).describe('dicom: from the orientation tags; detected: read from the pixels by the orientation model'),
    confidence: probability.nullable().describe("the orientation model's probability for what was done (the turn, or leaving the picture as sent); null when the tags say"),
  }),
  timingsMs: z.strictObject({
    decode: z.number(), preprocess: z.number(), guard: z.number(), inference: z.number(), postprocess: z.number(), total: z.number(),
  }),
});

export type SliceAnswer = z.infer<typeof sliceAnswer>;
