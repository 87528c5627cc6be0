import { z } from 'zod';
import type { GuardVerdict } from '../analysis/mri-guard';
import type { VolumeGuardReport } from '../analysis/volume-guard';
import { modelAnswer, probability } from './schema-parts';

// The guard's answer: on every slice answer (200) and in the guard's 422.

const verdicts = ['axial-flair', 'other-mri', 'blank', 'not-mri', 'refused'] as const satisfies readonly GuardVerdict[];

export const guardAnswer = z.strictObject({
  verdict: z.enum(verdicts),
  score: probability.describe('probability that the picture is not a brain MRI').nullable(),
  scores: z.strictObject({ axialFlair: probability, otherMri: probability, notMri: probability }).nullable(),
  reason: z.string(),
  overrulable: z.boolean().describe('force=true will have it analysed'),
  forced: z.boolean(),
  thresholds: z.strictObject({ notMri: probability, otherMri: probability }),
  model: modelAnswer,
}).describe('What the guard made of the picture: on every slice answer, 200 or 422.');

export type GuardAnswer = z.infer<typeof guardAnswer>;

const volumeVerdicts = ['axial-flair', 'other-mri', 'not-mri', 'refused'] as const satisfies readonly VolumeGuardReport['verdict'][];
const refusals = ['label-map', 'mask', 'ct', 'no-head'] as const satisfies readonly NonNullable<VolumeGuardReport['refusedAs']>[];
const classes = z.strictObject({ axialFlair: probability, otherMri: probability, notMri: probability });

export const volumeGuardAnswer = z.strictObject({
  verdict: z.enum(volumeVerdicts),
  refusedAs: z.enum(refusals).nullable().describe('what a refused volume is'),
  reason: z.string(),
  overrulable: z.boolean().describe('force=true will have it analysed'),
  forced: z.boolean(),
  slicesJudged: z.array(z.int().min(0)).describe('the axial slices the slice guard read, spread over the middle of the head'),
  scores: z.strictObject({ median: classes, votes: z.strictObject({ axialFlair: z.int().min(0), otherMri: z.int().min(0), notMri: z.int().min(0) }) }).nullable(),
  thresholds: z.strictObject({ notMri: probability, otherMri: probability }).describe('the medians from which a volume is flagged as not MRI, or warned as another sequence'),
  model: modelAnswer,
}).describe('What the volume guard made of the FLAIR volume: on every volume answer, 200 or 422.');

export type VolumeGuardAnswer = z.infer<typeof volumeGuardAnswer>;
