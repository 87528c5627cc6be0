import { z } from 'zod';

// What the answers are made of. Objects are strict, so the generated document closes them (additionalProperties: false)
// and requires every property; the answers carry null, never a missing key.

export const probability = z.number().min(0).max(1);
export const count = z.int().min(0);
export const modelAnswer = z.strictObject({ name: z.string(), version: z.string() });
export const lossyCompressionAnswer = z.boolean().describe(
  'true when a DICOM file says its pixels went through lossy compression: a lossy transfer syntax (JPEG Baseline, JPEG-LS near-lossless, JPEG 2000 irreversible) or Lossy Image Compression (0028,2110) "01"; the pixels are not those the scanner measured, so areas and volumes are less exact. false otherwise, pictures and NIfTI included',
);

/** Bytes as base64 text. Not z.base64(): its pattern would have a validator scan megabytes of mask. */
export const base64 = (description: string) => z.string().meta({ contentEncoding: 'base64', description });
