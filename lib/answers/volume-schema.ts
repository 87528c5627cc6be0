import { z } from 'zod';
import type { VolumeAnalysis } from '../analysis/analyse-volume';
import { axisNames } from '../volume/axes';
import type { GeometrySource, VoxelType } from '../volume/scalar-volume';
import { volumeGuardAnswer } from './guard-schema';
import { followUpAnswer, reportAnswer } from './report-schema';
import { base64, count, lossyCompressionAnswer, modelAnswer, probability } from './schema-parts';

// The volume answer of POST /api/volume; enums are checked against the domain's types as in slice-schema.ts.

const affineSources = ['sform', 'qform', 'pixdim', 'dicom'] as const satisfies readonly GeometrySource[];
const voxelTypes = ['uint8', 'int16', 'uint16', 'int32', 'float32', 'float64'] as const satisfies readonly VoxelType[];
const modalities = ['FLAIR', 'FLAIR + T1c'] as const satisfies readonly VolumeAnalysis['modalities'][];

export const volumeAnswer = z.strictObject({
  tumourVolumeMl: z.number().min(0),
  tumourSlices: count,
  slices: z.array(z.strictObject({ index: count, probability, tumourAreaPx: count }))
    .describe('the slices with head in them (only those were run through the model)'),
  sliceCount: count,
  shape: z.tuple([count, count, count]),
  spacingMm: z.tuple([z.number(), z.number(), z.number()]),
  axis: z.strictObject({
    index: z.int().min(0).max(2),
    name: z.enum(axisNames),
    description: z.string(),
    superiorIncreases: z.boolean(),
    affine: z.enum(affineSources),
  }),
  modalities: z.enum(modalities),
  datatype: z.enum(voxelTypes),
  source: z.enum(['nifti', 'dicom']).describe('where the FLAIR volume came from: a NIfTI file, or a DICOM series'),
  series: z.strictObject({ seriesNumber: z.int().nullable(), modality: z.string(), slices: count }).nullable()
    .describe('the DICOM series, by number, modality and slice count only; null for NIfTI'),
  lossyCompression: lossyCompressionAnswer,
  thresholds: z.strictObject({ slice: probability, mask: probability }),
  maskNiftiBase64: base64('the mask as .nii.gz, uint8 0/1 on the input grid and affine'),
  displayNiftiBase64: base64('only when asked with display=true: the FLAIR for a viewer as .nii.gz, uint8 windowed as the model saw it, at most 256×256 in-plane and 240 slices (under 16 MB), placed in the patient as the mask is; null otherwise')
    .nullable(),
  model: modelAnswer,
  guard: volumeGuardAnswer,
  warning: z.string().nullable().describe('the model was not made for this volume (another sequence, or a forced one), or null'),
  report: reportAnswer,
  followUp: followUpAnswer.nullable().describe('the comparison with the earlier scan sent as baseline; null without one'),
  timingsMs: z.strictObject({
    read: z.number(), guard: z.number(), preprocess: z.number(), inference: z.number(), postprocess: z.number(), report: z.number(), total: z.number(),
  }),
});

export type VolumeAnswer = z.infer<typeof volumeAnswer>;
